from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.checks import NSG_RULES, nsg_internet_exposure, nsg_security_rules

SSH_RDP = {22: "SSH", 3389: "RDP"}


@rule(
    id="AML140",
    name="nsg-ssh-rdp-open-to-internet",
    title="Network security groups do not allow SSH or RDP from the internet",
    severity="high",
    resource_types=["Microsoft.Network/networkSecurityGroups"],
    reads=[NSG_RULES],
    controls=[
        "MCSB-v1:NS-1",
        "MCSB-v1:NS-3",
        "ASB-v1:1.1",
        "CIS-Azure-2.0.0:6.1",
        "CIS-Azure-2.0.0:6.2",
    ],
    azure_policy=[
        "e372f825-a257-4fb8-9175-797a8a8627d6",
        "2c89a2e5-7285-40fe-afe0-ae8654b92fab",
    ],
    references=[
        "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-training-vnet",
    ],
)
def nsg_ssh_rdp_open(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Every inbound `Allow` rule in `properties.securityRules[*]` (or, when that is empty, the
    NSG's standalone `securityRules` resources) whose source is the internet — `*`,
    `Internet`, `0.0.0.0/0` or `Any` in `sourceAddressPrefix` or `sourceAddressPrefixes[]`, any
    case — and whose destination ports (`*`, `22`, a range such as `20-30`, or a
    `destinationPortRanges[]` list) include 22 or 3389. A rule is forgiven when a Deny rule
    with a lower priority number drops the same port, protocol and destination for every
    internet source. Default rules are not read: none of them admits the internet.

    The property-based built-ins (e372f825 for RDP, 2c89a2e5 for SSH) are deprecated in favour
    of a Defender assessment on VMs; this rule keeps their logic, adds the deny precedence,
    and covers NSGs on the subnets of ML computes, which are not VMs you own.

    ## Why it matters
    SSH and RDP exposed to the internet are brute-forced within minutes. On an ML subnet they
    lead to compute nodes that hold workspace identities, data-store mounts and model code.

    ## How to fix
    Remove the rule, or restrict its source to a bastion or a known range; use Azure Bastion
    or the ML studio terminal instead.

    ```bash
    az network nsg rule delete --resource-group <rg> --nsg-name <nsg> --name <rule>
    ```

    ```bicep
    resource sshFromBastion 'Microsoft.Network/networkSecurityGroups/securityRules@2023-11-01' = {
      parent: nsg
      name: 'AllowSshFromBastion'
      properties: {
        priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp'
        sourceAddressPrefix: bastionSubnetPrefix, sourcePortRange: '*'
        destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '22'
      }
    }
    ```
    """
    exposed = nsg_internet_exposure(nsg_security_rules(res, ctx), sorted(SSH_RDP))
    if not exposed:
        return passed("no rule admits SSH or RDP from the internet")
    shown = [f"{name} ({SSH_RDP[port]} {port})" for name, port in exposed]
    return failed(
        f"{len(shown)} rule/port pair(s) admit the internet: {', '.join(shown)}",
        path="properties.securityRules",
        expected="no inbound Allow from the internet to 22 or 3389",
        actual=shown,
    )
