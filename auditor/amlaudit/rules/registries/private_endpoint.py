from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule, same

_CONNECTIONS = "properties.registryPrivateEndpointConnections"
_STATUS = "properties.registryPrivateLinkServiceConnectionState.status"


@rule(
    id="AML061",
    name="ml-registry-private-endpoint-missing",
    title="Azure ML registries use an approved private endpoint",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/registries"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-registry-network-isolation"
    ],
)
def registry_private_endpoint(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That at least one entry of `properties.registryPrivateEndpointConnections[*]` has
    `properties.registryPrivateLinkServiceConnectionState.status` `Approved` (case-insensitive).
    Registries name these fields differently from workspaces (`registry` prefix); a rule that
    read `privateEndpointConnections` would never see them. Pending, rejected or disconnected
    connections do not count. No built-in Azure Policy covers registries' private link.

    ## Why it matters
    A private endpoint lets workspaces in your virtual networks pull models and environments
    from the registry without crossing the internet, so public access can be turned off.

    ## How to fix
    ```bash
    az network private-endpoint create --name <registry>-pe --resource-group <rg> \\
      --vnet-name <vnet> --subnet <subnet> --private-connection-resource-id <registry-id> \\
      --group-id amlregistry --connection-name <registry>-pe
    ```

    ```bicep
    resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
      name: '${registryName}-pe'
      location: location
      properties: {
        subnet: { id: subnetId }
        privateLinkServiceConnections: [
          {
            name: '${registryName}-pe'
            properties: { privateLinkServiceId: registry.id, groupIds: [ 'amlregistry' ] }
          }
        ]
      }
    }
    ```
    """
    connections = res.list(_CONNECTIONS)
    approved = [c for c in connections if same(item_get(c, _STATUS), "Approved")]
    if approved:
        return passed(f"{len(approved)} approved private endpoint connection(s)")
    return failed(
        "no approved private endpoint connection"
        + (f" ({len(connections)} connection(s) not approved)" if connections else ""),
        path=f"{_CONNECTIONS}[*].{_STATUS}",
        expected="Approved",
        actual=sorted({str(item_get(c, _STATUS)) for c in connections}) or None,
    )
