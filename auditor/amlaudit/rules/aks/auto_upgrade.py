from amlaudit.api import Context, Option, Resource, Verdict, failed, one_of, passed, rule


@rule(
    id="AML132",
    name="aks-auto-upgrade-disabled",
    title="AKS clusters upgrade Kubernetes automatically",
    severity="low",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:PV-6", "ASB-v1:5.3"],
    azure_policy=["5c345cdf-2049-47e0-b8fe-b0e96bc2df35"],
    references=["https://learn.microsoft.com/azure/aks/auto-upgrade-cluster"],
    options={
        "aks_upgrade_channels": Option(
            list,
            ["rapid", "stable", "patch"],
            "auto-upgrade channels that count as upgrading automatically",
        )
    },
)
def aks_auto_upgrade(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.autoUpgradeProfile.upgradeChannel` is one of the channels in the
    `aks_upgrade_channels` option (default `rapid`, `stable`, `patch`, as in Azure Policy
    5c345cdf), compared case-insensitively. Absent, `none` and `node-image` (which patches
    node images but never Kubernetes) fail.

    ## Why it matters
    Kubernetes minor versions leave support after about a year, and patch releases carry
    security fixes. Clusters upgraded by hand drift out of support, and an ML inference
    cluster is rarely anyone's first priority.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> --auto-upgrade-channel stable
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        autoUpgradeProfile: { upgradeChannel: 'stable', nodeOSUpgradeChannel: 'NodeImage' }
      }
    }
    ```
    """
    channels = [str(c) for c in ctx.option("aks_upgrade_channels")]
    value = res.str("properties.autoUpgradeProfile.upgradeChannel")
    if one_of(value, *channels):
        return passed(f"Kubernetes upgrades automatically on the '{value}' channel")
    return failed(
        "automatic Kubernetes upgrades are "
        + (f"on the '{value}' channel" if value else "not configured"),
        path="properties.autoUpgradeProfile.upgradeChannel",
        expected=channels,
        actual=value,
    )
