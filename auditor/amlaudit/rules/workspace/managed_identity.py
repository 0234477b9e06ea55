from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML008",
    name="workspace-user-assigned-identity-missing",
    title="Azure ML workspaces use a user-assigned managed identity",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:IM-3", "ASB-v1:7.12"],
    azure_policy=["5f0c7d88-c7de-45b8-ac49-db49e72eaa78"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication"
    ],
)
def workspace_managed_identity(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.primaryUserAssignedIdentity` names a user-assigned identity, as Azure
    Policy 5f0c7d88 checks: no identity, or a system-assigned identity only, fails.

    ## Why it matters
    A user-assigned identity is created, granted and reviewed independently of the
    workspace: its access to storage, Key Vault and the registry can be set up least
    privilege before the workspace exists and survives re-creation, and its lifecycle is
    under your control.

    ## How to fix
    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> \\
      --primary-user-assigned-identity <uai-resource-id>
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      identity: { type: 'UserAssigned', userAssignedIdentities: { '${uai.id}': {} } }
      properties: { primaryUserAssignedIdentity: uai.id }
    }
    ```
    """
    primary = res.str("properties.primaryUserAssignedIdentity")
    if primary and primary.strip():
        return passed("uses a user-assigned managed identity")
    identity_type = res.str("identity.type")
    return failed(
        "no user-assigned identity"
        + (f" (identity type '{identity_type}')" if identity_type else " (no managed identity)"),
        path="properties.primaryUserAssignedIdentity",
        expected="a user-assigned identity resource ID",
        actual=primary,
    )
