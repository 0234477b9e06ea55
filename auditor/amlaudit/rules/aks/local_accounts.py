from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML127",
    name="aks-local-accounts-enabled",
    title="AKS clusters have local accounts disabled",
    severity="high",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:PA-1", "ASB-v1:3.9", "ASB-v1:3.3"],
    azure_policy=["993c2fcd-2b29-49d2-9eb0-df2c3a730c32"],
    references=["https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad"],
)
def aks_local_accounts(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.disableLocalAccounts` is `true`. As in Azure Policy 993c2fcd, anything
    else fails, including an absent value: local accounts exist by default.

    ## Why it matters
    The local `clusterAdmin` credential bypasses Entra ID: whoever can call `listClusterAdminCredential`
    or holds an old kubeconfig gets cluster-admin with no MFA, no Conditional Access and no
    per-user audit trail, even on an Entra-integrated cluster.

    ## How to fix
    Integrate Entra ID first (AML126), then:

    ```bash
    az aks update --name <cluster> --resource-group <rg> --disable-local-accounts
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        disableLocalAccounts: true
      }
    }
    ```
    """
    value = res.bool("properties.disableLocalAccounts")
    if value is True:
        return passed("local accounts are disabled")
    return failed(
        "local accounts are " + ("enabled" if value is False else "not disabled (default on)"),
        path="properties.disableLocalAccounts",
        expected=True,
        actual=value,
    )
