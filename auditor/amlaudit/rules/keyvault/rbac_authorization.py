from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML067",
    name="key-vault-access-policies-in-use",
    title="Key vaults used by Azure ML use the Azure RBAC permission model",
    severity="medium",
    resource_types=["Microsoft.KeyVault/vaults"],
    controls=["MCSB-v1:PA-7", "ASB-v1:4.6", "CIS-Azure-2.0.0:8.6"],
    azure_policy=["12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5"],
    references=["https://learn.microsoft.com/azure/key-vault/general/rbac-migration"],
)
def key_vault_rbac_authorization(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.enableRbacAuthorization` is `true`. As in Azure Policy 12d4fa5e, `false`
    and an absent value fail: the vault then authorizes data access with its own access
    policies (the message counts them).

    ## Why it matters
    Access policies grant permissions per vault, outside Azure RBAC: they cannot be scoped to
    one key, are invisible to access reviews and Privileged Identity Management, and anyone
    with `Contributor` on the vault can grant themselves every secret. The RBAC model gives
    least-privilege roles (`Key Vault Crypto Service Encryption User` for the CMK identity).

    ## How to fix
    Recreate the access policies' grants as role assignments first, then switch.

    ```bash
    az keyvault update --name <vault> --resource-group <rg> --enable-rbac-authorization true
    ```

    ```bicep
    resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
      name: name
      location: location
      properties: {
        tenantId: tenant().tenantId
        sku: { family: 'A', name: 'standard' }
        enableRbacAuthorization: true
      }
    }
    ```
    """
    rbac = res.bool("properties.enableRbacAuthorization")
    if rbac is True:
        return passed("data access is authorized with Azure RBAC")
    policies = len(res.list("properties.accessPolicies"))
    return failed(
        f"data access is authorized by vault access policies ({policies} defined)",
        path="properties.enableRbacAuthorization",
        expected=True,
        actual=rbac,
    )
