from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, same
from amlaudit.checks import DIAGNOSTIC_SETTINGS, enabled_log_entries

REQUIRED_CATEGORIES = ("Administrative", "Security", "Policy")


def exported_categories(setting: Resource) -> set[str]:
    """Lower-cased activity-log categories a subscription diagnostic setting exports."""
    found: set[str] = set()
    for entry in enabled_log_entries(setting):
        if same(entry.get("categoryGroup"), "allLogs"):
            found.update(c.lower() for c in REQUIRED_CATEGORIES)
        elif isinstance(entry.get("category"), str):
            found.add(entry["category"].lower())
    return found


@rule(
    id="AML181",
    name="subscription-activity-log-not-exported",
    title="The subscription activity log is exported to a log destination",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[DIAGNOSTIC_SETTINGS],
    controls=[
        "MCSB-v1:LT-3",
        "MCSB-v1:LT-5",
        "ASB-v1:2.2",
        "ASB-v1:2.3",
        "CIS-Azure-2.0.0:5.1.1",
        "CIS-Azure-2.0.0:5.1.2",
    ],
    azure_policy=["2465583e-4e78-4c15-b6be-a36cbc7c8b0f"],
    references=[
        "https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log",
        "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings",
    ],
)
def activity_log_export(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a subscription-scope diagnostic setting
    (`/subscriptions/<id>/providers/Microsoft.Insights/diagnosticSettings/<name>`) has a
    destination and exports at least the `Administrative`, `Security` and `Policy` activity-log
    categories (together, across one or several settings; `categoryGroup: allLogs` counts as
    all). No setting fails, unless the snapshot's errors say settings could not be read. Legacy
    `Microsoft.Insights/logProfiles`, which policies 7796937f/1a4e592a still evaluate, are not
    accepted: log profiles are retired, and 2465583e deploys a diagnostic setting instead.

    ## Why it matters
    The activity log records every control-plane change: who disabled a workspace's private
    endpoint, granted a role or deleted a policy assignment. Azure keeps it for 90 days only and
    not where your SIEM can alert on it.

    ## How to fix
    ```bash
    az monitor diagnostic-settings subscription create --name activity-to-law \\
      --location westeurope --workspace <log-analytics-id> \\
      --logs '[{"category":"Administrative","enabled":true},{"category":"Security","enabled":true},{"category":"Policy","enabled":true}]'
    ```

    ```bicep
    targetScope = 'subscription'
    resource activity 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
      name: 'activity-to-law'
      properties: {
        workspaceId: logAnalyticsId
        logs: [for c in ['Administrative', 'Security', 'Policy', 'Alert']: {
          category: c
          enabled: true
        }]
      }
    }
    ```
    """
    settings = ctx.extensions(res, DIAGNOSTIC_SETTINGS)
    exported: set[str] = set()
    for setting in settings:
        exported |= exported_categories(setting)
    missing = [c for c in REQUIRED_CATEGORIES if c.lower() not in exported]
    if not missing:
        names = ", ".join(sorted(s.name for s in settings))
        return passed(f"activity log categories {', '.join(REQUIRED_CATEGORIES)} go to {names}")
    if not settings:
        message = "the subscription has no activity-log diagnostic setting"
    else:
        message = f"no diagnostic setting exports {', '.join(missing)} to a destination"
    return failed(
        message,
        Evidence(DIAGNOSTIC_SETTINGS, list(REQUIRED_CATEGORIES), sorted(exported)),
    )
