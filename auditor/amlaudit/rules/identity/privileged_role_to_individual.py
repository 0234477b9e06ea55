import re

from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip
from amlaudit.checks import assignment_scope, role_guid

PRIVILEGED = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}
_BROAD = re.compile(
    r"^(|/subscriptions/[^/]+|/providers/microsoft\.management/managementgroups/[^/]+)$"
)


@rule(
    id="AML161",
    name="privileged-role-assigned-to-individual",
    title="Privileged roles at subscription or management-group scope go to groups, not individuals",
    severity="high",
    resource_types=["Microsoft.Authorization/roleAssignments"],
    controls=["MCSB-v1:PA-1", "MCSB-v1:PA-7", "ASB-v1:3.3", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
        "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged",
    ],
)
def privileged_role_to_individual(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Role assignments of Owner, Contributor, User Access Administrator or Role Based Access
    Control Administrator (matched on the role definition GUID) made at a broad scope — the
    tenant root, a management group or a subscription. Such an assignment fails when its
    `principalType` is `User` or `ServicePrincipal` (managed identities are service
    principals), or is missing; it passes for `Group` and `ForeignGroup`. Assignments of other
    roles, or at resource-group or resource scope, are skipped.

    ## Why it matters
    A standing privileged role held by one account is the shortest path to taking over every ML
    workspace, vault and storage account below it. Granting it to a group (ideally with PIM
    activation) keeps it reviewable and revocable in one place.

    ## How to fix
    Move the assignment to a group, or narrow its scope to the resource group that needs it.

    ```bash
    az role assignment create --assignee-object-id <group-id> --assignee-principal-type Group \\
      --role Contributor --scope /subscriptions/<subscription-id>
    az role assignment delete --ids <assignment-id>
    ```

    ```bicep
    targetScope = 'subscription'
    resource contributors 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      name: guid(subscription().id, mlAdminsGroupId, 'contributor')
      properties: {
        principalId: mlAdminsGroupId
        principalType: 'Group'
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
          'b24988ac-6180-42a0-ab88-20f7382dd24c')
      }
    }
    ```
    """
    role = PRIVILEGED.get(role_guid(res.str("properties.roleDefinitionId")))
    if role is None:
        return skip(
            "not a privileged role (Owner, Contributor, User Access Administrator, RBAC Admin)"
        )
    scope = assignment_scope(res)
    if not _BROAD.match(scope):
        return skip(f"{role} is assigned at a narrow scope ({scope})")
    kind = res.str("properties.principalType")
    if one_of(kind, "Group", "ForeignGroup"):
        return passed(f"{role} at {scope or '/'} is granted to a group")
    return failed(
        f"{role} at {scope or '/'} is granted to an individual "
        + (f"{kind}" if kind else "principal of unreported type")
        + f" ({res.str('properties.principalId')})",
        path="properties.principalType",
        expected="Group",
        actual=kind,
    )
