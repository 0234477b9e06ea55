from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML066",
    name="key-vault-soft-delete-disabled",
    title="Key vaults used by Azure ML have soft delete enabled",
    severity="medium",
    resource_types=["Microsoft.KeyVault/vaults"],
    controls=["MCSB-v1:DP-8", "ASB-v1:7.11", "ASB-v1:9.4", "CIS-Azure-2.0.0:8.5"],
    azure_policy=["1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d"],
    references=["https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview"],
    overlaps={
        "AML065": (
            "AML065 reads soft delete because purge protection needs it; AML066 judges soft "
            "delete itself"
        ),
    },
)
def key_vault_soft_delete(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.enableSoftDelete` is `true`. As in Azure Policy 1e66c121, `false` and an
    absent value both fail: current API versions always report it, so a vault without it was
    recorded by an old API or created before soft delete became mandatory.

    ## Why it matters
    Soft delete keeps deleted keys, secrets and the vault itself recoverable for the retention
    period. Without it, a deleted customer-managed key or workspace secret is gone at once and
    the data it protects with it.

    ## How to fix
    Soft delete cannot be disabled on new vaults; an old vault is migrated by enabling it.

    ```bash
    az resource update --ids <vault-id> --set properties.enableSoftDelete=true
    ```

    ```bicep
    resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
      name: name
      location: location
      properties: {
        tenantId: tenant().tenantId
        sku: { family: 'A', name: 'standard' }
        enableSoftDelete: true
        softDeleteRetentionInDays: 90
      }
    }
    ```
    """
    soft = res.bool("properties.enableSoftDelete")
    if soft is True:
        days = res.int("properties.softDeleteRetentionInDays")
        return passed("soft delete is enabled" + (f" ({days}-day retention)" if days else ""))
    return failed(
        "soft delete is " + ("disabled" if soft is False else "not reported (treated as off)"),
        path="properties.enableSoftDelete",
        expected=True,
        actual=soft,
    )
