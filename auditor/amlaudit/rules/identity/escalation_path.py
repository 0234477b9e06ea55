from amlaudit.api import (
    Context,
    Evidence,
    Option,
    Resource,
    Verdict,
    failed,
    rule,
    skip,
)
from amlaudit.checks import ACCESS_READS, access_passed, without_rbac, workspace_access


@rule(
    id="AML167",
    name="escalation-path-to-workspace",
    title="Only allow-listed principals can assign roles or take over identities over a workspace",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=ACCESS_READS,
    controls=["MCSB-v1:PA-1", "MCSB-v1:PA-7", "ASB-v1:3.1", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/role-based-access-control/conditions-role-assignments-portal",
        "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
    ],
    since="0.2.0",
    status="preview",
    labels=["access"],
    options={
        "escalation_allowlist": Option(
            list,
            [],
            "principal object IDs allowed to assign roles or take over identities over a "
            "workspace (e.g. the platform team's group, the deployment pipeline)",
        ),
        "escalation_groups_allowed": Option(
            bool,
            True,
            "groups count as allow-listed (their membership is governed, and reviewed, in "
            "Entra ID); false: only `escalation_allowlist` is",
        ),
    },
)
def escalation_path(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    From the workspace's blast radius (`amlaudit access`): principals holding an
    *unconditioned* `Microsoft.Authorization/roleAssignments/write` at a scope covering the
    workspace (root, management group, subscription, resource group or the workspace — Owner,
    User Access Administrator, Role Based Access Control Administrator without a condition,
    custom roles with `Microsoft.Authorization/*`), or able to take over a user-assigned
    identity the workspace, its computes or endpoints use
    (`userAssignedIdentities/federatedIdentityCredentials/write`). Grants graded `direct` or
    `indirect` count; conditioned ones (a condition listing the roles that may be assigned) and
    PIM-eligible ones do not. It fails for every such principal not in `escalation_allowlist`;
    groups (`Group`, `ForeignGroup`) count as allow-listed unless `escalation_groups_allowed`
    is false, since their membership is governed and reviewed in Entra ID. A role Microsoft
    documents as required for the workspace's own identities (the own-identity table, e.g.
    Contributor on the resource group for a workspace created before 2024-11-19) is
    recognised, not counted.
    A workspace that would pass with an unknown role or unreadable authorization data reports
    an error. A snapshot holding no role assignment at all is skipped.

    ## Why it matters
    Whoever can assign roles can give themselves every other capability: the training data,
    the vault, the registry, the computes. Whoever can add a federated credential to an identity
    gets tokens as that identity. These are the principals a review has to know by name.

    ## How to fix
    Remove the standing assignment, constrain it with a condition (Role Based Access Control
    Administrator with "allow only these roles"), make it PIM-eligible, or, when it is intended,
    add the principal to `escalation_allowlist`.

    ```bash
    az role assignment create --assignee-object-id <group-id> --assignee-principal-type Group \\
      --role "Role Based Access Control Administrator" --scope <resource-group-id> \\
      --condition "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR \\
        (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals \\
        {f6c7c914-8db3-469d-8ca1-694a8f32e121}))" --condition-version 2.0
    ```

    ```bicep
    resource delegated 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      name: guid(resourceGroup().id, platformGroupId, 'rbac-admin')
      properties: {
        principalId: platformGroupId
        principalType: 'Group'
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
          'f58310d9-a9f6-439a-9e8d-f62e7b41a168')
        conditionVersion: '2.0'
        condition: '((!(ActionMatches{\\'Microsoft.Authorization/roleAssignments/write\\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {f6c7c914-8db3-469d-8ca1-694a8f32e121}))'
      }
    }
    ```
    """
    allowed = {str(p).lower() for p in ctx.option("escalation_allowlist")}
    groups_allowed = bool(ctx.option("escalation_groups_allowed"))
    if reason := without_rbac(ctx):
        return skip(reason)
    result = workspace_access(res, ctx)
    found = sorted(
        {
            f"{g.principal_id} ({g.principal_type}): {g.capability} via {g.first.role} at {g.first.scope}"
            for g in result.grants
            if g.capability in ("role-assign", "identity-takeover")
            and g.grade.value in ("direct", "indirect")
            and g.principal_id not in allowed
            and not (groups_allowed and g.principal_type.lower() in ("group", "foreigngroup"))
            and ctx.documented_own_assignment(g.principal_id, g.first.role_id, g.first.scope)
            is None
        }
    )
    if found:
        return failed(
            f"{len(found)} principal grant(s) outside the allow-list can escalate over the workspace",
            Evidence("access.role-assign+identity-takeover", "allow-listed principals only", found),
        )
    return access_passed(
        res, ctx, result, "only allow-listed principals can assign roles or take over identities"
    )
