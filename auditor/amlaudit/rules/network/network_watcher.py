from amlaudit.api import Context, Resource, Verdict, failed, passed, rule

WATCHERS = "Microsoft.Network/networkWatchers"


@rule(
    id="AML145",
    name="network-watcher-missing",
    title="A network watcher is enabled in the region of every virtual network",
    severity="low",
    resource_types=["Microsoft.Network/virtualNetworks"],
    reads=[WATCHERS],
    controls=["MCSB-v1:IR-4", "MCSB-v1:LT-4", "ASB-v1:1.2", "CIS-Azure-2.0.0:6.6"],
    azure_policy=["b6e2945c-0b7b-40f5-9233-7a5323b5cdc6"],
    references=["https://learn.microsoft.com/azure/network-watcher/network-watcher-create"],
)
def network_watcher(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the VNet's subscription holds a `Microsoft.Network/networkWatchers` resource whose
    `location` is the VNet's `location` (case-insensitive). Azure Policy b6e2945c looks only in
    the `NetworkWatcherRG` resource group by default; this rule accepts a watcher in any
    resource group of the subscription, since a watcher elsewhere works the same.

    ## Why it matters
    Network Watcher is what records flow logs, captures packets and explains effective NSG
    rules. Without it in a region, there is nothing to turn on when you need to investigate
    traffic to the ML subnets there.

    ## How to fix
    ```bash
    az network watcher configure --resource-group NetworkWatcherRG --locations <region> \\
      --enabled true
    ```

    ```bicep
    resource watcher 'Microsoft.Network/networkWatchers@2023-11-01' = {
      name: 'NetworkWatcher_${location}'
      location: location
      properties: {}
    }
    ```
    """
    region = res.str("location")
    subscription = res.id.split("/")[2].lower()
    watchers = [
        w
        for w in ctx.with_value(WATCHERS, "location", region or "")
        if w.id.split("/")[2].lower() == subscription
    ]
    if watchers:
        return passed(f"network watcher {watchers[0].name} covers {region}")
    return failed(
        f"no network watcher in {region or 'the VNet region'} in this subscription",
        path=f"{WATCHERS}.location",
        expected=region,
        actual=None,
    )
