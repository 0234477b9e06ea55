from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, same
from amlaudit.checks import open_ip_rules


@rule(
    id="AML068",
    name="key-vault-open-to-public-networks",
    title="Key vaults used by Azure ML disable public network access or deny it by default",
    severity="high",
    resource_types=["Microsoft.KeyVault/vaults"],
    controls=["MCSB-v1:NS-2", "MCSB-v1:DP-8", "ASB-v1:1.1", "ASB-v1:7.11"],
    azure_policy=["55615ac9-af46-4a59-874e-391cc3dfb490"],
    references=["https://learn.microsoft.com/azure/key-vault/general/network-security"],
)
def key_vault_network_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    As Azure Policy 55615ac9: passes when `properties.publicNetworkAccess` is `Disabled`, or
    when `properties.networkAcls.defaultAction` is `Deny` (the firewall admits only listed IP
    ranges, virtual networks and, with `bypass`, trusted services). Absent values mean
    `Enabled` and `Allow`. Beyond the built-in, a firewall whose `ipRules` admit every address
    (`0.0.0.0/0`) fails, because it denies nothing. The stricter 405c5871 (public access off
    in every case) is not mirrored: a deny-by-default firewall is an accepted design.

    ## Why it matters
    A vault reachable from any network exposes the workspace's secrets and its
    customer-managed key to anyone who obtains a token, from anywhere.

    ## How to fix
    ```bash
    az keyvault update --name <vault> --resource-group <rg> --default-action Deny \\
      --bypass AzureServices
    az keyvault update --name <vault> --resource-group <rg> --public-network-access Disabled
    ```

    ```bicep
    resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
      name: name
      location: location
      properties: {
        tenantId: tenant().tenantId
        sku: { family: 'A', name: 'standard' }
        publicNetworkAccess: 'Disabled'
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }
      }
    }
    ```
    """
    access = res.str("properties.publicNetworkAccess")
    if same(access, "Disabled"):
        return passed("public network access is disabled")
    action = res.str("properties.networkAcls.defaultAction")
    if same(action, "Deny"):
        wide = open_ip_rules(res)
        if wide:
            return failed(
                "the firewall denies by default but an IP rule admits every address",
                path="properties.networkAcls.ipRules[*].value",
                expected="no rule admitting all addresses",
                actual=wide,
            )
        rules = len(res.list("properties.networkAcls.ipRules"))
        vnets = len(res.list("properties.networkAcls.virtualNetworkRules"))
        return passed(
            f"the firewall denies public traffic by default ({rules} IP rule(s), "
            f"{vnets} virtual network rule(s))"
        )
    return failed(
        "reachable from all networks: public network access is "
        + (f"'{access}'" if access else "not set (enabled)")
        + " and the firewall default action is "
        + (f"'{action}'" if action else "not set (Allow)"),
        Evidence("properties.publicNetworkAccess", "Disabled", access),
        Evidence("properties.networkAcls.defaultAction", "Deny", action),
    )
