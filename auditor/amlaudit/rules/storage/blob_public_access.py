from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML080",
    name="storage-blob-public-access-allowed",
    title="Storage accounts used by Azure ML disallow anonymous blob access",
    severity="high",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1", "CIS-Azure-2.0.0:3.7"],
    azure_policy=["4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"],
    references=["https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent"],
)
def storage_blob_public_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.allowBlobPublicAccess` is `false`, as Azure Policy 4fa4b6c0 requires: an
    absent value fails (accounts created before the property existed allow anonymous access
    at account level). Judged on the storage accounts in the ML dependency scope
    (`--dependency-scope`).

    ## Why it matters
    With anonymous access allowed, one container set to `Blob` or `Container` access exposes
    training data, models or job outputs to anyone on the internet, without a credential or a
    log entry that names them.

    ## How to fix
    ```bash
    az storage account update --name <account> --resource-group <rg> \\
      --allow-blob-public-access false
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: { allowBlobPublicAccess: false }
    }
    ```
    """
    allowed = res.bool("properties.allowBlobPublicAccess")
    if allowed is False:
        return passed("anonymous blob access is disallowed")
    return failed(
        "anonymous blob access is " + ("allowed" if allowed else "not set (allowed)"),
        path="properties.allowBlobPublicAccess",
        expected=False,
        actual=allowed,
    )
