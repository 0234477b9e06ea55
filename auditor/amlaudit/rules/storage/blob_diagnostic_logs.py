from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML088",
    name="storage-blob-diagnostic-logs-missing",
    title="Storage accounts used by Azure ML send blob service logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
        "Microsoft.Insights/diagnosticSettings",
    ],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-4", "ASB-v1:2.3"],
    references=["https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage"],
)
def storage_blob_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Insights/diagnosticSettings` resource on the account's blob service
    scope (`<account>/blobServices/default`) enables at least one log category or category
    group (`StorageRead`, `StorageWrite`, `StorageDelete`, `audit`, `allLogs`) and has a
    destination. Resource logs exist only on the service scopes, not on the account itself. A
    missing setting fails; settings that could not be collected give an error. Judged on the
    storage accounts in the ML dependency scope (`--dependency-scope`).

    What counts per resource type is the audit-category table,
    `data/audit_log_categories.json`, which cites Azure Monitor's supported-logs page for it.

    ## Why it matters
    Blob logs are the only record of who read, wrote or deleted training data and model files,
    from where and with which credential type (key, SAS or Entra ID).

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law \\
      --resource <account-id>/blobServices/default --workspace <log-analytics-id> \\
      --logs '[{"categoryGroup":"allLogs","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: blobService
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'allLogs', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(f"{res.id}/blobServices/default", ctx, "the blob service")
