from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML044",
    name="online-deployment-app-insights-disabled",
    title="Azure ML online deployments send telemetry to Application Insights",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-5", "ASB-v1:2.3"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-monitor-online-endpoints"
    ],
)
def online_deployment_app_insights(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.appInsightsEnabled` of an online deployment must be `true`; `false` or absent
    (the API default, `false`) fails. No built-in Azure Policy covers it.

    ## Why it matters
    Application Insights keeps the deployment's request and console logs beyond the
    container's lifetime: without it, errors, abuse and slow requests leave no trace once a
    replica is recycled.

    ## How to fix
    ```bash
    az ml online-deployment update --name <deployment> --endpoint-name <endpoint> \\
      --resource-group <rg> --workspace-name <workspace> --set app_insights_enabled=true
    ```

    ```bicep
    resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2025-12-01' = {
      parent: endpoint
      name: 'blue'
      location: location
      properties: { endpointComputeType: 'Managed', appInsightsEnabled: true }
    }
    ```
    """
    value = res.bool("properties.appInsightsEnabled")
    if value is True:
        return passed("Application Insights logging is on")
    return failed(
        "Application Insights logging is " + ("off" if value is False else "not set (off)"),
        path="properties.appInsightsEnabled",
        expected=True,
        actual=value,
    )
