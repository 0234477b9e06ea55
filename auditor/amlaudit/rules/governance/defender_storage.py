from amlaudit.api import Context, Evidence, Resource, Verdict, failed, item_get, passed, rule, same
from amlaudit.checks import PRICINGS, defender_plan_verdict, defender_pricing

EXTENSIONS = ("OnUploadMalwareScanning", "SensitiveDataDiscovery")


@rule(
    id="AML183",
    name="defender-for-storage-off",
    title="Microsoft Defender for Storage is on, with malware scanning and sensitive data discovery",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[PRICINGS],
    controls=[
        "MCSB-v1:DP-2",
        "MCSB-v1:LT-1",
        "ASB-v1:2.7",
        "ASB-v1:4.3",
        "CIS-Azure-2.0.0:2.1.7",
    ],
    azure_policy=[
        "640d2586-54d2-465f-877f-9ffc1d2109f4",
        "a1181c5f-672a-477a-979a-7d58aa086233",
    ],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-storage-introduction"
    ],
)
def defender_plan_storage(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the subscription's `Microsoft.Security/pricings/StorageAccounts` has `properties.pricingTier`
    `Standard` (case-insensitive) and, as policy 640d2586 requires, `properties.subPlan`
    `DefenderForStorageV2` with the `OnUploadMalwareScanning` and `SensitiveDataDiscovery`
    extensions enabled (`isEnabled` `True`; the classic per-transaction plan has neither).
    A pricing that is not in
    the snapshot counts as `Free`: Azure returns every plan, so a missing one was never enabled
    (if the snapshot's errors say pricings could not be read, the result is `error`).

    ## Why it matters
    Training data, models and the workspace's artefacts live in storage accounts. Defender for
    Storage alerts on unusual access and exfiltration, scans uploads for malware and finds
    sensitive data — the signals that tell you a datastore is being abused.

    ## How to fix
    ```bash
    az security pricing create --name StorageAccounts --tier Standard \\
      --subplan DefenderForStorageV2 \\
      --extensions name=OnUploadMalwareScanning isEnabled=True \\
      --extensions name=SensitiveDataDiscovery isEnabled=True
    ```

    ```bicep
    targetScope = 'subscription'
    resource plan 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'StorageAccounts'
      properties: {
        pricingTier: 'Standard'
        subPlan: 'DefenderForStorageV2'
        extensions: [
          { name: 'OnUploadMalwareScanning', isEnabled: 'True' }
          { name: 'SensitiveDataDiscovery', isEnabled: 'True' }
        ]
      }
    }
    ```
    """
    verdict = defender_plan_verdict(res, ctx, "StorageAccounts")
    pricing = defender_pricing(res, ctx, "StorageAccounts")
    if verdict.status != "pass" or pricing is None:
        return verdict
    sub_plan = pricing.str("properties.subPlan")
    enabled = sorted(
        str(item_get(e, "name"))
        for e in pricing.list("properties.extensions")
        if str(item_get(e, "isEnabled")).lower() == "true"
    )
    missing = [e for e in EXTENSIONS if e not in enabled]
    if same(sub_plan, "DefenderForStorageV2") and not missing:
        return passed(
            "Defender for Storage (DefenderForStorageV2) is on with malware scanning "
            "and sensitive data discovery"
        )
    return failed(
        f"Defender for Storage is on, but as sub-plan '{sub_plan}'"
        + (f" without {', '.join(missing)}" if missing else ""),
        Evidence(
            f"{PRICINGS}/StorageAccounts.properties.subPlan", "DefenderForStorageV2", sub_plan
        ),
        Evidence(f"{PRICINGS}/StorageAccounts.properties.extensions", list(EXTENSIONS), enabled),
    )
