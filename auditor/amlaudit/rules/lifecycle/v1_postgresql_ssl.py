from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip


@rule(
    id="AML245",
    name="v1-postgresql-datastore-ssl-disabled",
    title="Azure ML v1 PostgreSQL datastores connect with SSL",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/datastores"],
    controls=["MCSB-v1:DP-3", "ASB-v1:4.4"],
    references=["https://learn.microsoft.com/azure/postgresql/flexible-server/security-tls"],
    since="0.2.0",
    status="preview",
)
def v1_postgresql_ssl(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    A v1 datastore (api-version 2020-05-01-preview shape) whose `properties.dataStoreType` is
    `AzurePostgreSql` must not have `properties.azurePostgreSqlSection.enableSsl` `false`.
    Absent passes: the v1 SDK registers these datastores with SSL enforced unless told
    otherwise. Other datastores are skipped.

    ## Why it matters
    Without SSL, the database credentials and every row a training job reads cross the
    network in clear text.

    ## How to fix
    Replace the datastore with a v2 connection (TLS always on), then delete it.

    ```bash
    az ml connection create --file postgres-connection.yml --resource-group <rg> \\
      --workspace-name <ws>
    az resource delete --ids <datastore-id> --api-version 2020-05-01-preview
    ```

    ```bicep
    resource pg 'Microsoft.MachineLearningServices/workspaces/connections@2025-12-01' = {
      parent: workspace
      name: 'features-db'
      properties: { category: 'AzurePostgresDb', authType: 'AAD', target: 'pg-features.postgres.database.azure.com' }
    }
    ```
    """
    if not one_of(res.str("properties.dataStoreType"), "AzurePostgreSql"):
        return skip("not a v1 PostgreSQL datastore")
    value = res.bool("properties.azurePostgreSqlSection.enableSsl")
    if value is False:
        return failed(
            "PostgreSQL datastore connects without SSL",
            path="properties.azurePostgreSqlSection.enableSsl",
            expected=True,
            actual=False,
        )
    return passed("PostgreSQL datastore connects with SSL")
