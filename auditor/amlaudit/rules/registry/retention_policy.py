from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip


@rule(
    id="AML104",
    name="registry-retention-policy-disabled",
    title="Premium container registries purge untagged manifests with a retention policy",
    severity="low",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    labels=["cost"],
    references=[
        "https://learn.microsoft.com/azure/container-registry/container-registry-retention-policy",
    ],
    overlaps={
        "AML103": "AML104 applies to Premium registries, the tier AML103 requires (sku.name)",
    },
)
def registry_retention_policy(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    On Premium registries, that `properties.policies.retentionPolicy.status` is `enabled`
    (case-insensitive); absent counts as disabled, the service default. Basic and Standard
    registries are skipped: the retention policy is a Premium feature. No Azure Policy
    built-in covers it.

    ## Why it matters
    Every Azure ML environment build pushes a new image and leaves the previous manifest
    untagged. Without a retention policy these pile up: storage cost grows without bound and
    old images with known vulnerabilities stay pullable by digest.

    ## How to fix
    ```bash
    az acr config retention update --registry <registry> --status enabled --days 30 \\
      --type UntaggedManifests
    ```

    ```bicep
    resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
      name: name
      location: location
      sku: { name: 'Premium' }
      properties: {
        policies: {
          retentionPolicy: { status: 'enabled', days: 30 }
        }
      }
    }
    ```
    """
    sku = res.str("sku.name")
    if not same(sku, "Premium"):
        return skip(f"the registry SKU is {sku or 'not recorded'}: retention needs Premium")
    status = res.str("properties.policies.retentionPolicy.status")
    if same(status, "enabled"):
        days = res.int("properties.policies.retentionPolicy.days")
        return passed(f"untagged manifests are purged after {days} day(s)")
    return failed(
        "the retention policy is "
        + (f"'{status}'" if status else "not set (disabled)")
        + ": untagged manifests are kept forever",
        path="properties.policies.retentionPolicy.status",
        expected="enabled",
        actual=status,
    )
