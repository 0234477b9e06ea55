from amlaudit.api import (
    Context,
    Evidence,
    Resource,
    Verdict,
    failed,
    item_get,
    passed,
    rule,
    same,
    skip,
)
from amlaudit.checks import instant, now


def rotates(key: Resource) -> bool:
    """True when the key's rotation policy has an automatic `Rotate` lifetime action."""
    return any(
        same(item_get(action, "action.type"), "Rotate") and item_get(action, "trigger")
        for action in key.list("properties.rotationPolicy.lifetimeActions")
    )


@rule(
    id="AML072",
    name="key-vault-key-without-expiry-or-rotation",
    title="Key Vault keys have an expiry date and an automatic rotation policy",
    severity="medium",
    resource_types=["Microsoft.KeyVault/vaults/keys"],
    controls=["MCSB-v1:DP-6", "ASB-v1:7.11"],
    azure_policy=["152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0", "d8cf8476-a2ec-4916-896e-992351803c44"],
    references=[
        "https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation",
    ],
    since="0.2.0",
    overlaps={
        "AML071": "AML071 reports an expired or disabled CMK on the workspace it breaks; AML072 "
        "asks every key to have an expiry and a rotation policy at all"
    },
    status="preview",
)
def key_expiry_rotation(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The ARM metadata of every enabled key (`Microsoft.KeyVault/vaults/keys`): an expiry
    (`properties.attributes.exp`, Unix seconds) that lies after the scan time, and a
    `properties.rotationPolicy.lifetimeActions[*]` entry whose `action.type` is `Rotate` with a
    trigger. Disabled keys are skipped. Only metadata is read: ARM's key list never returns
    key material. Azure Policy 152b15f7 (expiry) and d8cf8476 (rotation) check the same on the
    data plane.

    ## Why it matters
    Keys that never expire or rotate protect the workspace's and storage's data with one key
    for ever: a leaked or compromised key stays useful, and cryptoperiod requirements are
    silently breached. An expired key breaks whatever it encrypts.

    ## How to fix
    ```bash
    az keyvault key rotation-policy update --vault-name <vault> --name <key> \\
      --value '{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P90D"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P1Y"}}'
    ```

    ```bicep
    resource key 'Microsoft.KeyVault/vaults/keys@2024-11-01' = {
      parent: vault
      name: 'cmk'
      properties: {
        kty: 'RSA'
        keySize: 3072
        attributes: { exp: 1830297600 }
        rotationPolicy: {
          attributes: { expiryTime: 'P1Y' }
          lifetimeActions: [ { trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } } ]
        }
      }
    }
    ```
    """
    if res.bool("properties.attributes.enabled") is False:
        return skip("the key is disabled")
    problems: list[Evidence] = []
    said: list[str] = []
    exp = res.get("properties.attributes.exp")
    if exp is None:
        said.append("never expires")
        problems.append(Evidence("properties.attributes.exp", "an expiry date", None))
    elif instant(exp, "properties.attributes.exp") <= now(ctx):
        said.append("has expired")
        problems.append(Evidence("properties.attributes.exp", "a future expiry", exp))
    if not rotates(res):
        said.append("has no automatic rotation")
        problems.append(
            Evidence(
                "properties.rotationPolicy.lifetimeActions",
                [{"action": {"type": "Rotate"}, "trigger": "timeAfterCreate | timeBeforeExpiry"}],
                res.get("properties.rotationPolicy.lifetimeActions"),
            )
        )
    if not problems:
        return passed("the key expires and rotates automatically")
    return failed("the key " + " and ".join(said), *problems)
