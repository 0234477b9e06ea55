from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML102",
    name="registry-public-network-access-enabled",
    title="Container registries disable public network access",
    severity="high",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=[
        "0fdf0491-d080-4575-b627-ad0e843cba0f",
        "d0793b48-0edc-4296-a390-4c75d1bdfd71",
    ],
    references=[
        "https://learn.microsoft.com/azure/container-registry/container-registry-access-selected-networks#disable-public-network-access",
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr",
    ],
)
def registry_public_network_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.publicNetworkAccess` is `Disabled` (case-insensitive). As in Azure Policy
    0fdf0491, anything else fails, and an absent value means `Enabled` (the service default).

    A registry that keeps its public endpoint but sets `properties.networkRuleSet.defaultAction`
    to `Deny` passes d0793b48 ("no unrestricted network access"). This rule is stricter and
    still fails it, because the IP firewall leaves the endpoint on the internet; the message
    says the firewall is on, so the finding can be weighed or suppressed.

    ## Why it matters
    The registry holds the images every ML job and endpoint runs. With public access on,
    stolen credentials or a token work from anywhere, and images can be pulled or replaced
    from outside your network.

    ## How to fix
    Reach the registry through a private endpoint (Premium SKU), build images on a compute
    inside the network (`imageBuildCompute` on the workspace), then disable public access.

    ```bash
    az acr update --name <registry> --public-network-enabled false
    ```

    ```bicep
    resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
      name: name
      location: location
      sku: { name: 'Premium' }
      properties: {
        publicNetworkAccess: 'Disabled'
        networkRuleBypassOptions: 'AzureServices'
      }
    }
    ```
    """
    value = res.str("properties.publicNetworkAccess")
    if same(value, "Disabled"):
        return passed("public network access is disabled")
    default_action = res.str("properties.networkRuleSet.defaultAction")
    evidence = Evidence("properties.publicNetworkAccess", "Disabled", value)
    if same(default_action, "Deny"):
        rules = len(res.list("properties.networkRuleSet.ipRules"))
        return failed(
            f"public network access is {value or 'not set (enabled)'}; the firewall denies by "
            f"default and allows {rules} IP rule(s)",
            evidence,
            path="properties.networkRuleSet.defaultAction",
            expected="Deny (with public access Disabled)",
            actual=default_action,
        )
    return failed(
        f"public network access is {value or 'not set (enabled)'} and the firewall allows "
        "every address",
        evidence,
        path="properties.networkRuleSet.defaultAction",
        expected="Deny",
        actual=default_action,
    )
