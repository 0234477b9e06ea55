from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule

PATH = "properties.autoUpgradeProfile.nodeOSUpgradeChannel"


@rule(
    id="AML138",
    name="aks-node-os-auto-upgrade-disabled",
    title="AKS clusters patch node operating systems automatically",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:PV-6", "ASB-v1:5.2"],
    references=["https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image"],
    since="0.2.0",
    status="preview",
)
def aks_node_os_upgrade(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.autoUpgradeProfile.nodeOSUpgradeChannel` is `NodeImage` or `SecurityPatch`
    (any case). `None`, `Unmanaged` or absent fails. Kubernetes version upgrades are AML132.

    ## Why it matters
    Node OS security patches are not applied to AKS nodes by the Kubernetes auto-upgrade:
    with this channel off, nodes serving models keep kernel and OpenSSL vulnerabilities until
    someone reimages them by hand.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> --node-os-upgrade-channel NodeImage
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2025-07-01' = {
      name: 'aks-ml'
      location: location
      properties: { autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' } }
    }
    ```
    """
    channel = res.str(PATH)
    if one_of(channel, "NodeImage", "SecurityPatch"):
        return passed(f"node OS images are patched automatically ({channel})")
    return failed(
        "node OS images are not patched automatically (" + (channel or "not set") + ")",
        path=PATH,
        expected=["NodeImage", "SecurityPatch"],
        actual=channel,
    )
