from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import instant, now

PATH = "properties.attributes.exp"


@rule(
    id="AML073",
    name="key-vault-secret-without-expiry",
    title="Key Vault secrets have an expiry date",
    severity="low",
    resource_types=["Microsoft.KeyVault/vaults/secrets"],
    controls=["MCSB-v1:DP-6", "MCSB-v1:IM-8", "ASB-v1:7.11"],
    azure_policy=["98728c90-32c7-4049-8429-847dc0f4fe37"],
    references=["https://learn.microsoft.com/azure/key-vault/secrets/tutorial-rotation"],
    since="0.2.0",
    status="preview",
)
def secret_expiry(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.attributes.exp` (Unix seconds) of every enabled secret's ARM metadata
    (`Microsoft.KeyVault/vaults/secrets`): set and after the scan time. Disabled secrets are
    skipped. Only metadata is read: the ARM secret list never returns a secret's value, and
    amlaudit calls no action that does. Azure Policy 98728c90 checks the same on the data
    plane.

    ## Why it matters
    The workspace vault holds connection passwords, datastore keys and tokens. A secret
    without an expiry is never forced through rotation, so a leaked value stays valid until
    someone notices.

    ## How to fix
    ```bash
    az keyvault secret set-attributes --vault-name <vault> --name <secret> \\
      --expires 2027-06-30T00:00:00Z
    ```

    ```bicep
    resource secret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
      parent: vault
      name: 'sales-db-password'
      properties: { value: salesDbPassword, attributes: { exp: 1814400000 } }
    }
    ```
    """
    if res.bool("properties.attributes.enabled") is False:
        return skip("the secret is disabled")
    exp = res.get(PATH)
    if exp is None:
        return failed("the secret never expires", path=PATH, expected="an expiry date", actual=None)
    moment = instant(exp, PATH)
    if moment <= now(ctx):
        return failed(
            f"the secret expired {moment:%Y-%m-%d}",
            path=PATH,
            expected="a future expiry",
            actual=exp,
        )
    return passed(f"the secret expires {moment:%Y-%m-%d}")
