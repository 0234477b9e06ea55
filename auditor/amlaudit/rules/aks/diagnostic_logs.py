from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML133",
    name="aks-diagnostic-logs-missing",
    title="AKS clusters send control-plane logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    reads=["Microsoft.Insights/diagnosticSettings"],
    controls=["MCSB-v1:LT-3", "ASB-v1:2.3"],
    azure_policy=["245fc9df-fa96-4414-9a0b-3738c2f7341c"],
    references=["https://learn.microsoft.com/azure/aks/monitor-aks#resource-logs"],
)
def aks_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Insights/diagnosticSettings` resource on the cluster has a destination
    and enables its audit log: the `kube-audit` or `kube-audit-admin` category, or the `audit`
    or `allLogs` group (the audit-category table, `data/audit_log_categories.json`, citing
    Azure Monitor's supported-logs page for managed clusters). Control-plane component logs
    alone (`kube-apiserver`, `cluster-autoscaler`...) fail, with what is sent and what is
    missing as evidence; this is stricter than the existence test of Azure Policy 245fc9df. A
    cluster with no setting fails, unless the snapshot's errors say its settings could not be
    read (then `error`).

    ## Why it matters
    The Kubernetes audit log is the only record of who read secrets, exec'd into a model
    server or changed a deployment. AKS does not keep it unless you send it somewhere.

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law --resource <cluster-id> \\
      --workspace <log-analytics-id> --logs '[{"categoryGroup":"audit","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: aks
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'audit', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(res, ctx, "the cluster")
