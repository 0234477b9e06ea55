from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML130",
    name="aks-defender-profile-disabled",
    title="AKS clusters run the Defender for Containers sensor",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:LT-1", "MCSB-v1:LT-2", "ASB-v1:2.7"],
    azure_policy=["a1840de2-8088-4ea8-b153-b4c723e9cb01"],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable"
    ],
)
def aks_defender_profile(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.securityProfile.defender.securityMonitoring.enabled` is `true`. As in
    Azure Policy a1840de2, anything else fails, including an absent profile.

    ## Why it matters
    The Defender sensor is what sees runtime threats inside the cluster: crypto miners in a
    scoring container, reverse shells, privilege escalation. The subscription-level plan
    alone does not deploy it.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> --enable-defender \\
      --defender-config <log-analytics-config.json>
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        securityProfile: {
          defender: {
            logAnalyticsWorkspaceResourceId: logAnalytics.id
            securityMonitoring: { enabled: true }
          }
        }
      }
    }
    ```
    """
    value = res.bool("properties.securityProfile.defender.securityMonitoring.enabled")
    if value is True:
        return passed("the Defender sensor is enabled")
    return failed(
        "the Defender sensor is " + ("disabled" if value is False else "not configured"),
        path="properties.securityProfile.defender.securityMonitoring.enabled",
        expected=True,
        actual=value,
    )
