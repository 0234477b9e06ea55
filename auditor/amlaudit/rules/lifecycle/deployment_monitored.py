from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import instant, now, parent_workspace
from amlaudit.lifecycle import (
    ENDPOINTS,
    SCHEDULES,
    WORKSPACES,
    monitor_definition,
    traffic_share,
    watches,
)


def _why_idle(schedule: Resource, definition: dict[str, object], ctx: Context) -> str | None:
    """Why a monitor targeting the deployment watches nothing, or None when it is effective."""
    if schedule.bool("properties.isEnabled") is False:
        return "disabled"
    if not definition.get("signals"):
        return "without signals"
    end = schedule.get("properties.trigger.endTime")
    if end is not None and instant(end, "properties.trigger.endTime") <= now(ctx):
        return f"ended (trigger endTime {end})"
    return None


@rule(
    id="AML230",
    name="production-deployment-not-monitored",
    title="Azure ML online deployments receiving traffic have an active model monitor",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    reads=[ENDPOINTS, SCHEDULES, WORKSPACES],
    controls=["MCSB-v1:LT-1", "MCSB-v1:PV-2", "ASB-v1:2.7", "ASB-v1:7.9"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-model-monitoring",
        "https://learn.microsoft.com/azure/machine-learning/how-to-monitor-model-performance",
    ],
    since="0.2.0",
    status="preview",
)
def production_deployment_monitored(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For an online deployment receiving traffic (`properties.traffic[<deployment>]` of its
    endpoint above 0): a workspace schedule with `action.actionType` `CreateMonitor` watches
    it — `monitoringTarget.deploymentId` names it (an ARM ID, `azureml:`-prefixed, or
    `<endpoint>:<deployment>`; the plain-string target of 2023-04-01-preview likewise), or a
    signal's `productionData.uri` reads the `<endpoint>-<deployment>-model_inputs|outputs`
    assets its data collector registers — and that monitor is effective: `isEnabled` not
    `false`, a non-empty `signals` map, and a `trigger.endTime` that is absent or after the
    scan time. Deployments without traffic are skipped.

    ## Why it matters
    A production model degrades silently: input drift, data-quality breaks and shifted
    predictions do not raise errors. A monitor is the control that notices, and a disabled or
    ended one gives the same false comfort as none.

    ## How to fix
    ```bash
    az ml schedule create --file monitor.yml --resource-group <rg> --workspace-name <ws>
    # monitor.yml: create_monitor.monitoring_target.endpoint_deployment_id: azureml:<ep>:<dep>
    ```

    ```bicep
    resource monitor 'Microsoft.MachineLearningServices/workspaces/schedules@2025-12-01' = {
      parent: workspace
      name: 'fraud-monitor'
      properties: {
        isEnabled: true
        trigger: { triggerType: 'Recurrence', frequency: 'Day', interval: 1 }
        action: {
          actionType: 'CreateMonitor'
          monitorDefinition: {
            computeConfiguration: { computeType: 'ServerlessSpark', instanceType: 'standard_e4s_v3',
              runtimeVersion: '3.4', computeIdentity: { computeIdentityType: 'ManagedIdentity' } }
            monitoringTarget: { deploymentId: deployment.id, taskType: 'Classification' }
            signals: { drift: { signalType: 'DataDrift', metricThresholds: [] } }
            alertNotificationSettings: { emailNotificationSettings: { emails: [ 'ml-oncall@contoso.com' ] } }
          }
        }
      }
    }
    ```
    """
    share = traffic_share(res, ctx)
    if share <= 0:
        return skip("the deployment receives no traffic")
    workspace = parent_workspace(res, ctx)
    idle: dict[str, str] = {}
    for schedule in ctx.children(workspace, SCHEDULES):
        definition = monitor_definition(schedule)
        if definition is None or not watches(schedule, definition, res):
            continue
        reason = _why_idle(schedule, definition, ctx)
        if reason is None:
            return passed(f"monitored by '{schedule.name}' ({share}% of traffic)")
        idle[schedule.name] = reason
    detail = "; ".join(f"'{n}' is {r}" for n, r in sorted(idle.items()))
    return failed(
        f"receives {share}% of traffic and no active model monitor watches it"
        + (f" ({detail})" if detail else ""),
        Evidence(
            f"{SCHEDULES}.properties.action.monitorDefinition.monitoringTarget.deploymentId",
            res.id,
            sorted(idle) or None,
        ),
    )
