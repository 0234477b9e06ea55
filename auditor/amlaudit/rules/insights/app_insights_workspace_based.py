from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML117",
    name="app-insights-not-workspace-based",
    title="Application Insights components store their data in a Log Analytics workspace",
    severity="low",
    resource_types=["Microsoft.Insights/components"],
    controls=["MCSB-v1:LT-5", "MCSB-v1:LT-6", "ASB-v1:2.2", "ASB-v1:2.5"],
    azure_policy=["d550e854-df1a-4de9-bf44-cd894b39a95e"],
    references=[
        "https://learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource",
    ],
)
def app_insights_workspace_based(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.WorkspaceResourceId` (or `workspaceResourceId`) names a Log Analytics
    workspace. As in Azure Policy d550e854, an absent or empty value fails: the component is
    a classic one.

    ## Why it matters
    Classic Application Insights was retired in 2024. Workspace-based components keep ML
    telemetry next to the rest of your security logs, under the workspace's access control,
    retention, customer-managed keys and private link; classic ones offer none of these.

    ## How to fix
    ```bash
    az monitor app-insights component update --app <component> --resource-group <rg> \\
      --workspace <log-analytics-workspace-id>
    ```

    ```bicep
    resource appi 'Microsoft.Insights/components@2020-02-02' = {
      name: name
      location: location
      kind: 'web'
      properties: {
        Application_Type: 'web'
        WorkspaceResourceId: logAnalytics.id
      }
    }
    ```
    """
    value = res.str("properties.WorkspaceResourceId") or res.str("properties.workspaceResourceId")
    if value and value.strip():
        return passed(f"the component stores its data in {value.rstrip('/').rsplit('/', 1)[-1]}")
    return failed(
        "the component is classic: no Log Analytics workspace is linked",
        path="properties.WorkspaceResourceId",
        expected="a Log Analytics workspace ID",
        actual=value,
    )
