from amlaudit.api import Context, DataError, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML026",
    name="compute-instance-os-image-outdated",
    title="Azure ML compute instances run the latest OS image",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:PV-6", "MCSB-v1:PV-2", "ASB-v1:5.2"],
    azure_policy=["f110a506-2dcb-422e-bcea-d533fc8c35e2"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/concept-vulnerability-management"
    ],
)
def compute_instance_os_image(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.osImageMetadata.isLatestOsImageVersion` on a `ComputeInstance`:
    `false` (boolean or the string `"false"`) fails, as in Azure Policy f110a506; `true`
    passes. The policy treats a missing value as compliant; this rule reports it as an error
    instead, because the field is read-only service data and its absence means the image
    state is unknown, not current. Other compute types (clusters update when they scale to
    zero, see AML029) and attached computes are skipped.

    ## Why it matters
    Compute instances get OS and framework patches only when they are recreated; an old image
    keeps known vulnerabilities for as long as the instance lives.

    ## How to fix
    Recreate the instance (or delete it and create a new one); a schedule or a setup script
    can restore the user's environment.

    ```bash
    az ml compute delete --name <instance> --resource-group <rg> --workspace-name <workspace> --yes
    az ml compute create --name <instance> --resource-group <rg> --workspace-name <workspace> \\
      --type ComputeInstance --size Standard_DS3_v2
    ```

    ```bicep
    resource ci 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'ci-alice-2'
      location: location
      properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2' } }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance")
    if reason:
        return skip(reason)
    latest = res.bool("properties.properties.osImageMetadata.isLatestOsImageVersion")
    current = res.get("properties.properties.osImageMetadata.currentImageVersion")
    newest = res.get("properties.properties.osImageMetadata.latestImageVersion")
    if latest is None:
        raise DataError("osImageMetadata.isLatestOsImageVersion is absent: image state unknown")
    if latest:
        return passed("runs the latest OS image" + (f" ({current})" if current else ""))
    return failed(
        f"runs OS image {current or '?'} while {newest or 'a newer one'} is available",
        path="properties.properties.osImageMetadata.isLatestOsImageVersion",
        expected=True,
        actual=False,
    )
