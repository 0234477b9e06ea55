from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip

BLOB_SERVICES = "Microsoft.Storage/storageAccounts/blobServices"


@rule(
    id="AML087",
    name="storage-blob-versioning-disabled",
    title="Storage accounts used by Azure ML keep previous blob versions",
    severity="low",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
        BLOB_SERVICES,
    ],
    controls=["MCSB-v1:BR-1", "ASB-v1:9.1"],
    azure_policy=[
        "c36a325b-ae04-4863-ad4f-19c6678f8e08",
        "978deb5d-c9a7-41f8-b4b2-b76880d0de1f",
    ],
    references=["https://learn.microsoft.com/azure/storage/blobs/versioning-overview"],
)
def storage_blob_versioning(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.isVersioningEnabled` on the account's `blobServices/default` child is
    `true`. Azure Policy c36a325b flags only an explicit `false`; this rule also fails an
    absent value, because the blob service omits the property until versioning has been
    configured, and versioning is then off. Skipped for accounts with a hierarchical namespace
    (`properties.isHnsEnabled`, where blob versioning is not supported), for FileStorage
    accounts (which have no blob service), and for accounts no ML workspace uses. Azure
    creates `blobServices/default` with every other account, so an input without it is an
    error (not collected), never "not applicable".

    ## Why it matters
    Versioning keeps the previous content of every overwritten blob: a dataset or model file
    replaced by mistake, or by an attacker poisoning training data, can be restored and
    compared.

    ## How to fix
    ```bash
    az storage account blob-service-properties update --account-name <account> \\
      --resource-group <rg> --enable-versioning true
    ```

    ```bicep
    resource blob 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
      parent: st
      name: 'default'
      properties: { isVersioningEnabled: true }
    }
    ```
    """
    if res.bool("properties.isHnsEnabled") is True:
        return skip("blob versioning is not supported on hierarchical-namespace accounts")
    services = ctx.children(res, BLOB_SERVICES)
    if not services:
        return skip("a FileStorage account has no blob service")
    enabled = services[0].bool("properties.isVersioningEnabled")
    if enabled is True:
        return passed("blob versioning is enabled")
    return failed(
        "blob versioning is " + ("disabled" if enabled is False else "not configured (off)"),
        path="blobServices/default.properties.isVersioningEnabled",
        expected=True,
        actual=enabled,
    )
