from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML029",
    name="compute-cluster-min-nodes-above-zero",
    title="Azure ML compute clusters scale down to zero nodes",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    labels=["cost"],
    controls=["MCSB-v1:PV-6", "ASB-v1:5.2"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-vulnerability-management#compute-clusters"
    ],
)
def compute_cluster_min_nodes(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.scaleSettings.minNodeCount` on an `AmlCompute` cluster must be `0`;
    absent means the API default, `0`. The Azure Landing Zones policy
    `Deny-MachineLearning-ComputeCluster-Scale` has the same default limit. Compute instances
    and attached computes are skipped.

    ## Why it matters
    Nodes that never scale away bill around the clock, and they never pick up a new OS image:
    clusters are re-imaged only when they scale to zero, so permanent nodes keep their
    vulnerabilities.

    ## How to fix
    ```bash
    az ml compute update --name <cluster> --resource-group <rg> --workspace-name <workspace> \\
      --min-instances 0
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: {
        computeType: 'AmlCompute'
        properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { minNodeCount: 0, maxNodeCount: 4 } }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "AmlCompute")
    if reason:
        return skip(reason)
    minimum = res.int("properties.properties.scaleSettings.minNodeCount")
    if not minimum:
        return passed("scales down to zero nodes" + ("" if minimum == 0 else " (default)"))
    return failed(
        f"keeps at least {minimum} node(s) running",
        path="properties.properties.scaleSettings.minNodeCount",
        expected=0,
        actual=minimum,
    )
