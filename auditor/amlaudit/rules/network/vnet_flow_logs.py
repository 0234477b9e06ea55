from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule

FLOW_LOGS = "Microsoft.Network/networkWatchers/flowLogs"


@rule(
    id="AML143",
    name="vnet-flow-logs-missing",
    title="Virtual networks have an enabled VNet flow log",
    severity="medium",
    resource_types=["Microsoft.Network/virtualNetworks"],
    reads=[FLOW_LOGS],
    controls=["MCSB-v1:LT-4", "MCSB-v1:IR-4", "ASB-v1:1.2", "CIS-Azure-2.0.0:5.1.6"],
    azure_policy=[
        "4c3c6c5f-0d47-4402-99b8-aa543dd8bcee",
        "27960feb-a23c-4577-8d36-ef8b5f35e0be",
    ],
    references=["https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview"],
)
def vnet_flow_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Network/networkWatchers/flowLogs` resource (they live under the network
    watcher, usually in `NetworkWatcherRG`) has `properties.targetResourceId` equal to this
    VNet and `properties.enabled` `true` (Azure Policies 4c3c6c5f and 27960feb). Flow log IDs
    the VNet lists in `properties.flowLogs[*]` whose resources are not in the snapshot make
    the result `skipped`. NSG flow logs are neither asked for nor counted: new ones can no
    longer be created, existing ones retire in 2027, and VNet flow logs replace them.

    ## Why it matters
    Flow logs are the record of which addresses talked to the ML subnets: the evidence you
    need to tell whether data left through an open path or a compromised compute node.

    ## How to fix
    ```bash
    az network watcher flow-log create --location <region> --name fl-<vnet> \\
      --vnet <vnet-id> --storage-account <storage-id> --workspace <log-analytics-id>
    ```

    ```bicep
    resource flowLog 'Microsoft.Network/networkWatchers/flowLogs@2023-11-01' = {
      name: 'NetworkWatcher_${location}/fl-${vnet.name}'
      location: location
      properties: {
        targetResourceId: vnet.id
        storageId: storage.id
        enabled: true
        retentionPolicy: { days: 90, enabled: true }
      }
    }
    ```
    """
    logs = list(ctx.with_value(FLOW_LOGS, "properties.targetResourceId", res.id))
    if not logs:
        for entry in res.list("properties.flowLogs"):
            ref = item_get(entry, "id")
            if isinstance(ref, str):
                logs.append(ctx.resolve(ref, "flow log"))
    enabled = sorted(log.name for log in logs if log.bool("properties.enabled") is True)
    if enabled:
        return passed(f"VNet flow log {', '.join(enabled)} is enabled")
    if logs:
        return failed(
            f"{len(logs)} flow log(s) target the VNet but none is enabled",
            path=f"{FLOW_LOGS}.properties.enabled",
            expected=True,
            actual=sorted(log.name for log in logs),
        )
    return failed(
        "no VNet flow log targets this virtual network: its traffic is not recorded",
        path=f"{FLOW_LOGS}.properties.targetResourceId",
        expected=res.id,
        actual=None,
    )
