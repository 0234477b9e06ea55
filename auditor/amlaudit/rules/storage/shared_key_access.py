from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML081",
    name="storage-shared-key-access-enabled",
    title="Storage accounts used by Azure ML disable shared key access",
    severity="medium",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:IM-1", "ASB-v1:3.9"],
    azure_policy=["8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54"],
    references=[
        "https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent",
        "https://learn.microsoft.com/azure/machine-learning/how-to-disable-local-auth-storage",
    ],
)
def storage_shared_key_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.allowSharedKeyAccess` is `false`. As in Azure Policy 8c6a50c6, an absent
    (null) value fails: the service then accepts account keys and key-signed SAS tokens. Judged
    on a workspace's default storage and every datastore target in the snapshot; other
    accounts are skipped.

    ## Why it matters
    An account key is a password for the whole account: it bypasses Azure RBAC, cannot be
    scoped or attributed, and SAS tokens signed with it stay valid until the key is rotated.
    Azure ML works without it when the workspace uses identity-based system datastores
    (`systemDatastoresAuthMode: Identity`, AML009) and datastores use identities (AML050).

    ## How to fix
    Switch the workspace and its datastores to identity-based access first.

    ```bash
    az storage account update --name <account> --resource-group <rg> \\
      --allow-shared-key-access false
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: { allowSharedKeyAccess: false, defaultToOAuthAuthentication: true }
    }
    ```
    """
    allowed = res.bool("properties.allowSharedKeyAccess")
    if allowed is False:
        return passed("shared key access is disabled: only Entra ID authorizes requests")
    return failed(
        "shared key access is " + ("enabled" if allowed else "not set (enabled)"),
        path="properties.allowSharedKeyAccess",
        expected=False,
        actual=allowed,
    )
