from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip

SERVICES = "Microsoft.MachineLearningServices/workspaces/services"


@rule(
    id="AML242",
    name="v1-web-service-public-ip",
    title="Azure ML v1 ACI web services run inside a virtual network, not on a public IP",
    severity="medium",
    resource_types=[SERVICES],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/v1/how-to-secure-inferencing-vnet"
    ],
    since="0.2.0",
    status="preview",
)
def v1_service_public_ip(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    A v1 `ACI` web service must not have `properties.publicIp` or `properties.publicFqdn`
    set; a service deployed into a virtual network (`properties.vnetConfiguration.subnetName`)
    has neither. AKS services are skipped here: their exposure is the inference cluster's
    load balancer (AML247).

    ## Why it matters
    A container instance with a public IP is reachable from the whole internet, whatever its
    authentication; v1 ACI services were meant for testing, yet many still serve production
    traffic years later.

    ## How to fix
    Redeploy to a managed online endpoint with public network access disabled and delete the
    v1 web service.

    ```bash
    az ml online-endpoint update --name <endpoint> --public-network-access disabled \\
      --resource-group <rg> --workspace-name <ws>
    az resource delete --ids <web-service-id> --api-version 2020-05-01-preview
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
    if not one_of(res.str("properties.computeType"), "ACI"):
        return skip("not an ACI web service")
    address = res.str("properties.publicIp") or res.str("properties.publicFqdn")
    if not address:
        return passed("the ACI web service has no public IP")
    return failed(
        f"the ACI web service is reachable on a public address ({address})",
        path="properties.publicIp",
        expected=None,
        actual=address,
    )
