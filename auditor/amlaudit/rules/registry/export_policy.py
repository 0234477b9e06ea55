from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML108",
    name="acr-export-enabled",
    title="Container registries do not allow exporting images",
    severity="low",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    controls=["MCSB-v1:DP-2", "ASB-v1:4.3"],
    azure_policy=["524b0254-c285-4903-bee6-bb8126cde579"],
    references=[
        "https://learn.microsoft.com/azure/container-registry/data-loss-prevention",
    ],
    since="0.2.0",
    overlaps={
        rule: (
            "Azure Policy 524b0254 counts public network access as part of 'exports disabled' "
            f"(export can only be disabled without it); {rule} judges public access itself"
        )
        for rule in ("AML013", "AML102", "AML210")
    },
    status="preview",
)
def acr_export_policy(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    As Azure Policy 524b0254: `properties.policies.exportPolicy.status` must be `disabled` and
    `properties.publicNetworkAccess` `Disabled` (the service only lets export be disabled on
    a registry without public access). Absent export status means enabled (the default).
    Values are compared case-insensitively (GET returns `enabled`/`disabled`).

    ## Why it matters
    With export enabled, anyone holding import rights on another registry can copy images —
    with the models and scoring code baked into ML inference images — out of this one,
    bypassing its network rules. Disabling export is the registry's data-exfiltration
    control.

    ## How to fix
    ```bash
    az acr update --name <registry> --public-network-enabled false \\
      --allow-exports false
    ```

    ```bicep
    resource acr 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
      name: 'crcontosoml'
      location: location
      sku: { name: 'Premium' }
      properties: { publicNetworkAccess: 'Disabled', policies: { exportPolicy: { status: 'disabled' } } }
    }
    ```
    """
    export = res.str("properties.policies.exportPolicy.status")
    access = res.str("properties.publicNetworkAccess")
    problems = []
    if not same(export, "disabled"):
        problems.append(Evidence("properties.policies.exportPolicy.status", "disabled", export))
    if not same(access, "Disabled"):
        problems.append(Evidence("properties.publicNetworkAccess", "Disabled", access))
    if not problems:
        return passed("image export is disabled")
    return failed(
        "image export is "
        + ("enabled" if not same(export, "disabled") else "not enforceable")
        + ("" if same(access, "Disabled") else " (public network access is not disabled)"),
        *problems,
    )
