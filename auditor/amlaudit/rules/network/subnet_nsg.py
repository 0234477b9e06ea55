from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule, skip

PRIVATE_ENDPOINTS = "Microsoft.Network/privateEndpoints"
COMPUTES = "Microsoft.MachineLearningServices/workspaces/computes"
SUBNETS = "Microsoft.Network/virtualNetworks/subnets"


@rule(
    id="AML144",
    name="ml-subnet-nsg-missing",
    title="Subnets that host ML computes or private endpoints have a network security group",
    severity="medium",
    resource_types=["Microsoft.Network/virtualNetworks"],
    reads=[PRIVATE_ENDPOINTS, COMPUTES, SUBNETS],
    controls=["MCSB-v1:NS-1", "ASB-v1:1.1"],
    azure_policy=["e71308d3-144b-4262-b144-efdc3cc90517"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-training-vnet",
        "https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works",
    ],
)
def ml_subnet_nsg(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For each subnet of the VNet (`properties.subnets[*]`, or the standalone `subnets`
    resources when that is empty) that hosts an Azure ML compute (`properties.properties.subnet.id`
    of a workspace compute) or a private endpoint (a `privateEndpoints` resource whose
    `properties.subnet.id` is the subnet, or the subnet's own `properties.privateEndpoints[*]`):
    that `properties.networkSecurityGroup.id` is set. VNets with no such subnet are skipped.
    Azure Policy e71308d3 asks the same of every subnet, through a Defender assessment.

    ## Why it matters
    Without an NSG nothing filters traffic into the subnet from the rest of the VNet, peered
    networks or on-premises: every port of every compute node is reachable, and lateral
    movement to the workspace's private endpoints is unrestricted.

    ## How to fix
    ```bash
    az network vnet subnet update --resource-group <rg> --vnet-name <vnet> --name <subnet> \\
      --network-security-group <nsg-id>
    ```

    ```bicep
    resource subnet 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' = {
      parent: vnet
      name: 'snet-ml'
      properties: {
        addressPrefix: '10.10.0.0/24'
        networkSecurityGroup: { id: nsg.id }
      }
    }
    ```
    """
    subnets = [s for s in res.list("properties.subnets") if isinstance(s, dict)]
    if not subnets:
        subnets = [child.raw for child in ctx.children(res, SUBNETS)]
    used, bare = [], []
    for subnet in subnets:
        name = str(subnet.get("name") or "?")
        subnet_id = str(subnet.get("id") or f"{res.id}/subnets/{name}")
        hosts_ml = (
            bool(item_get(subnet, "properties.privateEndpoints"))
            or bool(ctx.with_value(PRIVATE_ENDPOINTS, "properties.subnet.id", subnet_id))
            or bool(ctx.with_value(COMPUTES, "properties.properties.subnet.id", subnet_id))
        )
        if not hosts_ml:
            continue
        used.append(name)
        if not item_get(subnet, "properties.networkSecurityGroup.id"):
            bare.append(name)
    if not used:
        return skip("no subnet of this VNet hosts an ML compute or a private endpoint")
    if not bare:
        return passed(f"ML subnet(s) {', '.join(sorted(used))} have an NSG")
    return failed(
        f"subnet(s) {', '.join(sorted(bare))} host ML computes or private endpoints without an NSG",
        path="properties.subnets[*].properties.networkSecurityGroup.id",
        expected="an NSG on every ML subnet",
        actual=sorted(bare),
    )
