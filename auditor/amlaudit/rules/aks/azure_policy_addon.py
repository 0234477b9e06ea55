from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML131",
    name="aks-azure-policy-addon-disabled",
    title="AKS clusters run the Azure Policy add-on",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:PV-2", "ASB-v1:7.9"],
    azure_policy=["0a15ec92-a229-4763-bb14-0ea34a568f8d"],
    references=[
        "https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes"
    ],
)
def aks_azure_policy_addon(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the `azurepolicy` entry of `properties.addonProfiles` has `enabled` `true`. The key is
    matched case-insensitively: ARM returns `azurepolicy`, the policy alias says
    `azurePolicy`. As in Azure Policy 0a15ec92, a missing add-on fails.

    ## Why it matters
    The add-on is what enforces pod security policies (no privileged containers, no host
    paths, allowed registries only) inside the cluster. Without it, a deployment can run a
    privileged container that escapes to the node.

    ## How to fix
    ```bash
    az aks enable-addons --addons azure-policy --name <cluster> --resource-group <rg>
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        addonProfiles: { azurepolicy: { enabled: true } }
      }
    }
    ```
    """
    addons = res.dict("properties.addonProfiles")
    key = next((k for k in addons if k.lower() == "azurepolicy"), None)
    path = f"properties.addonProfiles.{key or 'azurepolicy'}.enabled"
    value = res.bool(path) if key else None
    if value is True:
        return passed("the Azure Policy add-on is enabled")
    return failed(
        "the Azure Policy add-on is " + ("disabled" if value is False else "not installed"),
        path=path,
        expected=True,
        actual=value,
    )
