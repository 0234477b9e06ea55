from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import PRICINGS, defender_plan_verdict


@rule(
    id="AML186",
    name="defender-cspm-off",
    title="Microsoft Defender CSPM is on for subscriptions holding ML workloads",
    severity="low",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[PRICINGS],
    controls=[
        "MCSB-v1:LT-1",
        "MCSB-v1:PV-2",
        "ASB-v1:2.7",
        "ASB-v1:7.9",
    ],
    azure_policy=[
        "1f90fc71-a595-4066-8974-d4d0802e8ef0",
        "a1181c5f-672a-477a-979a-7d58aa086233",
    ],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/concept-cloud-security-posture-management"
    ],
)
def defender_plan_cspm(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the subscription's `Microsoft.Security/pricings/CloudPosture` has `properties.pricingTier`
    `Standard` (case-insensitive), as policy 1f90fc71 requires. A pricing that is not in
    the snapshot counts as `Free`: Azure returns every plan, so a missing one was never enabled
    (if the snapshot's errors say pricings could not be read, the result is `error`).

    ## Why it matters
    Defender CSPM adds attack-path analysis and AI security posture management: it discovers
    ML and AI workloads and shows which internet-exposed resources can reach their data and
    identities — the graph view this scanner's per-resource findings cannot give.

    ## How to fix
    ```bash
    az security pricing create --name CloudPosture --tier Standard
    ```

    ```bicep
    targetScope = 'subscription'
    resource plan 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'CloudPosture'
      properties: { pricingTier: 'Standard' }
    }
    ```
    """
    return defender_plan_verdict(res, ctx, "CloudPosture")
