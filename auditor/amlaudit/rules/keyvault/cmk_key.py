from urllib.parse import urlsplit

from amlaudit.api import Context, DataError, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import instant, now

KEYS = "Microsoft.KeyVault/vaults/keys"
_KEY_ID = "properties.encryption.keyVaultProperties.keyIdentifier"


@rule(
    id="AML071",
    name="workspace-cmk-key-unusable",
    title="The customer-managed key of an Azure ML workspace exists, is enabled and has not expired",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=["Microsoft.KeyVault/vaults", KEYS, "Microsoft.KeyVault/vaults/keys/versions"],
    controls=["MCSB-v1:DP-5", "MCSB-v1:DP-6", "ASB-v1:4.8", "ASB-v1:7.11"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-customer-managed-keys",
        "https://learn.microsoft.com/azure/key-vault/keys/about-keys-details",
    ],
)
def workspace_cmk_key(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For each workspace with `properties.encryption.keyVaultProperties.keyIdentifier`, the key's
    ARM metadata (`Microsoft.KeyVault/vaults/keys/<name>` under the vault named by
    `keyVaultArmId`; the `versions/<version>` child when the workspace pins a version that the
    snapshot holds) exists, `properties.attributes.enabled` is not `false` and
    `properties.attributes.exp`, when set, lies after the scan time. Only metadata is read,
    never key material. The finding is reported on the workspace, because the workspace is
    what breaks. A workspace without a CMK is skipped (AML005 judges that); a vault outside
    the snapshot is skipped with a coverage note; a key missing from a vault that is in the
    snapshot fails. No built-in Azure Policy checks this link.

    ## Why it matters
    Azure ML wraps the workspace's data keys with this key. If it is deleted, disabled or
    expired, the service can no longer decrypt the workspace's metadata, jobs and the Cosmos
    DB / Search / Storage resources it manages: the workspace stops working, and after a
    purge its data is lost.

    ## How to fix
    Re-enable the key (or recover it while soft-deleted) and set an expiry that is rotated
    before it passes, with a rotation policy.

    ```bash
    az keyvault key set-attributes --vault-name <vault> --name <key> --enabled true \\
      --expires 2028-01-01T00:00:00Z
    az keyvault key recover --vault-name <vault> --name <key>
    ```

    ```bicep
    resource key 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
      parent: vault
      name: keyName
      properties: {
        kty: 'RSA'
        keySize: 3072
        attributes: { enabled: true, exp: expiryEpochSeconds }
        rotationPolicy: {
          lifetimeActions: [ { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'rotate' } } ]
        }
      }
    }
    ```
    """
    key_uri = res.str(_KEY_ID)
    if not key_uri:
        return skip("no customer-managed key is configured")
    vault_id = res.str("properties.encryption.keyVaultProperties.keyVaultArmId")
    if not vault_id:
        raise DataError(f"{_KEY_ID} is set but keyVaultArmId is absent")
    parts = [p for p in urlsplit(key_uri.strip()).path.split("/") if p]
    if len(parts) < 2 or parts[0].lower() != "keys":
        raise DataError(f"{_KEY_ID} {key_uri!r} is not a Key Vault key URI")
    name, version = parts[1], (parts[2] if len(parts) > 2 else None)
    vault = ctx.resolve(vault_id, "customer-managed key vault")
    key = ctx.get(f"{vault.id}/keys/{name}")
    if key is None:
        ctx.children(vault, KEYS)  # IncompleteData when the vault's keys could not be listed
        return failed(
            f"key '{name}' is not in vault '{vault.name}': it was deleted or never created",
            path=_KEY_ID,
            expected="an existing, enabled key",
            actual=key_uri,
        )
    judged = (ctx.get(f"{key.id}/versions/{version}") if version else None) or key
    what = f"key '{name}'" + (f" version {version}" if judged is not key else "")
    if judged.bool("properties.attributes.enabled") is False:
        return failed(
            f"{what} in vault '{vault.name}' is disabled",
            path=f"{KEYS}.properties.attributes.enabled",
            expected=True,
            actual=False,
        )
    exp = judged.get("properties.attributes.exp")
    if exp is not None:
        expires = instant(exp, "properties.attributes.exp")
        if expires <= now(ctx):
            return failed(
                f"{what} in vault '{vault.name}' expired on {expires:%Y-%m-%d}",
                path=f"{KEYS}.properties.attributes.exp",
                expected="a future time",
                actual=exp,
            )
        return passed(f"{what} is enabled and expires on {expires:%Y-%m-%d}")
    return passed(f"{what} is enabled and has no expiry date")
