from amlaudit.api import (
    Context,
    Option,
    Resource,
    Verdict,
    failed,
    item_get,
    passed,
    rule,
    same,
    skip,
)
from amlaudit.checks import (
    governing_workspace,
    managed_network,
    outbound_rules,
    user_defined,
    via_hub,
)

DEFAULT_BROAD_TAGS = ["*", "Internet", "AzureCloud", "Storage", "Sql", "EventHub", "ServiceBus"]
_ANY_PREFIXES = ("*", "0.0.0.0/0", "::/0", "internet", "any")
_ALL_PORTS = ("*", "0-65535", "1-65535")


def _problems(body: dict[str, object], broad: set[str]) -> list[str]:
    """What makes one ServiceTag rule too open: its destination or its ports."""
    if not same(item_get(body, "destination.action") or "Allow", "Allow"):
        return []
    found = []
    tag = item_get(body, "destination.serviceTag")
    prefixes = item_get(body, "destination.addressPrefixes") or []
    if isinstance(prefixes, list) and prefixes:  # prefixes, when given, replace the tag
        found += [f"prefix {p}" for p in prefixes if str(p).strip().lower() in _ANY_PREFIXES]
    elif isinstance(tag, str) and tag.strip().lower().split(".", 1)[0] in broad:
        found.append(f"service tag {tag}")
    ports = item_get(body, "destination.portRanges")
    if ports is None or any(p.strip() in _ALL_PORTS for p in str(ports).split(",")):
        found.append(f"ports {ports or 'all (not set)'}")
    return found


@rule(
    id="AML012",
    name="workspace-outbound-service-tag-rule-broad",
    title="Managed network service tag outbound rules allow narrow destinations and ports",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces/outboundRules",
        "Microsoft.MachineLearningServices/workspaces/managedNetworks",
    ],
    controls=["MCSB-v1:DP-2", "MCSB-v1:NS-2", "ASB-v1:4.3", "ASB-v1:1.1"],
    options={
        "outbound_broad_service_tags": Option(
            list,
            DEFAULT_BROAD_TAGS,
            "service tags (regional variants included) that reach resources of any tenant",
        )
    },
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-managed-network"],
)
def workspace_outbound_service_tag_broad(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The user-defined `ServiceTag` outbound rules of a workspace's managed network (embedded in
    `properties.managedNetwork.outboundRules` or child `outboundRules` resources) whose
    `destination.action` is `Allow` (or not set). A rule fails when its destination is a broad
    service tag from the option `outbound_broad_service_tags` (`*`, `Internet`, `AzureCloud`,
    `Storage`... and their regional forms such as `Storage.westeurope`), when
    `destination.addressPrefixes` (which replaces the tag) holds `*` or `0.0.0.0/0`, or when
    `destination.portRanges` is `*`, `0-65535` or not set. Azure's own rules (`Required`,
    `Recommended`, `Dependency`) are not judged; only `AllowOnlyApprovedOutbound` workspaces
    are, and a hub-based project is judged by its hub. No built-in Azure Policy covers it.

    ## Why it matters
    A service tag rule to `Storage` or `AzureCloud` reaches every storage account or Azure
    service of every tenant: data can leave to an attacker's subscription while the workspace
    looks isolated. All-port rules add protocols nobody reviewed.

    ## How to fix
    Use private endpoint rules for your own Azure resources; keep service tag rules for
    Microsoft-operated services, on the ports they need.

    ```bash
    az ml workspace outbound-rule set --workspace-name <workspace> --resource-group <rg> \\
      --rule data-lake --type private_endpoint --service-resource-id <storage-id> \\
      --subresource-target dfs
    ```

    ```bicep
    resource rule 'Microsoft.MachineLearningServices/workspaces/outboundRules@2025-12-01' = {
      parent: workspace
      name: 'monitor'
      properties: {
        type: 'ServiceTag'
        category: 'UserDefined'
        destination: { serviceTag: 'AzureMonitor', protocol: 'TCP', portRanges: '443', action: 'Allow' }
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    network = managed_network(judged, ctx)
    mode = network.isolation_mode
    if not same(mode, "AllowOnlyApprovedOutbound"):
        return skip(prefix + f"isolation mode is {mode or 'not set'}: no approved-outbound rules")
    broad = {t.strip().lower() for t in ctx.option("outbound_broad_service_tags")}
    tagged = [
        (name, body)
        for name, body in outbound_rules(network, ctx)
        if same(body.get("type"), "ServiceTag") and user_defined(body)
    ]
    wide = sorted(
        f"{name}: {', '.join(problems)}"
        for name, body in tagged
        if (problems := _problems(body, broad))
    )
    if wide:
        return failed(
            prefix + f"{len(wide)} service tag outbound rule(s) are open too wide",
            path=network.path("outboundRules[*].destination"),
            expected="a Microsoft service tag and specific ports",
            actual=wide,
        )
    return passed(prefix + f"{len(tagged)} user-defined service tag rule(s), all narrow")
