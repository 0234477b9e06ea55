from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import diagnostic_logs_verdict


@rule(
    id="AML107",
    name="registry-diagnostic-logs-missing",
    title="Container registries send their audit logs to a diagnostic destination",
    severity="medium",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    reads=["Microsoft.Insights/diagnosticSettings"],
    controls=["MCSB-v1:LT-3", "ASB-v1:2.3"],
    azure_policy=["187242f4-89c6-4c43-9a4e-188c0efacc5f"],
    references=["https://learn.microsoft.com/azure/container-registry/monitor-container-registry"],
)
def registry_diagnostic_logs(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Insights/diagnosticSettings` resource on the registry enables at least
    one of the categories or groups the audit-category table lists for registries
    (`ContainerRegistryLoginEvents`, `ContainerRegistryRepositoryEvents`, `audit` or
    `allLogs`) and has a destination, as the generic Azure Policy 187242f4 (which lists
    container registries) requires. A registry with
    no setting fails, unless the snapshot's errors say its settings could not be read (then
    `error`).

    ## Why it matters
    Registry logs record every login, push, pull and delete. Without them you cannot tell who
    replaced an image that an ML endpoint now serves, or which identity pulled your images.

    ## How to fix
    ```bash
    az monitor diagnostic-settings create --name to-law --resource <registry-id> \\
      --workspace <log-analytics-id> --logs '[{"categoryGroup":"audit","enabled":true}]'
    ```

    ```bicep
    resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'to-law'
      scope: acr
      properties: {
        workspaceId: logAnalytics.id
        logs: [ { categoryGroup: 'audit', enabled: true } ]
      }
    }
    ```
    """
    return diagnostic_logs_verdict(res, ctx, "the registry")
