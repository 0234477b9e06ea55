from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import assignment_scope, role_guid

BROAD_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
}
WORKSPACE_SCOPE = "/providers/microsoft.machinelearningservices/workspaces/"


@rule(
    id="AML164",
    name="workspace-owner-or-contributor-assigned",
    title="Access to an ML workspace uses the Azure ML roles, not Owner or Contributor",
    severity="low",
    resource_types=["Microsoft.Authorization/roleAssignments"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/computes",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    ],
    controls=["MCSB-v1:PA-7", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-assign-roles",
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication",
    ],
)
def workspace_broad_role(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Role assignments made at the scope of an Azure ML workspace (the assignment's scope ends in
    `.../providers/Microsoft.MachineLearningServices/workspaces/<name>`). Owner or Contributor
    there fails; any other role (AzureML Data Scientist, AzureML Compute Operator, Reader...)
    passes. Assignments at other scopes are skipped — broad ones are judged by AML161.

    An assignment Microsoft documents as required for the estate's own managed identities
    passes: Contributor on a workspace for that workspace's user-assigned identity
    (`identity.userAssignedIdentities`), per the identity-based service authentication doc. The
    table of documented assignments (role x scope per identity kind, each row citing its
    document) is package data, `data/own_identity_roles.json`; anything beyond it is judged.

    ## Why it matters
    Contributor on a workspace can list the workspace keys, rewrite its network settings and
    delete it; Owner can also grant access to anyone. Most people working in a workspace need
    AzureML Data Scientist (jobs, models, endpoints; no compute create/delete, no workspace
    write) or AzureML Compute Operator (compute only).

    ## How to fix
    Replace the assignment with the narrowest ML built-in role that covers the work.

    ```bash
    az role assignment create --assignee-object-id <principal-id> \\
      --role "AzureML Data Scientist" --scope <workspace-id>
    az role assignment delete --ids <assignment-id>
    ```

    ```bicep
    resource ds 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      name: guid(workspace.id, dataScientistsGroupId, 'azureml-data-scientist')
      scope: workspace
      properties: {
        principalId: dataScientistsGroupId
        principalType: 'Group'
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
          'f6c7c914-8db3-469d-8ca1-694a8f32e121')
      }
    }
    ```
    """
    scope = assignment_scope(res)
    head, _, name = scope.rpartition(WORKSPACE_SCOPE)
    if not head or not name or "/" in name:
        return skip("not assigned at the scope of an ML workspace")
    role_id = res.str("properties.roleDefinitionId")
    role = BROAD_ROLES.get(role_guid(role_id))
    kind = res.str("properties.principalType") or "principal"
    if role is None:
        return passed(f"workspace '{name}' access uses a narrower role than Owner or Contributor")
    documented = ctx.documented_own_assignment(
        res.str("properties.principalId") or "", role_id or "", scope
    )
    if documented is not None:
        identity, row = documented
        owner = identity.owner_id.rsplit("/", 1)[-1]
        return passed(
            f"{role} on workspace '{name}' is granted to the {identity.kind.value} identity of "
            f"'{owner}', as documented ({row.document})"
        )
    return failed(
        f"{role} on workspace '{name}' is granted to {kind} {res.str('properties.principalId')}; "
        "AzureML Data Scientist or AzureML Compute Operator would do",
        path="properties.roleDefinitionId",
        expected="an Azure ML built-in role (AzureML Data Scientist, AzureML Compute Operator)",
        actual=role,
    )
