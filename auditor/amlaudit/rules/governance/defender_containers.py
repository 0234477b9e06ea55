from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import PRICINGS, defender_plan_verdict


@rule(
    id="AML182",
    name="defender-for-containers-off",
    title="Microsoft Defender for Containers is on for subscriptions holding ML workloads",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[PRICINGS],
    controls=[
        "MCSB-v1:LT-1",
        "MCSB-v1:IR-3",
        "ASB-v1:2.7",
        "CIS-Azure-2.0.0:2.1.8",
    ],
    azure_policy=[
        "1c988dd6-ade4-430f-a608-2a3e5b0a6d38",
        "a1181c5f-672a-477a-979a-7d58aa086233",
    ],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction"
    ],
    overlaps={
        "AML105": (
            "the same Defender for Containers plan, reported where each reader acts: AML105 on "
            "the registry whose images go unscanned, AML182 on the subscription"
        ),
    },
)
def defender_plan_containers(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the subscription's `Microsoft.Security/pricings/Containers` has `properties.pricingTier`
    `Standard` (case-insensitive), as policy 1c988dd6 requires. A pricing that is not in
    the snapshot counts as `Free`: Azure returns every plan, so a missing one was never enabled
    (if the snapshot's errors say pricings could not be read, the result is `error`).

    ## Why it matters
    The container registry holds every image your ML environments and endpoints run, and
    attached AKS clusters serve models. Defender for Containers scans those images for
    vulnerabilities and raises runtime alerts on the clusters; the ML baseline names it as the
    way to get threat detection for ML workloads (LT-1), since Defender cannot watch managed
    compute instances or clusters directly.

    ## How to fix
    ```bash
    az security pricing create --name Containers --tier Standard
    ```

    ```bicep
    targetScope = 'subscription'
    resource plan 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'Containers'
      properties: { pricingTier: 'Standard' }
    }
    ```
    """
    return defender_plan_verdict(res, ctx, "Containers")
