from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML128",
    name="aks-kubernetes-rbac-disabled",
    title="AKS clusters use Kubernetes role-based access control",
    severity="high",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:PA-7", "ASB-v1:4.6"],
    azure_policy=["ac4a19c2-fa67-49b4-8ae5-0b2e78c49457"],
    references=["https://learn.microsoft.com/azure/aks/concepts-identity#kubernetes-rbac"],
)
def aks_kubernetes_rbac(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.enableRBAC` is not `false`. As in Azure Policy ac4a19c2, only an explicit
    `false` fails: AKS has enabled Kubernetes RBAC by default for years, and an absent value
    means the default.

    ## Why it matters
    Without RBAC every authenticated identity, including every pod's service account, is
    effectively cluster-admin: one compromised scoring container can read all secrets and
    take over the cluster.

    ## How to fix
    RBAC cannot be switched on in place: recreate the cluster with it (the default), then
    reattach it to the workspace.

    ```bash
    az aks create --name <cluster> --resource-group <rg> --enable-aad --enable-azure-rbac
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        enableRBAC: true
      }
    }
    ```
    """
    value = res.bool("properties.enableRBAC")
    if value is False:
        return failed(
            "Kubernetes RBAC is disabled: every authenticated identity has full access",
            path="properties.enableRBAC",
            expected=True,
            actual=False,
        )
    return passed("Kubernetes RBAC is enabled" + ("" if value else " (default)"))
