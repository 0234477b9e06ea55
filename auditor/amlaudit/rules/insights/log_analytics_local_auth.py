from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML118",
    name="log-analytics-local-auth-enabled",
    title="Log Analytics workspaces accept only Entra ID authenticated ingestion",
    severity="medium",
    resource_types=["Microsoft.OperationalInsights/workspaces"],
    controls=["MCSB-v1:IM-1", "ASB-v1:3.9"],
    azure_policy=["e15effd4-2278-4c65-a0da-4d6f6d1890e2"],
    references=[
        "https://learn.microsoft.com/azure/azure-monitor/logs/azure-ad-authentication-logs"
    ],
)
def log_analytics_local_auth(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.features.disableLocalAuth` is `true`. As in Azure Policy e15effd4,
    anything else fails, including an absent value: shared-key ingestion is on by default.

    ## Why it matters
    The workspace's shared keys let any agent or script write log records without an
    identity. The ML workspace's diagnostic logs land here; forged or flooded records make
    investigations unreliable.

    ## How to fix
    Move agents to the Azure Monitor Agent (which authenticates with Entra ID), then disable
    local authentication.

    ```bash
    az monitor log-analytics workspace update --resource-group <rg> --workspace-name <law> \\
      --set properties.features.disableLocalAuth=true
    ```

    ```bicep
    resource law 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
      name: name
      location: location
      properties: {
        sku: { name: 'PerGB2018' }
        features: { disableLocalAuth: true }
      }
    }
    ```
    """
    value = res.bool("properties.features.disableLocalAuth")
    if value is True:
        return passed("local authentication is disabled")
    return failed(
        "local authentication is "
        + ("enabled" if value is False else "not set (enabled)")
        + ": the workspace's shared keys can write logs",
        path="properties.features.disableLocalAuth",
        expected=True,
        actual=value,
    )
