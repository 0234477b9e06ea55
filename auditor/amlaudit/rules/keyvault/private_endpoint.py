from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.checks import approved_private_endpoints


@rule(
    id="AML069",
    name="key-vault-private-endpoint-missing",
    title="Key vaults used by Azure ML use an approved private endpoint",
    severity="medium",
    resource_types=["Microsoft.KeyVault/vaults"],
    controls=["MCSB-v1:NS-2", "MCSB-v1:DP-8", "ASB-v1:1.1", "ASB-v1:7.11", "CIS-Azure-2.0.0:8.7"],
    azure_policy=["a6abeaec-4d90-4a02-805f-6b26c4d3fbe9"],
    references=["https://learn.microsoft.com/azure/key-vault/general/private-link-service"],
)
def key_vault_private_endpoint(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    As Azure Policy a6abeaec: at least one entry of `properties.privateEndpointConnections[*]`
    has `properties.privateLinkServiceConnectionState.status` `Approved` (case-insensitive).
    Pending, rejected or disconnected connections do not count.

    ## Why it matters
    A managed-network or VNet-injected workspace reaches its vault through a private endpoint;
    without one, the vault must stay reachable over public endpoints and its traffic leaves
    your network.

    ## How to fix
    ```bash
    az network private-endpoint create --name <vault>-pe --resource-group <rg> \\
      --vnet-name <vnet> --subnet <subnet> --private-connection-resource-id <vault-id> \\
      --group-id vault --connection-name <vault>-pe
    ```

    ```bicep
    resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
      name: '${vaultName}-pe'
      location: location
      properties: {
        subnet: { id: subnetId }
        privateLinkServiceConnections: [
          {
            name: '${vaultName}-pe'
            properties: { privateLinkServiceId: vault.id, groupIds: [ 'vault' ] }
          }
        ]
      }
    }
    ```
    """
    approved = approved_private_endpoints(res)
    if approved:
        return passed(f"{len(approved)} approved private endpoint connection(s)")
    total = len(res.list("properties.privateEndpointConnections"))
    return failed(
        "no approved private endpoint connection"
        + (f" ({total} connection(s) not approved)" if total else ""),
        path="properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status",
        expected="Approved",
        actual=(total and "none approved") or None,
    )
