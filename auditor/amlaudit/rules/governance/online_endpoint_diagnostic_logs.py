from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML180",
    name="online-endpoint-diagnostic-logs-missing",
    title="Azure ML online endpoints send resource logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints"],
    reads=["Microsoft.Insights/diagnosticSettings"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-4", "ASB-v1:2.3"],
    azure_policy=[
        "5cfb9e8a-2f13-40bd-a527-c89bc596d299",
        "315c965f-c0d7-4397-86d3-c05a0981437a",
        "cc789f91-3e63-4cfb-86f4-87565055f269",
    ],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/monitor-resource-reference",
        "https://learn.microsoft.com/azure/machine-learning/how-to-monitor-online-endpoints",
    ],
)
def online_endpoint_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Insights/diagnosticSettings` resource on the online endpoint has an
    enabled log category or category group and a destination (Log Analytics, storage, Event
    Hub or a partner). Online endpoints offer only the `allLogs` group (access, console and
    event logs), which the built-ins 5cfb9e8a/315c965f/cc789f91 deploy. No setting fails,
    unless the snapshot's errors say settings could not be read (then `error`). Workspaces,
    registries, vaults and AKS clusters are covered by their own families.

    What counts per resource type is the audit-category table,
    `data/audit_log_categories.json`, which cites Azure Monitor's supported-logs page for it.

    ## Why it matters
    The endpoint's traffic logs are the only record of who called a model, from where and with
    which credential; without them an abused or exfiltrating endpoint leaves no trace.

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law --resource <endpoint-id> \\
      --workspace <log-analytics-id> --logs '[{"categoryGroup":"allLogs","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: endpoint
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'allLogs', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(res, ctx, "the online endpoint")
