from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule


@rule(
    id="AML082",
    name="storage-minimum-tls-below-1-2",
    title="Storage accounts used by Azure ML require TLS 1.2 or later",
    severity="medium",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:DP-3", "ASB-v1:4.4", "CIS-Azure-2.0.0:3.15"],
    azure_policy=["fe83a0eb-a853-422d-aac2-1bffd182c5d0"],
    references=[
        "https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version"
    ],
)
def storage_minimum_tls(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.minimumTlsVersion` is `TLS1_2` or `TLS1_3`. Azure Policy fe83a0eb compares
    with one parameter value and would flag `TLS1_3`; this rule accepts it, since it is
    stricter. Absent fails: older accounts then accept TLS 1.0. Judged on the storage accounts in the ML dependency scope
    (`--dependency-scope`).

    ## Why it matters
    TLS 1.0 and 1.1 have known weaknesses and are retired across Azure; a client that still
    negotiates them exposes data and credentials in transit.

    ## How to fix
    ```bash
    az storage account update --name <account> --resource-group <rg> --min-tls-version TLS1_2
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: { minimumTlsVersion: 'TLS1_2' }
    }
    ```
    """
    version = res.str("properties.minimumTlsVersion")
    if one_of(version, "TLS1_2", "TLS1_3"):
        return passed(f"minimum TLS version is {version}")
    return failed(
        "minimum TLS version is " + (f"'{version}'" if version else "not set (TLS 1.0)"),
        path="properties.minimumTlsVersion",
        expected="TLS1_2",
        actual=version,
    )
