from amlaudit.api import Context, Evidence, Resource, Verdict, failed, one_of, passed, rule
from amlaudit.checks import (
    approved_private_endpoints,
    open_ip_rules,
)


@rule(
    id="AML084",
    name="storage-open-to-public-networks",
    title="Storage accounts used by Azure ML disable public network access or deny it by default",
    severity="high",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
    ],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1", "CIS-Azure-2.0.0:3.8"],
    azure_policy=[
        "34c877ad-507e-4c82-993e-3452a6e0ad3c",
        "b2982f36-99f2-4db5-8eff-283140c09693",
    ],
    references=["https://learn.microsoft.com/azure/storage/common/storage-network-security"],
)
def storage_network_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Passes when `properties.publicNetworkAccess` is `Disabled` or `SecuredByPerimeter`
    (b2982f36; its current version accepts the network-security-perimeter value, older copies
    did not), or when `properties.networkAcls.defaultAction` is `Deny`
    (34c877ad): only private endpoints, listed virtual networks, IP ranges and trusted services
    get in. Absent values mean `Enabled` and `Allow`. A deny-by-default firewall whose
    `ipRules` admit every address (`0.0.0.0/0`) fails. The message counts approved private
    endpoints. Judged on the storage accounts in the ML dependency scope
    (`--dependency-scope`).

    ## Why it matters
    An account open to all networks lets anyone with a leaked key, SAS token or Entra token
    read or overwrite training data and models from anywhere; with it closed, that takes
    a foothold in your network too.

    ## How to fix
    Reach the account through private endpoints (`blob`, `file`, `dfs`) or the workspace's
    managed network, then deny public traffic.

    ```bash
    az storage account update --name <account> --resource-group <rg> --default-action Deny \\
      --bypass AzureServices
    az storage account update --name <account> --resource-group <rg> \\
      --public-network-access Disabled
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: {
        publicNetworkAccess: 'Disabled'
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }
      }
    }
    ```
    """
    endpoints = len(approved_private_endpoints(res))
    via = f"; {endpoints} approved private endpoint(s)"
    access = res.str("properties.publicNetworkAccess")
    if one_of(access, "Disabled", "SecuredByPerimeter"):
        return passed(f"public network access is {access}{via}")
    action = res.str("properties.networkAcls.defaultAction")
    if one_of(action, "Deny"):
        wide = open_ip_rules(res)
        if wide:
            return failed(
                "the firewall denies by default but an IP rule admits every address",
                path="properties.networkAcls.ipRules[*].value",
                expected="no rule admitting all addresses",
                actual=wide,
            )
        return passed(f"the firewall denies public traffic by default{via}")
    return failed(
        "reachable from all networks: public network access is "
        + (f"'{access}'" if access else "not set (enabled)")
        + " and the firewall default action is "
        + (f"'{action}'" if action else "not set (Allow)")
        + via,
        Evidence("properties.publicNetworkAccess", "Disabled", access),
        Evidence("properties.networkAcls.defaultAction", "Deny", action),
    )
