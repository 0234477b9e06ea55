from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import PRICINGS, defender_plan_verdict


@rule(
    id="AML187",
    name="defender-for-ai-services-off",
    title="Microsoft Defender for AI services is on for subscriptions holding ML workloads",
    severity="low",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[PRICINGS],
    controls=[
        "MCSB-v1:LT-1",
        "ASB-v1:2.7",
    ],
    azure_policy=[
        "c2c0c6d8-007b-4a48-8d9b-3539bddd8e87",
        "a1181c5f-672a-477a-979a-7d58aa086233",
    ],
    references=["https://learn.microsoft.com/azure/defender-for-cloud/ai-threat-protection"],
)
def defender_plan_ai(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the subscription's `Microsoft.Security/pricings/AI` has `properties.pricingTier`
    `Standard` (case-insensitive), as policy c2c0c6d8 requires. A pricing that is not in
    the snapshot counts as `Free`: Azure returns every plan, so a missing one was never enabled
    (if the snapshot's errors say pricings could not be read, the result is `error`).

    ## Why it matters
    Defender for AI services raises alerts on prompt injection, jailbreaks, credential theft and
    data leakage against the Azure OpenAI and AI services deployments ML teams build on. It is
    in neither MCSB initiative yet, hence the low severity.

    ## How to fix
    ```bash
    az security pricing create --name AI --tier Standard
    ```

    ```bicep
    targetScope = 'subscription'
    resource plan 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'AI'
      properties: { pricingTier: 'Standard' }
    }
    ```
    """
    return defender_plan_verdict(res, ctx, "AI")
