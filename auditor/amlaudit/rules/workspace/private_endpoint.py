from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.checks import approved_private_endpoints, governing_workspace, via_hub


@rule(
    id="AML003",
    name="workspace-private-endpoint-missing",
    title="Azure ML workspaces use an approved private endpoint",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=[
        "45e05259-1eb5-4f70-9574-baf73e9d219b",
        "7838fd83-5cbb-4b5d-888c-bfa240972597",
    ],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link"],
)
def workspace_private_endpoint(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That at least one entry of `properties.privateEndpointConnections[*]` has
    `properties.privateLinkServiceConnectionState.status` equal to `Approved` (compared
    case-insensitively), as Azure Policy 45e05259 counts them. Pending, rejected or
    disconnected connections do not count; no connections at all fails.

    A hub-based project (`kind: project`) is reached through its hub's private endpoint, so a
    project is judged by the hub named in `properties.hubResourceId`.

    ## Why it matters
    A private endpoint gives the workspace an address inside your virtual network, so clients
    reach it without crossing the internet and public access can be switched off.

    ## How to fix
    ```bash
    az network private-endpoint create --name <ws>-pe --resource-group <rg> \\
      --vnet-name <vnet> --subnet <subnet> \\
      --private-connection-resource-id <workspace-id> --group-id amlworkspace \\
      --connection-name <ws>-pe
    ```

    ```bicep
    resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
      name: '${workspaceName}-pe'
      location: location
      properties: {
        subnet: { id: subnetId }
        privateLinkServiceConnections: [
          {
            name: '${workspaceName}-pe'
            properties: { privateLinkServiceId: workspace.id, groupIds: [ 'amlworkspace' ] }
          }
        ]
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    approved = approved_private_endpoints(judged)
    if approved:
        return passed(f"{prefix}{len(approved)} approved private endpoint connection(s)")
    total = len(judged.list("properties.privateEndpointConnections"))
    return failed(
        prefix
        + "no approved private endpoint connection"
        + (f" ({total} connection(s) not approved)" if total else ""),
        path="properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status",
        expected="Approved",
        actual=(total and "none approved") or None,
    )
