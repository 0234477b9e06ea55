from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML083",
    name="storage-http-allowed",
    title="Storage accounts used by Azure ML accept HTTPS only",
    severity="high",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:DP-3", "ASB-v1:4.4", "CIS-Azure-2.0.0:3.1"],
    azure_policy=["404c3081-a854-4457-ae30-26a93ef643f9"],
    references=["https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer"],
)
def storage_https_only(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.supportsHttpsTrafficOnly` is not `false`. As in Azure Policy 404c3081 for
    API versions from 2019-04-01, an absent value passes: the service default is `true` and
    current API versions always report it. Judged on the storage accounts in the ML dependency scope
    (`--dependency-scope`).

    ## Why it matters
    With plain HTTP allowed, requests (including SAS tokens in URLs and the data itself) can be
    read or altered in transit.

    ## How to fix
    ```bash
    az storage account update --name <account> --resource-group <rg> --https-only true
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: { supportsHttpsTrafficOnly: true }
    }
    ```
    """
    https_only = res.bool("properties.supportsHttpsTrafficOnly")
    if https_only is False:
        return failed(
            "plain HTTP requests are accepted",
            path="properties.supportsHttpsTrafficOnly",
            expected=True,
            actual=False,
        )
    if https_only is None:
        return passed("HTTPS only is not reported: the service default (HTTPS only) applies")
    return passed("only HTTPS requests are accepted")
