from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.checks import PRICINGS, defender_plan_verdict


@rule(
    id="AML185",
    name="defender-for-resource-manager-off",
    title="Microsoft Defender for Resource Manager is on for subscriptions holding ML workloads",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[PRICINGS],
    controls=[
        "MCSB-v1:LT-1",
        "MCSB-v1:IR-3",
        "ASB-v1:2.7",
        "CIS-Azure-2.0.0:2.1.12",
    ],
    azure_policy=[
        "c3d20c29-b36d-48fe-808b-99a87530ad99",
        "a1181c5f-672a-477a-979a-7d58aa086233",
    ],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-resource-manager-introduction"
    ],
)
def defender_plan_resource_manager(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the subscription's `Microsoft.Security/pricings/Arm` has `properties.pricingTier`
    `Standard` (case-insensitive), as policy c3d20c29 requires. A pricing that is not in
    the snapshot counts as `Free`: Azure returns every plan, so a missing one was never enabled
    (if the snapshot's errors say pricings could not be read, the result is `error`).

    ## Why it matters
    Every attack on an ML estate eventually goes through Azure Resource Manager: listing keys,
    granting roles, opening network access. Defender for Resource Manager watches those
    operations for known attack toolkits, suspicious locations and privilege escalation.

    ## How to fix
    ```bash
    az security pricing create --name Arm --tier Standard
    ```

    ```bicep
    targetScope = 'subscription'
    resource plan 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'Arm'
      properties: { pricingTier: 'Standard' }
    }
    ```
    """
    return defender_plan_verdict(res, ctx, "Arm")
