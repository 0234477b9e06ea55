from amlaudit.api import Context, DataError, Option, Resource, Verdict, failed, passed, rule
from amlaudit.checks import NSG_RULES, nsg_internet_exposure, nsg_security_rules


@rule(
    id="AML141",
    name="nsg-management-port-open-to-internet",
    title="Network security groups do not expose management ports to the internet",
    severity="medium",
    resource_types=["Microsoft.Network/networkSecurityGroups"],
    reads=[NSG_RULES],
    controls=["MCSB-v1:NS-1", "MCSB-v1:NS-3", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
    ],
    options={
        "nsg_management_ports": Option(
            list,
            ["21", "23", "445", "5900", "5985", "5986"],
            "ports, besides SSH 22 and RDP 3389 (AML140), that must not be open to the internet",
        )
    },
    overlaps={
        "AML140": (
            "the same NSG exposure analysis for other ports: AML140 SSH and RDP, AML141 the ports"
            " of nsg_management_ports"
        ),
    },
)
def nsg_management_ports_open(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The same analysis as AML140 (inbound Allow rules from `*`, `Internet`, `0.0.0.0/0` or
    `Any`; single ports, `a-b` ranges, `destinationPortRanges[]` and `*`; a higher-priority
    covering Deny honoured) for the ports in the `nsg_management_ports` option: by default
    FTP 21, Telnet 23, SMB 445, VNC 5900 and WinRM 5985/5986. ALZ's Deny-MgmtPorts-From-Internet
    takes the same approach with a configurable list.

    ## Why it matters
    Remote-management and file-sharing services are scanned for constantly and carry a long
    history of pre-authentication vulnerabilities; none of them belongs on the internet in
    front of ML compute.

    ## How to fix
    Delete the rule or restrict its source to known private ranges.

    ```bash
    az network nsg rule update --resource-group <rg> --nsg-name <nsg> --name <rule> \\
      --source-address-prefixes 10.0.0.0/16
    ```

    ```bicep
    resource winrm 'Microsoft.Network/networkSecurityGroups/securityRules@2023-11-01' = {
      parent: nsg
      name: 'AllowWinRmFromVnet'
      properties: {
        priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp'
        sourceAddressPrefix: 'VirtualNetwork', sourcePortRange: '*'
        destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '5986'
      }
    }
    ```
    """
    ports = []
    for text in ctx.option("nsg_management_ports"):
        if not str(text).strip().isdigit() or not 0 < int(text) < 65536:
            raise DataError(f"option nsg_management_ports: {text!r} is not a port number")
        ports.append(int(text))
    exposed = nsg_internet_exposure(nsg_security_rules(res, ctx), sorted(set(ports)))
    if not exposed:
        return passed(f"no rule admits the internet to ports {', '.join(map(str, sorted(ports)))}")
    shown = [f"{name} (port {port})" for name, port in exposed]
    return failed(
        f"{len(shown)} rule/port pair(s) admit the internet: {', '.join(shown)}",
        path="properties.securityRules",
        expected=f"no inbound Allow from the internet to {sorted(ports)}",
        actual=shown,
    )
