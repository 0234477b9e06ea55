from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML115",
    name="app-insights-local-auth-enabled",
    title="Application Insights components accept only Entra ID authenticated ingestion",
    severity="medium",
    resource_types=["Microsoft.Insights/components"],
    controls=["MCSB-v1:IM-1", "ASB-v1:3.9"],
    azure_policy=["199d5677-e4d9-4264-9465-efe1839c06bd"],
    references=["https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication"],
)
def app_insights_local_auth(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.DisableLocalAuth` is `true` (the component API spells it with a capital
    D; `disableLocalAuth` is accepted too). As in Azure Policy 199d5677, anything other than
    `true`, including an absent value, fails: local authentication is on by default.

    ## Why it matters
    With local auth on, the instrumentation key in the connection string is all it takes to
    write telemetry. That key sits in ML job environments, scoring scripts and notebooks, so
    anyone who copies it can flood or poison the workspace's monitoring data. The key is
    never shown in amlaudit's output.

    ## How to fix
    Grant the ML workspace's and endpoints' identities *Monitoring Metrics Publisher* on the
    component, then disable local authentication.

    ```bash
    az monitor app-insights component update --app <component> --resource-group <rg> \\
      --set properties.DisableLocalAuth=true
    ```

    ```bicep
    resource appi 'Microsoft.Insights/components@2020-02-02' = {
      name: name
      location: location
      kind: 'web'
      properties: {
        Application_Type: 'web'
        WorkspaceResourceId: logAnalytics.id
        DisableLocalAuth: true
      }
    }
    ```
    """
    value = res.bool("properties.DisableLocalAuth")
    if value is None:
        value = res.bool("properties.disableLocalAuth")
    if value is True:
        return passed("local authentication is disabled: ingestion needs an Entra ID token")
    return failed(
        "local authentication is "
        + ("enabled" if value is False else "not set (enabled)")
        + ": the instrumentation key alone can send telemetry",
        path="properties.DisableLocalAuth",
        expected=True,
        actual=value,
    )
