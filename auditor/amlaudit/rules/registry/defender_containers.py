from amlaudit.api import Context, Evidence, Resource, Verdict, failed, item_get, passed, rule, same

PRICINGS = "Microsoft.Security/pricings"
SCANNING_EXTENSION = "ContainerRegistriesVulnerabilityAssessments"


@rule(
    id="AML105",
    name="registry-defender-for-containers-off",
    title="Defender for Containers scans the registry's images",
    severity="medium",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    reads=[PRICINGS],
    controls=["MCSB-v1:LT-1", "MCSB-v1:PV-5", "ASB-v1:2.7", "ASB-v1:5.1", "CIS-Azure-2.0.0:2.1.8"],
    azure_policy=["1c988dd6-ade4-430f-a608-2a3e5b0a6d38"],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction",
        "https://learn.microsoft.com/azure/defender-for-cloud/agentless-vulnerability-assessment-azure",
    ],
)
def registry_defender_for_containers(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the registry's subscription has the Defender for Cloud plan
    `Microsoft.Security/pricings/Containers` with `properties.pricingTier` `Standard`, as
    Azure Policy 1c988dd6 requires, and that the plan's registry scanning extension
    (`ContainerRegistriesVulnerabilityAssessments` in `properties.extensions[*]`) is not
    switched off (`isEnabled` false). Pricings that list no extensions (older API versions)
    pass on the tier alone. A subscription with no `Containers` pricing recorded is on the
    Free tier and fails, unless the snapshot's errors say pricings could not be read.

    ## Why it matters
    Defender for Containers is what scans pushed and pulled images for known vulnerabilities
    and raises alerts on the clusters that run them. Without it, a vulnerable base image in an
    ML environment goes unnoticed until it is exploited.

    ## How to fix
    ```bash
    az security pricing create --name Containers --tier Standard
    ```

    ```bicep
    targetScope = 'subscription'
    resource containers 'Microsoft.Security/pricings@2024-01-01' = {
      name: 'Containers'
      properties: {
        pricingTier: 'Standard'
        extensions: [ { name: 'ContainerRegistriesVulnerabilityAssessments', isEnabled: 'True' } ]
      }
    }
    ```
    """
    subscription = res.id.split("/")[2]
    scope = f"/subscriptions/{subscription}"
    plan = next((p for p in ctx.extensions(scope, PRICINGS) if same(p.name, "Containers")), None)
    path = f"{PRICINGS}/Containers.properties.pricingTier"
    if plan is None:
        return failed(
            f"subscription {subscription} records no Defender 'Containers' pricing: the plan "
            "is off (Free) and images are not scanned",
            path=path,
            expected="Standard",
            actual=None,
        )
    tier = plan.str("properties.pricingTier")
    if not same(tier, "Standard"):
        return failed(
            f"Defender for Containers is '{tier}' in subscription {subscription}",
            path=path,
            expected="Standard",
            actual=tier,
        )
    for extension in plan.list("properties.extensions"):
        if same(item_get(extension, "name"), SCANNING_EXTENSION):
            enabled = item_get(extension, "isEnabled")
            if str(enabled).strip().lower() == "false":
                return failed(
                    "Defender for Containers is on but its registry scanning extension is off",
                    Evidence(f"{PRICINGS}/Containers.properties.extensions", "True", enabled),
                )
    return passed(f"Defender for Containers is on (Standard) in subscription {subscription}")
