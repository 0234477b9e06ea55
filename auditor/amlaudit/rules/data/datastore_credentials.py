from amlaudit.api import Context, DataError, Resource, Verdict, failed, passed, rule, same, skip

_LABELS = {
    "accountkey": "storage account key",
    "sas": "SAS token",
    "serviceprincipal": "service principal secret",
    "certificate": "service principal certificate",
}


# The v1 shape (api-version 2020-05-01-preview) keeps a datastore's target in one of these.
V1_SECTIONS = (
    "azureStorageSection",
    "azureDataLakeSection",
    "azureSqlDatabaseSection",
    "azurePostgreSqlSection",
    "azureMySqlSection",
    "glusterFsSection",
)


@rule(
    id="AML050",
    name="datastore-credential-based-access",
    title="Azure ML datastores use identity-based access instead of stored credentials",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/datastores"],
    controls=[
        "MCSB-v1:IM-1",
        "MCSB-v1:IM-3",
        "MCSB-v1:IM-8",
        "ASB-v1:3.9",
        "ASB-v1:7.12",
        "ASB-v1:7.13",
    ],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-datastore",
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication",
    ],
)
def datastore_credentials(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.credentials.credentialsType` of every datastore (Blob, File, Data Lake Gen1/2,
    OneLake): `None` (identity-based access: the caller's or the workspace's Entra identity)
    passes; `AccountKey`, `Sas`, `ServicePrincipal`, `Certificate` or any other stored
    credential fails. A datastore without `credentials` cannot be judged and is an error. No
    built-in Azure Policy covers datastores. The system datastores (`workspaceblobstore`,
    `workspacefilestore`) follow the workspace's `systemDatastoresAuthMode` (AML009). The v1
    shape listed at api-version 2020-05-01-preview (no `credentials`; the target in a section
    such as `azureStorageSection` or `azureSqlDatabaseSection`) is skipped: AML244 judges its
    database credentials. (Its `dataStoreType` differs from v2's `datastoreType` only in case,
    which property reads ignore.)

    ## Why it matters
    A credential-based datastore keeps an account key, SAS token or client secret in the
    workspace's Key Vault, and every user who may use the datastore reaches the data with that
    one credential: access is not tied to who they are, cannot be scoped by Azure RBAC and is
    not attributable in the storage logs. An account key grants full control of the account.

    ## How to fix
    Recreate the datastore without credentials and grant the users (or the workspace identity)
    `Storage Blob Data Reader`/`Contributor` on the container.

    ```bash
    cat > datastore.yml <<'YAML'
    name: curated
    type: azure_data_lake_gen2
    account_name: <account>
    filesystem: curated
    YAML
    az ml datastore create --file datastore.yml --workspace-name <workspace> --resource-group <rg>
    ```

    ```bicep
    resource ds 'Microsoft.MachineLearningServices/workspaces/datastores@2025-12-01' = {
      parent: workspace
      name: 'curated'
      properties: {
        datastoreType: 'AzureDataLakeGen2'
        accountName: accountName
        filesystem: 'curated'
        credentials: { credentialsType: 'None' }
        serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity'
      }
    }
    ```
    """
    if not res.has("properties.credentials") and any(
        res.has(f"properties.{section}") for section in V1_SECTIONS
    ):
        return skip("v1 datastore shape (judged by AML244)")
    kind = res.str("properties.credentials.credentialsType")
    store = res.str("properties.datastoreType") or "datastore"
    if not kind:
        raise DataError("properties.credentials.credentialsType is absent")
    if same(kind, "None"):
        return passed(f"{store} datastore uses identity-based access (no stored credential)")
    label = _LABELS.get(kind.strip().lower(), f"'{kind}' credential")
    return failed(
        f"{store} datastore authenticates with a stored {label}",
        path="properties.credentials.credentialsType",
        expected="None",
        actual=kind,
    )
