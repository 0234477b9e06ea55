from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import governing_workspace, managed_network, parent_workspace


@rule(
    id="AML043",
    name="online-deployment-egress-public-network-enabled",
    title="Azure ML managed online deployments block public egress",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/managedNetworks",
    ],
    controls=["MCSB-v1:NS-2", "MCSB-v1:DP-2", "ASB-v1:1.1", "ASB-v1:4.3"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-secure-online-endpoint"
    ],
)
def online_deployment_egress(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a managed online deployment (`properties.endpointComputeType` `Managed`):
    `properties.egressPublicNetworkAccess` must be `Disabled`; `Enabled` or absent (the API
    default, `Enabled`) fails. When the workspace (or, for a project, its hub) runs a managed
    network, deployments live in it and the workspace's outbound rules govern egress, so the
    flag is not used and the deployment passes (AML004 and AML011/AML012 judge the network).
    Kubernetes deployments are skipped: their egress is the cluster's. No built-in Azure
    Policy covers it.

    ## Why it matters
    Scoring code runs on every request with the deployment's identity; with public egress it
    can send inputs, outputs and credentials anywhere.

    ## How to fix
    Move the workspace to a managed network (preferred), or recreate the deployment with
    egress disabled.

    ```bash
    az ml online-deployment create --file deployment.yml --resource-group <rg> \\
      --workspace-name <workspace> --set egress_public_network_access=disabled
    ```

    ```bicep
    resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2025-12-01' = {
      parent: endpoint
      name: 'blue'
      location: location
      sku: { name: 'Default', capacity: 2 }
      properties: { endpointComputeType: 'Managed', egressPublicNetworkAccess: 'Disabled' }
    }
    ```
    """
    compute = res.str("properties.endpointComputeType")
    if not same(compute, "Managed"):
        return skip(f"{compute or 'unknown'} deployment: egress belongs to its cluster")
    workspace = governing_workspace(parent_workspace(res, ctx), ctx)
    value = res.str("properties.egressPublicNetworkAccess")
    if same(value, "Disabled"):
        return passed("public egress is disabled")
    if managed_network(workspace, ctx).isolated:
        return passed(f"runs in the managed network of '{workspace.name}', which governs egress")
    return failed(
        "public egress is " + (f"'{value}'" if value else "not set (enabled)"),
        path="properties.egressPublicNetworkAccess",
        expected="Disabled",
        actual=value,
    )
