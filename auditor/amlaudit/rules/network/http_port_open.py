from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule, skip
from amlaudit.checks import NSG_RULES, nsg_internet_exposure, nsg_security_rules

COMPUTES = "Microsoft.MachineLearningServices/workspaces/computes"
SUBNET_PATHS = (
    "properties.properties.subnet.id",
    "properties.properties.aksNetworkingConfiguration.subnetId",
)


@rule(
    id="AML146",
    name="ml-subnet-nsg-http-open-to-internet",
    title="Network security groups on ML compute subnets do not allow HTTP (port 80) from the "
    "internet",
    severity="medium",
    resource_types=["Microsoft.Network/networkSecurityGroups"],
    reads=[NSG_RULES, COMPUTES],
    controls=["MCSB-v1:NS-1", "MCSB-v1:DP-3", "ASB-v1:1.1", "ASB-v1:4.4"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-training-vnet",
        "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
    ],
    since="0.2.0",
    overlaps={
        "AML140": "the same NSG evaluation for another port: AML140 judges SSH/RDP, AML146 HTTP "
        "on ML compute subnets",
        "AML141": "the same NSG evaluation for another port: AML141 judges management ports, "
        "AML146 HTTP on ML compute subnets",
    },
    status="preview",
)
def ml_subnet_http_open(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For an NSG attached to a subnet (`properties.subnets[*].id`) that hosts an Azure ML compute
    — a compute instance or cluster (`properties.properties.subnet.id`) or an AKS inference
    cluster (`properties.properties.aksNetworkingConfiguration.subnetId`) — no inbound `Allow`
    rule admits port 80 from the internet (`*`, `Internet`, `0.0.0.0/0`, `Any`; single ports,
    ranges and lists), unless a Deny rule of lower priority number drops it first (the same
    evaluation as AML140). NSGs on other subnets are skipped.

    ## Why it matters
    Plain HTTP from the internet reaches whatever listens on the nodes: v1 scoring services
    without TLS, Jupyter or TensorBoard proxies, debug servers. Their traffic — model inputs,
    tokens — is readable on the way.

    ## How to fix
    ```bash
    az network nsg rule delete --resource-group <rg> --nsg-name <nsg> --name <rule>
    ```

    ```bicep
    resource denyHttp 'Microsoft.Network/networkSecurityGroups/securityRules@2023-11-01' = {
      parent: nsg
      name: 'DenyHttpFromInternet'
      properties: {
        priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp'
        sourceAddressPrefix: 'Internet', sourcePortRange: '*'
        destinationAddressPrefix: '*', destinationPortRange: '80'
      }
    }
    ```
    """
    subnets = [str(item_get(s, "id")) for s in res.list("properties.subnets") if item_get(s, "id")]
    used = sorted(
        subnet.rsplit("/", 1)[-1]
        for subnet in subnets
        if any(ctx.with_value(COMPUTES, path, subnet) for path in SUBNET_PATHS)
    )
    if not used:
        return skip("the NSG is not on a subnet that hosts an ML compute")
    open_rules = nsg_internet_exposure(nsg_security_rules(res, ctx), [80])
    if not open_rules:
        return passed(f"ML subnet(s) {', '.join(used)}: HTTP is not open to the internet")
    names = sorted({name for name, _ in open_rules})
    return failed(
        f"rule(s) {', '.join(names)} allow HTTP (80) from the internet into ML subnet(s) "
        + ", ".join(used),
        path="properties.securityRules",
        expected="no internet Allow rule for port 80",
        actual=names,
    )
