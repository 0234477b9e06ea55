from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import ingestion_and_query_private


@rule(
    id="AML116",
    name="app-insights-public-network-access-enabled",
    title="Application Insights components take ingestion and queries over private link only",
    severity="medium",
    resource_types=["Microsoft.Insights/components"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=["1bc02227-0cb6-4e11-8f53-eb0b22eab7e8"],
    references=["https://learn.microsoft.com/azure/azure-monitor/logs/private-link-security"],
)
def app_insights_public_network(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That both `properties.publicNetworkAccessForIngestion` and
    `properties.publicNetworkAccessForQuery` are `Disabled` (case-insensitive). As in Azure
    Policy 1bc02227, an absent value fails: both default to `Enabled`.

    ## Why it matters
    Application Insights holds request traces, exceptions and custom events from training
    jobs and online endpoints, which often include inputs, feature values and user
    identifiers. Public query access exposes them to anyone with a leaked token; public
    ingestion lets outsiders write to them.

    ## How to fix
    Attach the component to an Azure Monitor Private Link Scope reachable from the ML network,
    then close both public paths.

    ```bash
    az monitor app-insights component update --app <component> --resource-group <rg> \\
      --ingestion-access Disabled --query-access Disabled
    ```

    ```bicep
    resource appi 'Microsoft.Insights/components@2020-02-02' = {
      name: name
      location: location
      kind: 'web'
      properties: {
        Application_Type: 'web'
        publicNetworkAccessForIngestion: 'Disabled'
        publicNetworkAccessForQuery: 'Disabled'
      }
    }
    ```
    """
    return ingestion_and_query_private(res)
