from amlaudit.api import Context, Resource, Usage, Verdict, failed, passed, rule, skip

WORKSPACES = "Microsoft.MachineLearningServices/workspaces"


@rule(
    id="AML211",
    name="workspace-cmk-vault-purgeable",
    title="The key vault holding an ML workspace's encryption key cannot be purged",
    severity="high",
    resource_types=["Microsoft.KeyVault/vaults"],
    reads=[WORKSPACES],
    controls=["MCSB-v1:DP-8", "MCSB-v1:DP-5", "ASB-v1:9.4", "CIS-Azure-2.0.0:8.5"],
    azure_policy=["0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-customer-managed-keys",
        "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
    ],
    overlaps={
        "AML065": (
            "AML211 judges, on the workspace, purge protection of the vault holding its "
            "encryption key; AML065 judges every vault Azure ML uses"
        ),
        "AML066": (
            "AML211 reads soft delete of the vault holding the workspace's key, because purge "
            "protection needs it; AML066 judges it on every vault Azure ML uses"
        ),
    },
)
def cmk_vault_purgeable(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a key vault named by some workspace's
    `properties.encryption.keyVaultProperties.keyVaultArmId` (the vault holding its
    customer-managed key): that `properties.enablePurgeProtection` is `true` and
    `properties.enableSoftDelete` is not `false`. As in policy 0b60c0b2, an absent
    `enablePurgeProtection` is non-compliant. The finding is on the vault (the resource that
    must change) and names the workspaces whose key it holds; vaults holding no workspace key
    are skipped. AML065 judges purge protection on every vault an ML workspace uses; this rule
    is the stricter, high-severity case where losing the vault means losing the workspace.

    ## Why it matters
    If the vault or the key is deleted and purged — by mistake or by an attacker with vault
    rights — the workspace's encrypted metadata, and the Cosmos DB, Search and Storage data
    Azure ML encrypted with that key, are unrecoverable. Purge protection is the only thing
    that guarantees a deleted key can come back within the retention period.

    ## How to fix
    Purge protection cannot be turned off once on; it is required for CMK.

    ```bash
    az keyvault update --name <vault> --resource-group <rg> --enable-purge-protection true
    ```

    ```bicep
    resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
      name: name
      location: location
      properties: {
        tenantId: tenant().tenantId
        sku: { family: 'A', name: 'premium' }
        enableSoftDelete: true
        enablePurgeProtection: true
        enableRbacAuthorization: true
      }
    }
    ```
    """
    keyed = ctx.workspaces_using(res, Usage.CMK_VAULT, inherited=False)
    if not keyed:
        return skip("no ML workspace keeps its customer-managed key in this vault")
    names = ", ".join(sorted(w.name for w in keyed))
    purge = res.bool("properties.enablePurgeProtection")
    soft = res.bool("properties.enableSoftDelete")
    if purge is True and soft is not False:
        return passed(f"purge protection is on for the CMK vault of {names}")
    problem = (
        "soft delete is off"
        if soft is False
        else "purge protection is " + ("off" if purge is False else "not set (off)")
    )
    return failed(
        f"{problem}: the customer-managed key of {names} can be purged",
        path="properties.enablePurgeProtection",
        expected=True,
        actual=purge,
        workspaces=sorted(w.id for w in keyed),
    )
