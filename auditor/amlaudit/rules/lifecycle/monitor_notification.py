from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import parent_workspace
from amlaudit.lifecycle import (
    ANY_MONITOR_BREACH,
    EVENT_SUBSCRIPTIONS,
    SYSTEM_TOPICS,
    TOPIC_SUBSCRIPTIONS,
    WORKSPACES,
    active,
    breach_filters,
    monitor_definition,
    monitor_emails,
    receives,
    workspace_event_subscriptions,
)


def _alerting_subscriptions(schedule: Resource, ctx: Context) -> list[str]:
    """Active RunStatusChanged subscriptions filtered on this monitor's (or any) breach tag."""
    workspace = parent_workspace(schedule, ctx)
    mine = f"{schedule.name.lower()}_"
    found = []
    for sub in workspace_event_subscriptions(workspace, ctx):
        if not (active(sub) and receives(sub, "RunStatusChanged")):
            continue
        if any(v.startswith(mine) or ANY_MONITOR_BREACH in v for v in breach_filters(sub)):
            found.append(sub.name)
    return found


@rule(
    id="AML231",
    name="model-monitor-no-notification",
    title="Azure ML model monitors notify someone when a threshold is breached",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/schedules"],
    reads=[WORKSPACES, SYSTEM_TOPICS, TOPIC_SUBSCRIPTIONS, EVENT_SUBSCRIPTIONS],
    controls=["MCSB-v1:LT-1", "MCSB-v1:IR-2", "ASB-v1:2.7", "ASB-v1:10.4"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-monitor-model-performance"
    ],
    since="0.2.0",
    overlaps={
        "AML220": "AML220 asks for lifecycle event coverage on the workspace; AML231 asks for a "
        "breach-filtered RunStatusChanged subscription (or e-mails) for each monitor",
        "AML225": "AML225 flags a subscription left on the v1 drift event; AML231 asks each "
        "monitor for a subscription that does receive v2 breaches",
    },
    status="preview",
)
def model_monitor_notification(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a schedule whose `action.actionType` is `CreateMonitor`: the monitor definition lists
    alert e-mails — `alertNotificationSettings.emailNotificationSettings.emails`
    (2023-08-01-preview on) or `alertNotificationSetting.emailNotificationSetting.emails`
    (2023-04/06 previews), or an `AzureMonitor` `alertNotificationType` there — or an active
    Event Grid subscription on the workspace receives `RunStatusChanged` with an advanced filter
    on `data.RunTags.azureml_modelmonitor_threshold_breached` whose value names this monitor
    (`<monitor>_<signal>`) or every monitor ("has failed due to one or more features violating
    metric thresholds"). Other schedules are skipped.

    ## Why it matters
    A monitor that detects drift and tells no one is a report nobody reads: the breach is
    recorded as a failed run in the workspace, and the model keeps serving.

    ## How to fix
    ```bash
    az ml schedule update --name <monitor> --resource-group <rg> --workspace-name <ws> \\
      --set create_monitor.alert_notification.emails='["ml-oncall@contoso.com"]'
    ```

    ```bicep
    resource monitor 'Microsoft.MachineLearningServices/workspaces/schedules@2025-12-01' = {
      parent: workspace
      name: 'fraud-monitor'
      properties: {
        action: {
          actionType: 'CreateMonitor'
          monitorDefinition: {
            alertNotificationSettings: { emailNotificationSettings: { emails: [ 'ml-oncall@contoso.com' ] } }
          }
        }
      }
    }
    ```
    """
    definition = monitor_definition(res)
    if definition is None:
        return skip("not a model monitor (action is not CreateMonitor)")
    emails = monitor_emails(definition)
    if emails:
        return passed(f"alerts e-mail {len(emails)} address(es)")
    kind = definition.get("alertNotificationSetting")
    if isinstance(kind, dict) and same(kind.get("alertNotificationType"), "AzureMonitor"):
        return passed("alerts through Azure Monitor")
    subscriptions = _alerting_subscriptions(res, ctx)
    if subscriptions:
        return passed(f"breaches reach Event Grid subscription(s) {', '.join(subscriptions)}")
    return failed(
        "threshold breaches notify no one: no alert e-mails and no RunStatusChanged "
        "subscription filtered on the monitor's breach tag",
        path="properties.action.monitorDefinition.alertNotificationSettings",
        expected={"emailNotificationSettings": {"emails": ["<address>"]}},
        actual=definition.get("alertNotificationSettings"),
    )
