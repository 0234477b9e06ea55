from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML023",
    name="compute-node-public-ip-enabled",
    title="Azure ML compute instances and clusters have no public IP addresses",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-secure-training-vnet"],
)
def compute_node_public_ip(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.enableNodePublicIp` on a `ComputeInstance` or `AmlCompute`:
    `false` passes; `true` fails; absent fails, because the API default is `true` (nodes get
    public IPs). Attached computes are skipped. No built-in Azure Policy covers it.

    ## Why it matters
    Public IPs make every node reachable from the internet (limited only by NSG rules) and
    give it a direct path out that bypasses your firewall.

    ## How to fix
    The setting is fixed at creation: recreate the compute without public IPs, in a subnet
    or in the workspace managed network.

    ```bash
    az ml compute create --name <compute> --resource-group <rg> --workspace-name <workspace> \\
      --type AmlCompute --size Standard_DS3_v2 --enable-node-public-ip false
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: {
        computeType: 'AmlCompute'
        properties: { vmSize: 'Standard_DS3_v2', enableNodePublicIp: false }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance", "AmlCompute")
    if reason:
        return skip(reason)
    value = res.bool("properties.properties.enableNodePublicIp")
    if value is False:
        return passed("nodes have no public IP address")
    return failed(
        "nodes get public IP addresses" + ("" if value else " (not set: the default)"),
        path="properties.properties.enableNodePublicIp",
        expected=False,
        actual=value,
    )
