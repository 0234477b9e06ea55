from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML042",
    name="online-endpoint-public-network-access-enabled",
    title="Azure ML online endpoints disable public network access",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-secure-online-endpoint"
    ],
)
def online_endpoint_public_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.publicNetworkAccess` of an online endpoint must be `Disabled`; `Enabled` or
    absent (the API default is `Enabled`) fails. With public access disabled, the endpoint
    is reachable only through the workspace's private endpoint. No built-in Azure Policy
    covers it.

    ## Why it matters
    A public scoring URI can be called, probed and flooded from anywhere; together with key
    authentication (AML040) a leaked key is all an attacker needs.

    ## How to fix
    ```bash
    az ml online-endpoint update --name <endpoint> --resource-group <rg> \\
      --workspace-name <workspace> --set public_network_access=disabled
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2025-12-01' = {
      parent: workspace
      name: 'fraud-scoring'
      location: location
      properties: { authMode: 'AADToken', publicNetworkAccess: 'Disabled' }
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
