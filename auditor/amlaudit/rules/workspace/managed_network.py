from amlaudit.api import Context, Resource, Verdict, failed, info, passed, rule, same
from amlaudit.checks import (
    approved_private_endpoints,
    governing_workspace,
    managed_network,
    via_hub,
)


@rule(
    id="AML004",
    name="workspace-outbound-not-restricted",
    title="Azure ML workspaces allow only approved outbound traffic",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=["Microsoft.MachineLearningServices/workspaces/managedNetworks"],
    controls=["MCSB-v1:NS-2", "MCSB-v1:DP-2", "ASB-v1:1.1", "ASB-v1:4.3"],
    azure_policy=["6ddb1705-c8cf-450e-aa4b-19ad6703c440"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-managed-network"],
    overlaps={
        "AML003": (
            "AML004 accepts an approved private endpoint (a customer-managed VNet) as isolation "
            "when there is no managed network; AML003 judges the private endpoint itself"
        ),
    },
)
def workspace_managed_network(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The managed network's `isolationMode`, read from the workspace's
    `managedNetworks/default` resource where the input holds it, else from the workspace's
    `properties.managedNetwork`; when neither holds it the finding is an error.
    `AllowOnlyApprovedOutbound` passes; `AllowInternetOutbound` fails (any compute can send
    data anywhere). `Disabled` (no managed network) is reported as information when the
    workspace has an approved private endpoint, because isolation in a customer-managed VNet
    is a valid design, and fails otherwise. A hub-based project (any workspace naming a hub in
    `properties.hubResourceId`, whatever its `kind`) runs in its hub's managed network, so it is
    judged by the hub.

    Azure Policy 6ddb1705 has the same intent, but its `isolationMode` parameter defaults to
    `Disabled`, which flags exactly the workspaces that *are* isolated. This rule hard-codes
    `AllowOnlyApprovedOutbound`, as the policy's display name promises.

    ## Why it matters
    Data exfiltration: training jobs, notebooks and endpoints run arbitrary code. With
    outbound internet open, a compromised package or notebook can copy data anywhere.

    ## How to fix
    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> \\
      --managed-network allow_only_approved_outbound
    az ml workspace provision-network --name <workspace> --resource-group <rg>
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: {
        managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' }
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    network = managed_network(judged, ctx)
    mode = network.isolation_mode
    if same(mode, "AllowOnlyApprovedOutbound"):
        return passed(prefix + "managed network allows only approved outbound traffic")
    if same(mode, "AllowInternetOutbound"):
        return failed(
            prefix + "managed network allows all outbound internet traffic",
            path=network.path("isolationMode"),
            expected="AllowOnlyApprovedOutbound",
            actual=mode,
        )
    if approved_private_endpoints(judged):
        return info(
            prefix + "no managed network; the workspace is isolated with a customer-managed VNet "
            "(outbound control is up to its NSGs and firewall)"
        )
    return failed(
        prefix + "no managed network isolation and no private endpoint",
        path=network.path("isolationMode"),
        expected="AllowOnlyApprovedOutbound",
        actual=mode,
    )
