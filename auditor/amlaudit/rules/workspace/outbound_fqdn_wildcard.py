from functools import lru_cache

from publicsuffixlist import PublicSuffixList

from amlaudit.api import Context, Option, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import (
    governing_workspace,
    managed_network,
    outbound_rules,
    user_defined,
    via_hub,
)

# Parents of public suffixes (any tenant can publish under them), kept beside the
# Public Suffix List, which lists `blob.core.windows.net` but not `core.windows.net`.
DEFAULT_BROAD_DOMAINS = [
    "amazonaws.com",
    "azure.com",
    "azure.net",
    "cloudapp.net",
    "core.windows.net",
    "googleapis.com",
    "windows.net",
]


@lru_cache(maxsize=1)
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: no network


def _too_broad(destination: str, broad: set[str]) -> bool:
    """`*`, or a wildcard whose base is a TLD, a public suffix or a configured broad domain."""
    host = destination.strip().lower().rstrip(".")
    if host in ("*", "*.*"):
        return True
    if not host.startswith("*"):
        return False
    base = host.lstrip("*").lstrip(".")
    return "." not in base or base in broad or bool(_public_suffixes().is_public(base))


@rule(
    id="AML011",
    name="workspace-outbound-fqdn-rule-wildcard",
    title="Managed network FQDN outbound rules name specific domains, not public suffixes",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces/outboundRules",
        "Microsoft.MachineLearningServices/workspaces/managedNetworks",
    ],
    controls=["MCSB-v1:DP-2", "MCSB-v1:NS-2", "ASB-v1:4.3", "ASB-v1:1.1"],
    options={
        "outbound_broad_domains": Option(
            list,
            DEFAULT_BROAD_DOMAINS,
            "domains whose wildcard (`*.domain`) reaches hosts anyone can create",
        )
    },
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-managed-network"],
)
def workspace_outbound_fqdn_wildcard(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The user-defined `FQDN` outbound rules of a workspace's managed network, embedded in
    `properties.managedNetwork.outboundRules` or recorded as child `outboundRules` resources.
    A rule fails when its `destination` is `*`, or a wildcard over a public suffix from the
    Public Suffix List (`*.com`, `*.co.uk`, `*.blob.core.windows.net`, `*.ngrok.io`...) or over
    a domain in the option `outbound_broad_domains` (`*.core.windows.net`). Wildcards over an
    organisation's own domain (`*.pypi.org`, `*.anaconda.com`) pass. Rules of category
    `Required`, `Recommended` or `Dependency` are Azure's and are not judged. The rule applies
    only in `AllowOnlyApprovedOutbound` mode (AML004 judges the mode); a hub-based project is
    judged by its hub's managed network. No built-in Azure Policy covers outbound rules.

    ## Why it matters
    Approved-outbound mode exists to stop data exfiltration. `*.blob.core.windows.net` lets a
    notebook upload data to any storage account on earth, including an attacker's; `*.com`
    reopens most of the internet.

    ## How to fix
    Replace the wildcard with the exact hosts the workload needs, or use a private endpoint
    rule for Azure resources.

    ```bash
    az ml workspace outbound-rule remove --workspace-name <workspace> --resource-group <rg> \\
      --rule <rule-name>
    az ml workspace outbound-rule set --workspace-name <workspace> --resource-group <rg> \\
      --rule pypi --type fqdn --destination 'pypi.org'
    ```

    ```bicep
    resource rule 'Microsoft.MachineLearningServices/workspaces/outboundRules@2025-12-01' = {
      parent: workspace
      name: 'pypi'
      properties: { type: 'FQDN', category: 'UserDefined', destination: 'pypi.org' }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    network = managed_network(judged, ctx)
    mode = network.isolation_mode
    if not same(mode, "AllowOnlyApprovedOutbound"):
        return skip(prefix + f"isolation mode is {mode or 'not set'}: no approved-outbound rules")
    broad = {d.strip().lower() for d in ctx.option("outbound_broad_domains")}
    fqdn = [
        (name, body)
        for name, body in outbound_rules(network, ctx)
        if same(body.get("type"), "FQDN") and user_defined(body)
    ]
    wide = sorted(
        f"{name}: {body.get('destination')}"
        for name, body in fqdn
        if isinstance(body.get("destination"), str) and _too_broad(body["destination"], broad)
    )
    if wide:
        return failed(
            prefix + f"{len(wide)} FQDN outbound rule(s) allow any host under a public suffix",
            path=network.path("outboundRules[*].destination"),
            expected="specific FQDNs or wildcards over an organisation's own domain",
            actual=wide,
        )
    return passed(prefix + f"{len(fqdn)} user-defined FQDN rule(s), none over a public suffix")
