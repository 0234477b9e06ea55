from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML134",
    name="aks-service-principal-in-use",
    title="AKS clusters use a managed identity instead of a service principal",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:IM-3", "ASB-v1:7.12"],
    azure_policy=["da6e2401-19da-4532-9141-fb8fbde08431"],
    references=["https://learn.microsoft.com/azure/aks/use-managed-identity"],
)
def aks_managed_identity(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the cluster does not run as a service principal. As in Azure Policy da6e2401, it
    fails only when `properties.servicePrincipalProfile` exists and its `clientId` is not
    `msi` (compared case-insensitively): `msi`, or no profile at all, means a managed identity.

    ## Why it matters
    A service principal's client secret sits on every node and expires: clusters break when
    it does, and a stolen copy works from anywhere until someone rotates it. A managed
    identity has no secret to steal or renew.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> --enable-managed-identity
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      identity: { type: 'SystemAssigned' }
      properties: {
        servicePrincipalProfile: { clientId: 'msi' }
      }
    }
    ```
    """
    profile = res.dict("properties.servicePrincipalProfile")
    client = res.str("properties.servicePrincipalProfile.clientId")
    if not profile or same(client, "msi"):
        return passed(
            f"the cluster runs as a managed identity ({res.str('identity.type') or 'msi'})"
        )
    return failed(
        "the cluster authenticates to Azure with a service principal and its secret",
        path="properties.servicePrincipalProfile.clientId",
        expected="msi",
        actual=client,
    )
