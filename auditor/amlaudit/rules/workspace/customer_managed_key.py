from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same
from amlaudit.checks import governing_workspace, via_hub


@rule(
    id="AML005",
    name="workspace-cmk-disabled",
    title="Azure ML workspaces encrypt data with a customer-managed key",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:DP-5", "ASB-v1:4.8"],
    azure_policy=[
        "ba769a63-b8cc-4b2d-abf6-ac33c7204be8",
        "7f40cee6-e933-4d0f-a782-b96615e0f4a6",
    ],
    references=["https://learn.microsoft.com/azure/machine-learning/concept-customer-managed-keys"],
)
def workspace_customer_managed_key(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.encryption.status` is `Enabled` (case-insensitive), as Azure Policy
    ba769a63 and 7f40cee6 check. Both built-ins exempt `kind: project`, because a hub-based
    project inherits encryption from its hub; instead of leaving projects unjudged, this rule
    judges a project by the hub named in `properties.hubResourceId` (the finding says so).

    ## Why it matters
    With a customer-managed key you control, rotate and can revoke the key that protects the
    workspace's metadata and the Cosmos DB, Search and Storage resources Microsoft creates for
    it. Required by many regulatory regimes for high-impact data.

    ## How to fix
    CMK can only be set when the workspace is created: create a new workspace with a key in a
    vault that has purge protection, and move assets to it.

    ```bash
    az ml workspace create --name <workspace> --resource-group <rg> \\
      --customer-managed-key <key-uri> --primary-user-assigned-identity <uai-id>
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: {
        encryption: {
          status: 'Enabled'
          keyVaultProperties: { keyVaultArmId: vault.id, keyIdentifier: keyUri }
        }
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    status = judged.str("properties.encryption.status")
    if same(status, "Enabled"):
        return passed(prefix + "encrypted with a customer-managed key")
    return failed(
        prefix + "not encrypted with a customer-managed key",
        path="properties.encryption.status",
        expected="Enabled",
        actual=status,
    )
