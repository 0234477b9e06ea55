from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule


@rule(
    id="AML129",
    name="aks-network-policy-missing",
    title="AKS clusters enforce Kubernetes network policies",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:NS-1", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/aks/use-network-policies",
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-kubernetes-inferencing-environment",
    ],
)
def aks_network_policy(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.networkProfile.networkPolicy` names a network policy engine: `azure`,
    `calico` or `cilium` (case-insensitive). Absent or `none` fails: no engine means
    NetworkPolicy objects are accepted and silently not enforced. No Azure Policy built-in
    checks the property (Defender has an assessment for it).

    ## Why it matters
    Without a policy engine every pod can reach every other pod and the node network. A
    compromised model server can then reach the Azure ML extension's components, other
    teams' endpoints and the instance metadata service.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> --network-policy azure
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure' }
      }
    }
    ```
    """
    value = res.str("properties.networkProfile.networkPolicy")
    if one_of(value, "azure", "calico", "cilium"):
        return passed(f"network policies are enforced by {value}")
    return failed(
        "no network policy engine: pod-to-pod traffic is unrestricted"
        + (f" (networkPolicy '{value}')" if value else ""),
        path="properties.networkProfile.networkPolicy",
        expected="azure, calico or cilium",
        actual=value,
    )
