from amlaudit.api import Context, DataError, Option, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML030",
    name="compute-cluster-max-nodes-above-cap",
    title="Azure ML compute clusters stay within the allowed maximum node count",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    labels=["cost"],
    options={
        "max_cluster_nodes": Option(int, 10, "largest maxNodeCount a compute cluster may have")
    },
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-manage-optimize-cost"],
)
def compute_cluster_max_nodes(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.scaleSettings.maxNodeCount` on an `AmlCompute` cluster must not
    exceed the option `max_cluster_nodes` (default 10, the default of the Azure Landing Zones
    policy `Deny-MachineLearning-ComputeCluster-Scale`). The field is required by the API;
    its absence is an error. Compute instances and attached computes are skipped.

    ## Why it matters
    One mistaken sweep job on a 100-node GPU cluster can spend a quarter's budget in a
    night; the cap is the simplest brake.

    ## How to fix
    ```bash
    az ml compute update --name <cluster> --resource-group <rg> --workspace-name <workspace> \\
      --max-instances 10
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: {
        computeType: 'AmlCompute'
        properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { minNodeCount: 0, maxNodeCount: 10 } }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "AmlCompute")
    if reason:
        return skip(reason)
    maximum = res.int("properties.properties.scaleSettings.maxNodeCount")
    if maximum is None:
        raise DataError("scaleSettings.maxNodeCount is absent")
    cap = int(ctx.option("max_cluster_nodes"))
    if maximum > cap:
        return failed(
            f"may scale to {maximum} nodes, above the cap of {cap}",
            path="properties.properties.scaleSettings.maxNodeCount",
            expected=f"at most {cap}",
            actual=maximum,
        )
    return passed(f"scales to at most {maximum} node(s) (cap {cap})")
