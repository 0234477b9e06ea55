from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML060",
    name="ml-registry-public-network-access-enabled",
    title="Azure ML registries disable public network access",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/registries"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-registry-network-isolation"
    ],
)
def registry_public_network_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.publicNetworkAccess` of an Azure ML registry is `Disabled` (compared
    case-insensitively). Absent fails: the service default is `Enabled`. No built-in Azure
    Policy covers it.

    ## Why it matters
    A registry shares models, environments and components across workspaces and regions. Open
    to the internet, its assets (and the storage and container registry behind them) are
    reachable from anywhere a token leaks to; a tampered environment or model then flows into
    every workspace that consumes it.

    ## How to fix
    Add a private endpoint (AML061) first, then disable public access.

    ```bash
    az ml registry update --name <registry> --resource-group <rg> \\
      --set public_network_access=Disabled
    ```

    ```bicep
    resource registry 'Microsoft.MachineLearningServices/registries@2025-12-01' = {
      name: name
      location: location
      properties: {
        publicNetworkAccess: 'Disabled'
        regionDetails: [ { location: location } ]
      }
    }
    ```
    """
    value = res.str("properties.publicNetworkAccess")
    if same(value, "Disabled"):
        return passed("public network access is disabled")
    return failed(
        "public network access is " + (f"'{value}'" if value else "not set (enabled)"),
        path="properties.publicNetworkAccess",
        expected="Disabled",
        actual=value,
    )
