from amlaudit.api import (
    Context,
    DataError,
    Evidence,
    Option,
    Resource,
    Verdict,
    failed,
    item_get,
    passed,
    rule,
    same,
    skip,
)

ZONES = "Microsoft.Network/privateDnsZones"
LINKS = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"


@rule(
    id="AML142",
    name="workspace-private-dns-zone-unlinked",
    title="Workspace private endpoints resolve through private DNS zones linked to their VNet",
    severity="medium",
    resource_types=["Microsoft.Network/privateEndpoints"],
    reads=[ZONES, LINKS],
    controls=["MCSB-v1:NS-2", "MCSB-v1:NS-10", "ASB-v1:1.1"],
    azure_policy=["ee40564d-486e-4f68-a5ca-7a621edae0fb"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-custom-dns",
        "https://learn.microsoft.com/azure/private-link/private-endpoint-dns#ai--machine-learning",
    ],
    options={
        "aml_private_dns_zones": Option(
            list,
            ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
            "private DNS zones an Azure ML workspace private endpoint needs (sovereign clouds differ)",
        )
    },
)
def workspace_private_dns(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For each private endpoint whose `privateLinkServiceConnections[*]` (or manual connections)
    carry group ID `amlworkspace`: that every zone in the `aml_private_dns_zones` option
    (default `privatelink.api.azureml.ms` and `privatelink.notebooks.azure.net`) exists as a
    `Microsoft.Network/privateDnsZones` resource anywhere in the snapshot, and that one such
    zone has a `virtualNetworkLinks` child whose `properties.virtualNetwork.id` is the VNet of
    the endpoint's subnet (`properties.subnet.id`). Other endpoints are skipped. Azure Policy
    ee40564d deploys the matching zone group; the zone group itself is not judged here.

    ## Why it matters
    Without the zones, or with zones that the endpoint's VNet cannot see, workspace names
    resolve to public addresses: clients fail once public access is off, or silently go over
    the internet while it is on.

    ## How to fix
    ```bash
    az network private-dns zone create --resource-group <rg> --name privatelink.api.azureml.ms
    az network private-dns link vnet create --resource-group <rg> \\
      --zone-name privatelink.api.azureml.ms --name <vnet>-link --virtual-network <vnet-id> \\
      --registration-enabled false
    ```

    ```bicep
    resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
      parent: apiZone // privatelink.api.azureml.ms, and the same for privatelink.notebooks.azure.net
      name: '${vnetName}-link'
      location: 'global'
      properties: { virtualNetwork: { id: vnetId }, registrationEnabled: false }
    }
    ```
    """
    connections = [
        *res.list("properties.privateLinkServiceConnections"),
        *res.list("properties.manualPrivateLinkServiceConnections"),
    ]
    groups = [g for c in connections for g in (item_get(c, "properties.groupIds") or [])]
    if not any(same(g, "amlworkspace") for g in groups):
        return skip("not an Azure ML workspace private endpoint")
    subnet = res.str("properties.subnet.id")
    if not subnet or "/subnets/" not in subnet.lower():
        raise DataError(f"properties.subnet.id is {subnet!r}, expected a subnet ID")
    vnet = subnet[: subnet.lower().rindex("/subnets/")]
    links = ctx.with_value(LINKS, "properties.virtualNetwork.id", vnet)
    missing, unlinked = [], []
    for zone_name in ctx.option("aml_private_dns_zones"):
        zones = ctx.with_value(ZONES, "name", str(zone_name))
        if not zones:
            missing.append(str(zone_name))
        elif not any(
            link.id.lower().startswith(z.id.lower() + "/") for z in zones for link in links
        ):
            unlinked.append(str(zone_name))
    vnet_name = vnet.rsplit("/", 1)[-1]
    if not missing and not unlinked:
        return passed(f"the workspace DNS zones are linked to {vnet_name}")
    problems = [f"zone {z} does not exist" for z in missing]
    problems += [f"zone {z} is not linked to {vnet_name}" for z in unlinked]
    return failed(
        "workspace names will not resolve privately: " + "; ".join(problems),
        Evidence(ZONES, "exists", {z: "missing" for z in missing} or "all exist"),
        path=f"{LINKS}.properties.virtualNetwork.id",
        expected=vnet,
        actual=unlinked or "linked",
    )
