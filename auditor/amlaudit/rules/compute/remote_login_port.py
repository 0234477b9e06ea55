from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import (
    compute_not_judged,
    governing_workspace,
    managed_network,
    parent_workspace,
)


@rule(
    id="AML024",
    name="compute-cluster-remote-login-port-open",
    title="Azure ML compute clusters close the public SSH port on their nodes",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/managedNetworks",
    ],
    controls=["MCSB-v1:NS-2", "MCSB-v1:PA-1", "ASB-v1:1.1", "CIS-Azure-2.0.0:6.2"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-create-attach-compute-cluster"
    ],
)
def compute_cluster_remote_login_port(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.remoteLoginPortPublicAccess` on an `AmlCompute` cluster must be
    `Disabled`. As in the Azure Landing Zones policy
    `Deny-MachineLearning-ComputeCluster-RemoteLoginPortPublicAccess`, `Enabled`,
    `NotSpecified` and absent all fail: `NotSpecified` closes the port only while the cluster
    has a subnet, and opens it on every public node otherwise, so it is not a decision.
    A cluster without a subnet in its workspace's managed network (the hub's, for a project)
    is not judged on `NotSpecified` or absent, whose meaning is defined for customer VNets
    only: it is skipped with that reason; `Enabled` still fails. Compute instances (see
    AML022) and attached computes are skipped.

    ## Why it matters
    An open remote login port exposes SSH on every node of the cluster to the internet; the
    nodes run training code with the workspace's credentials and data mounts.

    ## How to fix
    ```bash
    az ml compute update --name <cluster> --resource-group <rg> --workspace-name <workspace> \\
      --set remote_login_port_public_access=Disabled
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: {
        computeType: 'AmlCompute'
        properties: { vmSize: 'Standard_DS3_v2', remoteLoginPortPublicAccess: 'Disabled' }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "AmlCompute")
    if reason:
        return skip(reason)
    value = res.str("properties.properties.remoteLoginPortPublicAccess")
    if same(value, "Disabled"):
        return passed("the public SSH port is closed on all nodes")
    if same(value, "Enabled"):
        message = "the public SSH port is open on all nodes"
    else:
        subnet = res.str("properties.properties.subnet.id")
        if not subnet:
            workspace = governing_workspace(parent_workspace(res, ctx), ctx)
            if managed_network(workspace, ctx).isolated:
                return skip(
                    f"remote login port access is {value or 'not set'} in the managed network "
                    f"of '{workspace.name}': defined for customer VNets only"
                )
        state = "closed only while the cluster keeps its subnet" if subnet else "open"
        message = f"remote login port access is {value or 'not set'}: the port is {state}"
    return failed(
        message,
        path="properties.properties.remoteLoginPortPublicAccess",
        expected="Disabled",
        actual=value,
    )
