from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import (
    compute_not_judged,
    governing_workspace,
    managed_network,
    parent_workspace,
)


@rule(
    id="AML021",
    name="compute-not-in-virtual-network",
    title="Azure ML compute instances and clusters run in a virtual network",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/managedNetworks",
    ],
    controls=["MCSB-v1:NS-2", "MCSB-v1:NS-1", "ASB-v1:1.1"],
    azure_policy=["7804b5c7-01dc-4723-969b-ae300cc07ff1"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-managed-network"],
)
def compute_virtual_network(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `ComputeInstance` or `AmlCompute` has a customer subnet
    (`properties.properties.subnet.id`) **or** sits in its workspace's managed network
    (`managedNetwork.isolationMode` of the workspace, or of its hub for a project, is
    `AllowInternetOutbound` or `AllowOnlyApprovedOutbound`). Azure Policy 7804b5c7 looks only
    at the subnet and so flags every compute in a managed network, which is the isolation
    Microsoft recommends; this rule accepts both. Attached computes are skipped.

    ## Why it matters
    A compute outside any virtual network talks to your storage, Key Vault and registry over
    public endpoints, which then have to stay open to it.

    ## How to fix
    Prefer the workspace managed network; or create the compute in a subnet.

    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> \\
      --managed-network allow_only_approved_outbound
    az ml compute create --name <compute> --resource-group <rg> --workspace-name <workspace> \\
      --type AmlCompute --vnet-name <vnet> --subnet <subnet-id>
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: {
        computeType: 'AmlCompute'
        properties: { vmSize: 'Standard_DS3_v2', subnet: { id: subnetId } }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance", "AmlCompute")
    if reason:
        return skip(reason)
    subnet = res.str("properties.properties.subnet.id")
    if subnet and subnet.strip():
        return passed(f"runs in subnet {subnet.rsplit('/', 1)[-1]}")
    workspace = governing_workspace(parent_workspace(res, ctx), ctx)
    network = managed_network(workspace, ctx)
    if network.isolated:
        return passed(
            f"runs in the managed network of '{workspace.name}' ({network.isolation_mode})"
        )
    return failed(
        f"no subnet, and workspace '{workspace.name}' has no managed network",
        path="properties.properties.subnet.id",
        expected="a subnet, or a workspace managed network",
        actual=None,
    )
