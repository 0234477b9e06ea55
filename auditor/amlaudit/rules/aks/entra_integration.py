from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML126",
    name="aks-entra-integration-missing",
    title="AKS clusters authenticate users with Microsoft Entra ID",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:IM-1", "ASB-v1:3.9"],
    azure_policy=["450d2877-ebea-41e8-b00c-e286317d21bf"],
    references=["https://learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id"],
)
def aks_entra_integration(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.aadProfile` exists, as Azure Policy 450d2877 requires. An absent or empty
    profile fails. The message says whether Azure RBAC for Kubernetes authorization
    (`aadProfile.enableAzureRBAC`) is on, which is recommended but not required here.

    ## Why it matters
    Without Entra ID integration, cluster access is by certificates in kubeconfig files that
    cannot be tied to a person, protected by Conditional Access or revoked one by one.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> --enable-aad \\
      --aad-admin-group-object-ids <group-id> --enable-azure-rbac
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [ adminGroupId ] }
      }
    }
    ```
    """
    profile = res.dict("properties.aadProfile")
    if not profile:
        return failed(
            "Microsoft Entra ID integration is not configured",
            path="properties.aadProfile",
            expected="an aadProfile",
            actual=res.get("properties.aadProfile"),
        )
    azure_rbac = res.bool("properties.aadProfile.enableAzureRBAC") is True
    return passed(
        "Microsoft Entra ID integration is on"
        + (" with Azure RBAC authorization" if azure_rbac else " (Kubernetes RBAC authorization)")
    )
