from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import ingestion_and_query_private


@rule(
    id="AML119",
    name="log-analytics-public-network-access-enabled",
    title="Log Analytics workspaces take ingestion and queries over private link only",
    severity="medium",
    resource_types=["Microsoft.OperationalInsights/workspaces"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=["6c53d030-cc64-46f0-906d-2bc061cd1334"],
    references=["https://learn.microsoft.com/azure/azure-monitor/logs/private-link-security"],
)
def log_analytics_public_network(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That both `properties.publicNetworkAccessForIngestion` and
    `properties.publicNetworkAccessForQuery` are `Disabled` (case-insensitive). As in Azure
    Policy 6c53d030, an absent value fails: both default to `Enabled`.

    ## Why it matters
    The workspace collects the ML workspace's audit logs and the telemetry of its jobs and
    endpoints. Reachable from the internet, a leaked token is enough to read them, and public
    ingestion lets outsiders write misleading records.

    ## How to fix
    Add the workspace to an Azure Monitor Private Link Scope, then close both public paths.

    ```bash
    az monitor log-analytics workspace update --resource-group <rg> --workspace-name <law> \\
      --ingestion-access Disabled --query-access Disabled
    ```

    ```bicep
    resource law 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
      name: name
      location: location
      properties: {
        sku: { name: 'PerGB2018' }
        publicNetworkAccessForIngestion: 'Disabled'
        publicNetworkAccessForQuery: 'Disabled'
      }
    }
    ```
    """
    return ingestion_and_query_private(res)
