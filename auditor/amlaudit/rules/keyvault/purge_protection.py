from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML065",
    name="key-vault-purge-protection-disabled",
    title="Key vaults used by Azure ML have purge protection enabled",
    severity="medium",
    resource_types=["Microsoft.KeyVault/vaults"],
    controls=["MCSB-v1:DP-8", "ASB-v1:7.11", "ASB-v1:9.4", "CIS-Azure-2.0.0:8.5"],
    azure_policy=["0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"],
    references=["https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview"],
)
def key_vault_purge_protection(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    As Azure Policy 0b60c0b2 does for current API versions: `properties.enablePurgeProtection`
    is `true` and `properties.enableSoftDelete` is not `false`. An absent
    `enablePurgeProtection` fails (the service default is off). Every vault in the snapshot is
    judged; findings name the workspaces that use the vault for secrets or for their
    customer-managed key.

    ## Why it matters
    Without purge protection anyone with vault write access can delete and then purge the
    workspace's customer-managed key or its secrets immediately: the workspace's encrypted
    data becomes unrecoverable, which is a ransomware technique. Azure ML requires purge
    protection on a CMK vault.

    ## How to fix
    Purge protection cannot be turned off again once enabled.

    ```bash
    az keyvault update --name <vault> --resource-group <rg> --enable-purge-protection true
    ```

    ```bicep
    resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
      name: name
      location: location
      properties: {
        tenantId: tenant().tenantId
        sku: { family: 'A', name: 'standard' }
        enableSoftDelete: true
        enablePurgeProtection: true
      }
    }
    ```
    """
    purge = res.bool("properties.enablePurgeProtection")
    soft = res.bool("properties.enableSoftDelete")
    if soft is False:
        return failed(
            "soft delete is disabled, so deleted keys and secrets cannot be recovered",
            path="properties.enableSoftDelete",
            expected=True,
            actual=False,
        )
    if purge is True:
        days = res.int("properties.softDeleteRetentionInDays")
        return passed("purge protection is enabled" + (f" ({days}-day retention)" if days else ""))
    return failed(
        "purge protection is " + ("disabled" if purge is False else "not set (disabled)"),
        path="properties.enablePurgeProtection",
        expected=True,
        actual=purge,
    )
