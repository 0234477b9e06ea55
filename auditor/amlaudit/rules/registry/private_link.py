from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same
from amlaudit.checks import approved_private_endpoints


@rule(
    id="AML103",
    name="registry-private-link-missing",
    title="Container registries are Premium and reached through an approved private endpoint",
    severity="medium",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=[
        "e8eef0a8-67cf-4eb4-9386-14b0e78733d4",
        "bd560fc0-3c69-498a-ae9f-aa8eb7de0e13",
    ],
    references=[
        "https://learn.microsoft.com/azure/container-registry/container-registry-private-link",
    ],
)
def registry_private_link(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `sku.name` is `Premium` (the only tier with private link, Azure Policy bd560fc0) and
    that at least one `properties.privateEndpointConnections[*]` has
    `properties.privateLinkServiceConnectionState.status` `Approved` (Azure Policy e8eef0a8).
    Pending, rejected or disconnected connections do not count.

    ## Why it matters
    Without a private endpoint the workspace, its computes and your build agents pull images
    over the registry's public endpoint, so public access cannot be turned off without breaking
    training and deployment.

    ## How to fix
    Move the registry to Premium and add a private endpoint for the `registry` sub-resource in
    the workspace's virtual network, with the `privatelink.azurecr.io` DNS zone.

    ```bash
    az acr update --name <registry> --sku Premium
    az network private-endpoint create --name pe-<registry> --resource-group <rg> \\
      --vnet-name <vnet> --subnet <subnet> --group-id registry \\
      --private-connection-resource-id <registry-id> --connection-name <registry>
    ```

    ```bicep
    resource pe 'Microsoft.Network/privateEndpoints@2023-11-01' = {
      name: 'pe-${acr.name}'
      location: location
      properties: {
        subnet: { id: subnetId }
        privateLinkServiceConnections: [
          {
            name: acr.name
            properties: { privateLinkServiceId: acr.id, groupIds: [ 'registry' ] }
          }
        ]
      }
    }
    ```
    """
    sku = res.str("sku.name")
    if not same(sku, "Premium"):
        return failed(
            f"the registry SKU is {sku or 'not recorded'}: only Premium supports private link",
            path="sku.name",
            expected="Premium",
            actual=sku,
        )
    approved = approved_private_endpoints(res)
    if approved:
        return passed(f"{len(approved)} approved private endpoint connection(s)")
    total = len(res.list("properties.privateEndpointConnections"))
    return failed(
        "no approved private endpoint connection"
        + (f" ({total} connection(s) pending, rejected or disconnected)" if total else ""),
        path="properties.privateEndpointConnections",
        expected="at least one Approved connection",
        actual=total,
    )
