from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule
from amlaudit.checks import aks_addon


@rule(
    id="AML136",
    name="aks-secret-store-csi-rotation-disabled",
    title="AKS clusters mount Key Vault secrets with the Secrets Store CSI driver and rotate them",
    severity="low",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:IM-8", "MCSB-v1:DP-6", "ASB-v1:7.11"],
    references=["https://learn.microsoft.com/azure/aks/csi-secrets-store-driver"],
    since="0.2.0",
    status="preview",
)
def aks_secret_store_rotation(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.addonProfiles.azureKeyvaultSecretsProvider` (key compared case-insensitively):
    `enabled` is `true` and `config.enableSecretRotation` is `"true"` (ARM stores add-on
    config values as strings).

    ## Why it matters
    Without the driver, inference workloads get their keys from Kubernetes secrets or
    environment variables, copied out of Key Vault and never updated. With the driver but
    without rotation, a secret rotated in Key Vault stays stale in the pod until it restarts,
    so rotation is put off.

    ## How to fix
    ```bash
    az aks enable-addons --addons azure-keyvault-secrets-provider --name <cluster> \\
      --resource-group <rg> --enable-secret-rotation --rotation-poll-interval 2m
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2025-07-01' = {
      name: 'aks-ml'
      location: location
      properties: {
        addonProfiles: {
          azureKeyvaultSecretsProvider: {
            enabled: true
            config: { enableSecretRotation: 'true', rotationPollInterval: '2m' }
          }
        }
      }
    }
    ```
    """
    profile = aks_addon(res, "azureKeyvaultSecretsProvider")
    path = "properties.addonProfiles.azureKeyvaultSecretsProvider"
    if profile.get("enabled") is not True:
        return failed(
            "the Key Vault Secrets Store CSI driver is not enabled",
            path=f"{path}.enabled",
            expected=True,
            actual=profile.get("enabled"),
        )
    config = profile.get("config")
    rotation = config.get("enableSecretRotation") if isinstance(config, dict) else None
    if str(rotation).lower() == "true":
        return passed("the Secrets Store CSI driver rotates mounted secrets")
    return failed(
        "the Secrets Store CSI driver does not rotate mounted secrets",
        Evidence(f"{path}.config.enableSecretRotation", "true", rotation),
    )
