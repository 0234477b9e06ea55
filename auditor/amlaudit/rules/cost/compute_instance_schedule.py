from amlaudit.api import (
    Context,
    Evidence,
    Resource,
    Verdict,
    failed,
    item_get,
    passed,
    rule,
    same,
    skip,
)


def stop_schedules(res: Resource) -> list[str]:
    """Enabled schedules that stop the instance (an absent status means enabled)."""
    found = []
    for schedule in res.list("properties.properties.schedules.computeStartStop"):
        if not same(item_get(schedule, "action"), "Stop"):
            continue
        if same(item_get(schedule, "status"), "Disabled"):
            continue
        when = item_get(schedule, "cron.expression") or item_get(schedule, "recurrence.frequency")
        found.append(str(when or item_get(schedule, "triggerType") or "schedule"))
    return found


@rule(
    id="AML201",
    name="compute-instance-running-without-stop-schedule",
    title="Running Azure ML compute instances have a stop schedule",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    labels=["cost"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-create-compute-instance#schedule-automatic-start-and-stop",
    ],
)
def compute_instance_schedule(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a compute instance (`properties.computeType` `ComputeInstance`) whose
    `properties.properties.state` is `Running`, that
    `properties.properties.schedules.computeStartStop[]` holds an entry with `action` `Stop`
    whose `status` is not `Disabled`. Other compute types are skipped, and so are instances
    that are not running (a stopped instance costs nothing until someone starts it). Idle
    shutdown, minimum nodes, VM sizes and node caps are judged by the compute rules
    (AML020-AML039); this rule is only about schedules.

    ## Why it matters
    A compute instance bills for every hour it runs, used or not. A nightly stop schedule is
    the backstop for the instance nobody remembered to stop, including GPU instances whose
    idle-shutdown is defeated by a background process.

    ## How to fix
    ```bash
    # compute-instance.yml: schedules: {compute_start_stop: [{action: stop,
    #   trigger: {type: cron, expression: "0 20 * * 1-5"}}]}
    az ml compute create --file compute-instance.yml --workspace-name <workspace> \\
      --resource-group <rg>
    ```

    ```bicep
    resource ci 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: name
      location: location
      properties: {
        computeType: 'ComputeInstance'
        properties: {
          vmSize: 'Standard_DS3_v2'
          schedules: { computeStartStop: [ {
            action: 'Stop'
            triggerType: 'Cron'
            cron: { expression: '0 20 * * *', timeZone: 'W. Europe Standard Time' }
            status: 'Enabled'
          } ] }
        }
      }
    }
    ```
    """
    kind = res.str("properties.computeType")
    if not same(kind, "ComputeInstance"):
        return skip(f"computeType is {kind or 'not set'}, not ComputeInstance")
    state = res.str("properties.properties.state")
    schedules = stop_schedules(res)
    if schedules:
        return passed(f"the instance is stopped on a schedule ({', '.join(schedules)})")
    if not same(state, "Running"):
        return skip(f"the instance is {state or 'in an unreported state'}, not running")
    return failed(
        "the compute instance is running and no enabled schedule stops it",
        Evidence(
            "properties.properties.schedules.computeStartStop",
            "an enabled Stop schedule",
            res.list("properties.properties.schedules.computeStartStop"),
        ),
    )
