from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML010",
    name="workspace-diagnostic-logs-missing",
    title="Azure ML workspaces send resource logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=["Microsoft.Insights/diagnosticSettings"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-4", "ASB-v1:2.3"],
    azure_policy=[
        "afe0c3be-ba3b-4544-ba52-0c99672a8ad6",
        "f59276f0-5740-4aaf-821d-45d185aa210e",
        "90c90eda-bfe7-4c67-bf26-410420ed1047",
        "a8de4d0a-d637-4684-b70e-6df73b74d117",
        "ae48c709-d2b4-4fad-8c5c-838524130aa4",
        "187242f4-89c6-4c43-9a4e-188c0efacc5f",
        "7f89b1eb-583c-429a-8828-af049802c1d9",
    ],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/monitor-azure-machine-learning"
    ],
)
def workspace_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Insights/diagnosticSettings` resource on the workspace has at least one
    enabled log category or category group (`audit`, `allLogs` or a named category) and a
    destination (Log Analytics, storage, Event Hub or a partner). A workspace with no setting
    fails: a snapshot is complete for its scope unless its `errors` say the settings could not
    be read, in which case the result is `error`. Retention is not judged (the retention
    fields of diagnostic settings are deprecated; retention belongs to the destination).

    What counts per resource type is the audit-category table,
    `data/audit_log_categories.json`, which cites Azure Monitor's supported-logs page for it.

    ## Why it matters
    Without resource logs there is no record of who ran which job, deployed which model or
    read which datastore: incident response has nothing to work with.

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law --resource <workspace-id> \\
      --workspace <log-analytics-id> --logs '[{"categoryGroup":"allLogs","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: workspace
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'allLogs', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(res, ctx, "the workspace")
