from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML085",
    name="storage-infrastructure-encryption-disabled",
    title="Storage accounts used by Azure ML encrypt data twice with infrastructure encryption",
    severity="low",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:DP-4", "ASB-v1:4.8", "CIS-Azure-2.0.0:3.2"],
    azure_policy=["4733ea7b-a883-42fe-8cac-97454c2a9e4a"],
    references=[
        "https://learn.microsoft.com/azure/storage/common/infrastructure-encryption-enable"
    ],
)
def storage_infrastructure_encryption(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.encryption.requireInfrastructureEncryption` is `true`; `false` or absent
    fails, as in Azure Policy 4733ea7b. Judged on the storage accounts in the ML dependency scope
    (`--dependency-scope`).

    ## Why it matters
    Infrastructure encryption adds a second AES-256 layer with a different key and algorithm
    mode at the infrastructure level, so one compromised key or implementation flaw does not
    expose the data. Many regulated-data standards ask for it.

    ## How to fix
    It can only be chosen when the account is created: create a new account and move the data
    (for a workspace's default storage, that means a new workspace).

    ```bash
    az storage account create --name <account> --resource-group <rg> --location <region> \\
      --sku Standard_ZRS --kind StorageV2 --require-infrastructure-encryption
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: {
        encryption: {
          keySource: 'Microsoft.Storage'
          requireInfrastructureEncryption: true
          services: { blob: { enabled: true }, file: { enabled: true } }
        }
      }
    }
    ```
    """
    required = res.bool("properties.encryption.requireInfrastructureEncryption")
    if required is True:
        return passed("infrastructure encryption is enabled")
    return failed(
        "infrastructure encryption is " + ("disabled" if required is False else "not set (off)"),
        path="properties.encryption.requireInfrastructureEncryption",
        expected=True,
        actual=required,
    )
