from amlaudit.api import Context, Option, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged, parse_duration


@rule(
    id="AML025",
    name="compute-instance-idle-shutdown-missing",
    title="Azure ML compute instances shut down when idle, within the allowed idle time",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    labels=["cost"],
    azure_policy=["679ddf89-ab8f-48a5-9029-e76054077449"],
    options={
        "max_idle_minutes": Option(
            int, 120, "longest idle time before shutdown a compute instance may have, in minutes"
        )
    },
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-create-compute-instance#configure-idle-shutdown"
    ],
)
def compute_instance_idle_shutdown(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.idleTimeBeforeShutdown` (ISO-8601, e.g. `PT60M`) on a
    `ComputeInstance`. Absent or empty fails, as in Azure Policy 679ddf89; a value longer than
    the option `max_idle_minutes` (default 120) also fails. A value that is not an ISO-8601
    duration is an error. The field is returned by api-version 2025-12-01 and later; older
    reads omit it and fail here. Other compute types and attached computes are skipped.

    ## Why it matters
    Forgotten notebook VMs run, and bill, around the clock, GPU ones at dozens of dollars a
    day; a stopped instance is also not an attack surface.

    ## How to fix
    ```bash
    az ml compute update --name <instance> --resource-group <rg> --workspace-name <workspace> \\
      --idle-time-before-shutdown-minutes 60
    ```

    ```bicep
    resource ci 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'ci-alice'
      location: location
      properties: {
        computeType: 'ComputeInstance'
        properties: { vmSize: 'Standard_DS3_v2', idleTimeBeforeShutdown: 'PT60M' }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance")
    if reason:
        return skip(reason)
    value = (res.str("properties.properties.idleTimeBeforeShutdown") or "").strip()
    limit = int(ctx.option("max_idle_minutes"))
    if not value:
        return failed(
            "idle shutdown is not configured",
            path="properties.properties.idleTimeBeforeShutdown",
            expected=f"at most PT{limit}M",
            actual=None,
        )
    minutes = parse_duration(value).total_seconds() / 60
    if minutes > limit:
        return failed(
            f"idle shutdown after {minutes:g} minutes exceeds the {limit}-minute maximum",
            path="properties.properties.idleTimeBeforeShutdown",
            expected=f"at most PT{limit}M",
            actual=value,
        )
    return passed(f"shuts down after {minutes:g} idle minutes")
