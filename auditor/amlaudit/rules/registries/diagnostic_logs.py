from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML062",
    name="ml-registry-diagnostic-logs-missing",
    title="Azure ML registries send resource logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/registries"],
    reads=["Microsoft.Insights/diagnosticSettings"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-4", "ASB-v1:2.3"],
    azure_policy=[
        "33835ef6-bc67-4bde-bf5f-5a857f195a57",
        "84d8a69f-788a-4025-ba96-f36406cc9ee5",
        "12000b3e-e38b-4bef-9098-38785f06ea32",
    ],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/monitor-azure-machine-learning"
    ],
)
def registry_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Insights/diagnosticSettings` resource on the registry has at least one
    enabled log category or category group (`audit`, `allLogs` or a named category) and a
    destination (Log Analytics, storage, Event Hub or a partner), which is what the three
    built-ins 33835ef6 / 84d8a69f / 12000b3e deploy. Unlike those DeployIfNotExists
    definitions, the sink is not required to be one particular workspace or account. No
    setting fails; a setting list that could not be collected is an error.

    What counts per resource type is the audit-category table,
    `data/audit_log_categories.json`, which cites Azure Monitor's supported-logs page for it.

    ## Why it matters
    Registry logs record who published, read or deleted models and environments shared across
    your workspaces: without them a tampered asset cannot be traced.

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law --resource <registry-id> \\
      --workspace <log-analytics-id> --logs '[{"categoryGroup":"allLogs","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: registry
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'allLogs', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(res, ctx, "the registry")
