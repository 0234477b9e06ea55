from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML070",
    name="key-vault-diagnostic-logs-missing",
    title="Key vaults used by Azure ML send resource logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.KeyVault/vaults"],
    reads=["Microsoft.Insights/diagnosticSettings"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:DP-8", "ASB-v1:2.3", "ASB-v1:7.11", "CIS-Azure-2.0.0:5.1.5"],
    azure_policy=["cf820ca0-f99e-4f3e-84fb-66e913812d21"],
    references=["https://learn.microsoft.com/azure/key-vault/general/logging"],
)
def key_vault_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    As Azure Policy cf820ca0: a `Microsoft.Insights/diagnosticSettings` resource on the vault
    has a destination and enables the `AuditEvent` category or the `audit` or `allLogs` group
    (the audit-category table, `data/audit_log_categories.json`, citing Azure Monitor's
    supported-logs page for vaults). A setting sending only `AzurePolicyEvaluationDetails`
    fails, with the missing category as evidence. No setting fails; settings that could not be
    collected give an error. Retention is not judged (it belongs to the destination).

    ## Why it matters
    The `AuditEvent` log is the only record of who read the workspace's secrets or used, wrapped
    or deleted its customer-managed key.

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law --resource <vault-id> \\
      --workspace <log-analytics-id> --logs '[{"categoryGroup":"audit","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: vault
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'audit', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(res, ctx, "the key vault")
