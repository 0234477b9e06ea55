from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.checks import approved_private_endpoints


@rule(
    id="AML089",
    name="storage-private-endpoint-missing",
    title="Storage accounts used by Azure ML use an approved private endpoint",
    severity="medium",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1", "CIS-Azure-2.0.0:3.10"],
    azure_policy=["6edd7eda-6dd8-40f7-810d-67160c639cd9"],
    references=["https://learn.microsoft.com/azure/storage/common/storage-private-endpoints"],
    overlaps={
        "AML084": (
            "AML084 counts approved private endpoints only to word its finding; AML089 requires one"
        ),
    },
)
def storage_private_endpoint(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    As Azure Policy 6edd7eda: at least one entry of `properties.privateEndpointConnections[*]`
    has `properties.privateLinkServiceConnectionState.status` `Approved` (case-insensitive);
    pending, rejected or disconnected connections do not count. Judged on the storage accounts
    in the ML dependency scope (`--dependency-scope`). A workspace with a managed network
    reaches its storage through private endpoints Azure ML creates for it; those appear here
    too.

    ## Why it matters
    Without a private endpoint, compute in your virtual network reaches training data over the
    account's public endpoint, so public network access cannot be switched off (AML084).

    ## How to fix
    Create one endpoint per sub-resource the workspace uses (`blob` and `file`; `dfs` for a
    data lake).

    ```bash
    az network private-endpoint create --name <account>-blob-pe --resource-group <rg> \\
      --vnet-name <vnet> --subnet <subnet> --private-connection-resource-id <account-id> \\
      --group-id blob --connection-name <account>-blob-pe
    ```

    ```bicep
    resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
      name: '${accountName}-blob-pe'
      location: location
      properties: {
        subnet: { id: subnetId }
        privateLinkServiceConnections: [
          {
            name: '${accountName}-blob-pe'
            properties: { privateLinkServiceId: st.id, groupIds: [ 'blob' ] }
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
