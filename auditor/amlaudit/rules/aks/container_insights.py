from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.checks import aks_addon


@rule(
    id="AML137",
    name="aks-container-insights-disabled",
    title="AKS clusters send container logs and metrics to Container Insights",
    severity="low",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-5", "ASB-v1:2.3", "ASB-v1:2.2"],
    references=[
        "https://learn.microsoft.com/azure/azure-monitor/containers/container-insights-overview"
    ],
    since="0.2.0",
    status="preview",
)
def aks_container_insights(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Container Insights is on: the `omsagent` add-on (`properties.addonProfiles.omsagent`, key
    compared case-insensitively) is `enabled` with a `config.logAnalyticsWorkspaceResourceID`,
    or `properties.azureMonitorProfile.containerInsights.enabled` is `true` (the newer shape).

    ## Why it matters
    Without it, the stdout of scoring containers, pod restarts and node pressure of an ML
    inference cluster disappear with the pods: there is nothing to investigate an incident
    or an abused endpoint with.

    ## How to fix
    ```bash
    az aks enable-addons --addons monitoring --name <cluster> --resource-group <rg> \\
      --workspace-resource-id <log-analytics-workspace-id>
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2025-07-01' = {
      name: 'aks-ml'
      location: location
      properties: {
        addonProfiles: {
          omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: logs.id } }
        }
      }
    }
    ```
    """
    if res.bool("properties.azureMonitorProfile.containerInsights.enabled") is True:
        return passed("Container Insights is on (azureMonitorProfile)")
    profile = aks_addon(res, "omsagent")
    config = profile.get("config")
    workspace = config.get("logAnalyticsWorkspaceResourceID") if isinstance(config, dict) else None
    if profile.get("enabled") is True and workspace:
        return passed("Container Insights sends to a Log Analytics workspace")
    return failed(
        "Container Insights is off",
        path="properties.addonProfiles.omsagent",
        expected={"enabled": True, "config": {"logAnalyticsWorkspaceResourceID": "<id>"}},
        actual=profile or None,
    )
