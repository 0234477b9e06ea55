from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import PRICINGS, defender_plan_verdict


@rule(
    id="AML184",
    name="defender-for-key-vault-off",
    title="Microsoft Defender for Key Vault is on for subscriptions holding ML workloads",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[PRICINGS],
    controls=[
        "MCSB-v1:DP-8",
        "MCSB-v1:LT-1",
        "ASB-v1:2.7",
        "CIS-Azure-2.0.0:2.1.10",
    ],
    azure_policy=[
        "0e6763cc-5078-4e64-889d-ff4d9a839047",
        "a1181c5f-672a-477a-979a-7d58aa086233",
    ],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-key-vault-introduction"
    ],
)
def defender_plan_key_vault(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the subscription's `Microsoft.Security/pricings/KeyVaults` has `properties.pricingTier`
    `Standard` (case-insensitive), as policy 0e6763cc requires. A pricing that is not in
    the snapshot counts as `Free`: Azure returns every plan, so a missing one was never enabled
    (if the snapshot's errors say pricings could not be read, the result is `error`).

    ## Why it matters
    The workspace's vault holds datastore and connection secrets and often its encryption key.
    Defender for Key Vault alerts on unusual secret reads and access from suspicious places —
    the first sign that a workspace credential has been stolen.

    ## How to fix
    ```bash
    az security pricing create --name KeyVaults --tier Standard
    ```

    ```bicep
    targetScope = 'subscription'
    resource plan 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'KeyVaults'
      properties: { pricingTier: 'Standard' }
    }
    ```
    """
    return defender_plan_verdict(res, ctx, "KeyVaults")
