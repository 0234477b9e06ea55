from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip

PATH = "properties.properties.loadBalancerType"


@rule(
    id="AML247",
    name="aks-inference-cluster-public-load-balancer",
    title="Azure ML AKS inference clusters score behind an internal load balancer",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/v1/how-to-secure-inferencing-vnet"
    ],
    since="0.2.0",
    status="preview",
)
def aks_inference_load_balancer(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a compute of `properties.computeType` `AKS`: `properties.properties.loadBalancerType`
    must be `InternalLoadBalancer`. `PublicIp`, or no value in reported cluster properties
    (the default is `PublicIp`), fails. A compute whose `properties.properties` is not
    reported is skipped.

    ## Why it matters
    With a public load balancer every v1 web service on the cluster has an internet-facing
    scoring address, whatever the workspace's own network isolation.

    ## How to fix
    ```bash
    az ml online-endpoint update --name <endpoint> --public-network-access disabled \\
      --resource-group <rg> --workspace-name <ws>
    # v1 clusters: AksUpdateConfiguration(load_balancer_type="InternalLoadBalancer",
    #   load_balancer_subnet="<subnet>") with the v1 SDK, then migrate to v2
    ```

    ```bicep
    resource aks 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'aks-inference'
      properties: {
        computeType: 'AKS'
        resourceId: cluster.id
        properties: { loadBalancerType: 'InternalLoadBalancer', loadBalancerSubnet: 'snet-inference' }
      }
    }
    ```
    """
    if not one_of(res.str("properties.computeType"), "AKS"):
        return skip("not an AKS inference cluster")
    if not res.dict("properties.properties"):
        return skip("the cluster's inference settings are not reported")
    value = res.str(PATH)
    if one_of(value, "InternalLoadBalancer"):
        return passed("scoring sits behind an internal load balancer")
    return failed(
        "scoring on the cluster is exposed through a public load balancer",
        path=PATH,
        expected="InternalLoadBalancer",
        actual=value,
    )
