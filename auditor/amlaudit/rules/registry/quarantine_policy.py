from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip

PATH = "properties.policies.quarantinePolicy.status"


@rule(
    id="AML109",
    name="acr-quarantine-disabled",
    title="Container registries quarantine pushed images until they are scanned",
    severity="low",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    controls=["MCSB-v1:PV-5", "ASB-v1:5.1"],
    references=[
        "https://learn.microsoft.com/azure/container-registry/container-registry-check-health",
        "https://github.com/Azure/acr/tree/main/docs/preview/quarantine",
    ],
    since="0.2.0",
    overlaps={
        "AML103": "AML109 applies to Premium registries, the tier AML103 requires (sku.name)",
        "AML104": "AML109 and AML104 both apply to Premium registries only (sku.name)",
    },
    status="preview",
)
def acr_quarantine_policy(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.policies.quarantinePolicy.status` must be `enabled` (any case); absent or
    `disabled` fails. Quarantine is a Premium-registry feature that is still in preview:
    registries of other SKUs are skipped.
    Content trust (`trustPolicy`) is deliberately not checked: Docker Content Trust is being
    retired in favour of Notary Project signatures, which ARM does not show.

    ## Why it matters
    With quarantine on, a pushed image cannot be pulled until a scanner marks it as passed:
    an inference image with a known-vulnerable base or a poisoned dependency never reaches
    a deployment unscanned.

    ## How to fix
    ```bash
    az resource update --ids <registry-id> \\
      --set properties.policies.quarantinePolicy.status=enabled
    ```

    ```bicep
    resource acr 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
      name: 'crcontosoml'
      location: location
      sku: { name: 'Premium' }
      properties: { policies: { quarantinePolicy: { status: 'enabled' } } }
    }
    ```
    """
    sku = res.str("sku.name")
    if not same(sku, "Premium"):
        return skip(f"the registry SKU is {sku or 'not recorded'}: quarantine needs Premium")
    status = res.str(PATH)
    if same(status, "enabled"):
        return passed("pushed images are quarantined until scanned")
    return failed(
        "pushed images are pullable before any scan (quarantine " + (status or "not set") + ")",
        path=PATH,
        expected="enabled",
        actual=status,
    )
