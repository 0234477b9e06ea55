from amlaudit.api import Context, Resource, Verdict, info, passed, rule, same, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML032",
    name="compute-cluster-dedicated-priority",
    title="Azure ML compute clusters consider low-priority VMs for interruptible work",
    severity="info",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    labels=["cost"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-manage-optimize-cost#low-pri-vm"
    ],
)
def compute_cluster_priority(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.vmPriority` of an `AmlCompute` cluster. `LowPriority` passes;
    `Dedicated` or absent (the default, `Dedicated`) is reported as information, never as a
    failure: dedicated nodes are the right choice for jobs that cannot restart. Compute
    instances (always dedicated) and attached computes are skipped.

    ## Why it matters
    Low-priority nodes cost a fraction of dedicated ones; training that checkpoints, sweeps
    and batch scoring usually tolerate preemption.

    ## How to fix
    Use a low-priority cluster for interruptible jobs.

    ```bash
    az ml compute create --name <cluster>-lowpri --resource-group <rg> --workspace-name <workspace> \\
      --type AmlCompute --size Standard_DS3_v2 --tier low_priority
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster-lowpri'
      location: location
      properties: {
        computeType: 'AmlCompute'
        properties: { vmSize: 'Standard_DS3_v2', vmPriority: 'LowPriority' }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "AmlCompute")
    if reason:
        return skip(reason)
    priority = res.str("properties.properties.vmPriority")
    if same(priority, "LowPriority"):
        return passed("uses low-priority VMs")
    return info(
        f"uses {priority or 'Dedicated (default)'} VMs: low-priority ones cost less for "
        "interruptible work"
    )
