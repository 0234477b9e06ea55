from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip

SECTIONS = {
    "azuresqldatabase": "azureSqlDatabaseSection",
    "azurepostgresql": "azurePostgreSqlSection",
    "azuremysql": "azureMySqlSection",
}


def v1_database_section(res: Resource) -> tuple[str, str] | None:
    """(dataStoreType, section path) of a v1 database datastore, None for anything else."""
    kind = res.str("properties.dataStoreType")
    if not kind or kind.lower() not in SECTIONS:
        return None
    return kind, f"properties.{SECTIONS[kind.lower()]}"


@rule(
    id="AML244",
    name="v1-database-datastore-stored-credentials",
    title="Azure ML v1 SQL, PostgreSQL and MySQL datastores use the workspace identity, not "
    "stored credentials",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/datastores"],
    controls=["MCSB-v1:IM-3", "MCSB-v1:DP-6", "ASB-v1:7.12", "ASB-v1:7.11"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/v1/how-to-access-data",
        "https://learn.microsoft.com/azure/machine-learning/how-to-connection",
    ],
    since="0.2.0",
    status="preview",
)
def v1_datastore_credentials(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    v1 datastores (the `workspaces/datastores` shape of api-version 2020-05-01-preview, the
    only one that lists them) whose `properties.dataStoreType` is `AzureSqlDatabase`,
    `AzurePostgreSql` or `AzureMySql`: the section's `credentialType` must be `None` (access
    through the workspace identity, `serviceDataAccessAuthIdentity`). `SqlAuthentication`
    (user and password) and `ServicePrincipal` (client secret) fail; without a
    `credentialType`, a recorded `userId` or `clientId` counts as that credential. v2
    datastores are skipped. The password and secret values are redacted on collection.

    ## Why it matters
    The workspace stores these passwords and secrets and hands them to every job that uses
    the datastore: anyone who can run a job can read the database as that account. They are
    also v1-only objects that no current SDK or CLI manages, so they are rarely rotated.

    ## How to fix
    Replace the datastore with a v2 connection using Microsoft Entra authentication, then
    delete it.

    ```bash
    az ml connection create --file sql-connection.yml --resource-group <rg> --workspace-name <ws>
    az resource delete --ids <datastore-id> --api-version 2020-05-01-preview
    ```

    ```bicep
    resource sql 'Microsoft.MachineLearningServices/workspaces/connections@2025-12-01' = {
      parent: workspace
      name: 'sales-db'
      properties: { category: 'AzureSqlDb', authType: 'AAD', target: 'sql-sales.database.windows.net' }
    }
    ```
    """
    found = v1_database_section(res)
    if found is None:
        return skip("not a v1 SQL, PostgreSQL or MySQL datastore")
    kind, section = found
    credential = res.str(f"{section}.credentialType")
    if credential is None and res.str(f"{section}.userId"):
        credential = "SqlAuthentication"
    elif credential is None and res.str(f"{section}.clientId"):
        credential = "ServicePrincipal"
    if credential is None or one_of(credential, "None"):
        return passed(f"{kind} datastore uses the workspace identity")
    return failed(
        f"{kind} datastore stores {credential} credentials in the workspace",
        path=f"{section}.credentialType",
        expected="None",
        actual=credential,
    )
