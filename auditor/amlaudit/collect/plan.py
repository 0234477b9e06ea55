"""What to collect for each resource type, with pinned api-versions; the plan follows the rules.

Every rule declares the types it judges and reads (`RuleSpec.all_types`). :func:`plan_for`
maps each type to a :class:`Recipe` saying how ARM hands it out: listed in a subscription or
resource group, listed under a parent (workspace children), as an extension resource at a
scope (diagnostic settings, assessments), or fetched by the ID another resource references
(the workspace's vault, the Log Analytics workspace a diagnostic setting writes to). A type a
rule declares without a recipe is reported, so a new rule can never silently lack data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid

ML = "2025-12-01"
NETWORK = "2026-03-01"
POLICY = "2026-06-01"
GRAPH_API_VERSION = "2022-10-01"
SUBSCRIPTION_API_VERSION = "2022-12-01"
WORKSPACE = "microsoft.machinelearningservices/workspaces"
SUBSCRIPTION = "microsoft.resources/subscriptions"

Extractor = Callable[[dict[str, Any]], list[str]]


def at(*paths: str) -> Extractor:
    """IDs at dotted paths; `*` walks a list, `~keys` takes an object's keys (identity maps)."""

    def extract(raw: dict[str, Any]) -> list[str]:
        found: list[str] = []
        for path in paths:
            nodes: list[Any] = [raw]
            for part in path.split("."):
                if part == "*":
                    nodes = [i for n in nodes if isinstance(n, list) for i in n]
                elif part == "~keys":
                    nodes = [k for n in nodes if isinstance(n, dict) for k in n]
                else:
                    nodes = [n.get(part) for n in nodes if isinstance(n, dict)]
            found += [n for n in nodes if isinstance(n, str) and n.startswith("/")]
        return found

    return extract


def cmk_key_ids(raw: dict[str, Any]) -> list[str]:
    """The ARM ID of a workspace's customer-managed key, from its vault ID and key URI."""
    props = raw.get("properties")
    encryption = props.get("encryption") if isinstance(props, dict) else None
    kv = encryption.get("keyVaultProperties") if isinstance(encryption, dict) else None
    if not isinstance(kv, dict):
        return []
    vault, uri = kv.get("keyVaultArmId"), kv.get("keyIdentifier")
    if not isinstance(vault, str) or not isinstance(uri, str) or "/keys/" not in uri:
        return []
    name = uri.split("/keys/", 1)[1].split("/", 1)[0]
    return [f"{vault.rstrip('/')}/keys/{name}"] if name else []


@dataclass(frozen=True)
class Reference:
    source: str  # lower-case type of the referring resource
    extract: Extractor


@dataclass(frozen=True)
class Recipe:
    """How one resource type is collected. Several ways may apply to one type."""

    type: str
    api_version: str
    listed: bool = False  # GET {subscription or resource group}/providers/{type}
    subscription_level: bool = False  # listed at the subscription even when --resource-group
    queries: tuple[str, ...] = ("",)  # one list per query (role assignments add atScope())
    child_of: str | None = None  # GET {parent}/{last segment} for each collected parent
    extension_on: tuple[str, ...] = ()  # GET {resource}/providers/{type} on these types
    on_subscription: bool = False  # also GET /subscriptions/{id}/providers/{type}
    on_workspace_groups: bool = False  # also at the resource group of each ML workspace
    referenced_by: tuple[Reference, ...] = field(default=())
    child_path: str | None = None  # when the child collection is not `{parent}/{last segment}`
    optional: bool = False  # a preview API: a 400/404 means "not offered here", not a gap

    @property
    def key(self) -> str:
        return self.type.lower()

    @property
    def segment(self) -> str:
        return self.child_path or self.type.rsplit("/", 1)[1]

    def prerequisites(self) -> set[str]:
        needs = {WORKSPACE}
        if self.child_of:
            needs.add(self.child_of.lower())
        needs.update(r.source for r in self.referenced_by)
        return needs


def _ml(child: str, parent: str = "workspaces") -> Recipe:
    parent_type = f"Microsoft.MachineLearningServices/{parent}"
    return Recipe(f"{parent_type}/{child}", ML, child_of=parent_type)


_WS = WORKSPACE
_DIAGNOSED = (
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/registries",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.KeyVault/vaults",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.Storage/storageAccounts/blobServices",
    "Microsoft.ContainerRegistry/registries",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.Network/networkSecurityGroups",
)
_DIAG = "microsoft.insights/diagnosticsettings"
_COMPUTES = "microsoft.machinelearningservices/workspaces/computes"
_ASSIGNMENTS = "microsoft.authorization/policyassignments"

CATALOG: tuple[Recipe, ...] = (
    Recipe("Microsoft.Resources/subscriptions", SUBSCRIPTION_API_VERSION),
    Recipe(
        "Microsoft.MachineLearningServices/workspaces",
        ML,
        listed=True,
        referenced_by=(Reference(_WS, at("properties.hubResourceId")),),
    ),
    Recipe("Microsoft.MachineLearningServices/registries", ML, listed=True),
    *(
        _ml(child)
        for child in (
            "computes",
            "onlineEndpoints",
            "batchEndpoints",
            "serverlessEndpoints",
            "datastores",
            "connections",
            "outboundRules",
            "privateEndpointConnections",
        )
    ),
    # Preview API only; the same rules also come from the stable `workspaces/outboundRules`.
    Recipe(
        "Microsoft.MachineLearningServices/workspaces/managedNetworks/outboundRules",
        "2026-03-15-preview",
        child_of="Microsoft.MachineLearningServices/workspaces",
        child_path="managedNetworks/default/outboundRules",
        optional=True,
    ),
    _ml("deployments", "workspaces/onlineEndpoints"),
    _ml("deployments", "workspaces/batchEndpoints"),
    Recipe(
        "Microsoft.KeyVault/vaults",
        "2026-05-15",
        listed=True,
        referenced_by=(
            Reference(
                _WS,
                at("properties.keyVault", "properties.encryption.keyVaultProperties.keyVaultArmId"),
            ),
        ),
    ),
    # Key metadata only (ARM's key list never returns key material); one list per vault.
    Recipe("Microsoft.KeyVault/vaults/keys", "2026-05-15", child_of="Microsoft.KeyVault/vaults"),
    Recipe(
        "Microsoft.Storage/storageAccounts",
        "2026-09-01",
        listed=True,
        referenced_by=(Reference(_WS, at("properties.storageAccount")),),
    ),
    Recipe(
        "Microsoft.Storage/storageAccounts/blobServices",
        "2026-09-01",
        child_of="Microsoft.Storage/storageAccounts",
    ),
    Recipe(
        "Microsoft.ContainerRegistry/registries",
        "2025-11-01",
        listed=True,
        referenced_by=(Reference(_WS, at("properties.containerRegistry")),),
    ),
    Recipe(
        "Microsoft.Insights/components",
        "2020-02-02",
        listed=True,
        referenced_by=(Reference(_WS, at("properties.applicationInsights")),),
    ),
    Recipe(
        "Microsoft.OperationalInsights/workspaces",
        "2023-09-01",
        listed=True,
        referenced_by=(
            Reference(_DIAG, at("properties.workspaceId")),
            Reference("microsoft.insights/components", at("properties.WorkspaceResourceId")),
        ),
    ),
    Recipe(
        "Microsoft.ContainerService/managedClusters",
        "2026-08-01",
        listed=True,
        referenced_by=(Reference(_COMPUTES, at("properties.resourceId")),),
    ),
    Recipe(
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "2023-01-31",
        listed=True,
        referenced_by=(
            Reference(
                _WS,
                at(
                    "properties.primaryUserAssignedIdentity",
                    "identity.userAssignedIdentities.~keys",
                ),
            ),
        ),
    ),
    Recipe("Microsoft.Network/virtualNetworks", NETWORK, listed=True),
    Recipe(
        "Microsoft.Network/virtualNetworks/subnets",
        NETWORK,
        child_of="Microsoft.Network/virtualNetworks",
    ),
    Recipe("Microsoft.Network/networkSecurityGroups", NETWORK, listed=True),
    Recipe("Microsoft.Network/privateEndpoints", NETWORK, listed=True),
    Recipe("Microsoft.Network/privateDnsZones", "2024-06-01", listed=True),
    Recipe(
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "2024-06-01",
        child_of="Microsoft.Network/privateDnsZones",
    ),
    Recipe("Microsoft.Network/networkWatchers", NETWORK, listed=True),
    Recipe(
        "Microsoft.Network/networkWatchers/flowLogs",
        NETWORK,
        child_of="Microsoft.Network/networkWatchers",
    ),
    Recipe(
        "Microsoft.Authorization/roleAssignments",
        "2022-04-01",
        listed=True,
        subscription_level=True,
        queries=("", "$filter=atScope()"),
    ),
    Recipe(
        "Microsoft.Authorization/roleDefinitions",
        "2022-04-01",
        listed=True,
        subscription_level=True,
    ),
    Recipe(
        "Microsoft.Authorization/policyAssignments",
        POLICY,
        listed=True,
        subscription_level=True,
    ),
    *(
        Recipe(
            f"Microsoft.Authorization/{kind}",
            POLICY,
            referenced_by=(Reference(_ASSIGNMENTS, at("properties.policyDefinitionId")),),
        )
        for kind in ("policyDefinitions", "policySetDefinitions")
    ),
    Recipe(
        "Microsoft.Insights/diagnosticSettings",
        "2021-05-01-preview",
        extension_on=_DIAGNOSED,
        on_subscription=True,
    ),
    Recipe("Microsoft.Security/pricings", "2024-01-01", listed=True, subscription_level=True),
    Recipe(
        "Microsoft.Security/securityContacts",
        "2020-01-01-preview",
        listed=True,
        subscription_level=True,
    ),
    Recipe(
        "Microsoft.Security/assessments",
        "2021-06-01",
        extension_on=(
            "Microsoft.ContainerRegistry/registries",
            "Microsoft.ContainerService/managedClusters",
        ),
    ),
    Recipe(
        "Microsoft.Security/assessments/subAssessments",
        "2019-01-01-preview",
        child_of="Microsoft.Security/assessments",
    ),
    Recipe(
        "Microsoft.Consumption/budgets",
        "2024-08-01",
        listed=True,
        subscription_level=True,
        on_workspace_groups=True,
    ),
)
RECIPES: dict[str, Recipe] = {recipe.key: recipe for recipe in CATALOG}


def recipe_for(resource_type: str) -> Recipe | None:
    """The catalog recipe; a child of a known type is listed under its parent at the parent's
    api-version (ARM serves a provider's child types at the same versions)."""
    key = resource_type.lower()
    if key in RECIPES:
        return RECIPES[key]
    parent = key.rsplit("/", 1)[0]
    if key.count("/") >= 2 and parent in RECIPES:
        return Recipe(resource_type, RECIPES[parent].api_version, child_of=RECIPES[parent].type)
    return None


@dataclass(frozen=True)
class Plan:
    recipes: dict[str, Recipe]
    missing: tuple[str, ...]  # declared types that no recipe collects

    def wants(self, resource_type: str) -> bool:
        return resource_type.lower() in self.recipes

    @property
    def api_versions(self) -> dict[str, str]:
        return {r.type: r.api_version for r in sorted(self.recipes.values(), key=lambda r: r.key)}


def plan_for(types: Iterable[str]) -> Plan:
    """The recipes for `types` and everything needed to find them (parents, referrers)."""
    recipes: dict[str, Recipe] = {}
    missing: set[str] = set()
    pending = [t.lower() for t in types] + [WORKSPACE]
    while pending:
        key = pending.pop()
        if key in recipes or key in missing:
            continue
        recipe = recipe_for(key)
        if recipe is None:
            missing.add(key)
            continue
        recipes[key] = recipe
        pending.extend(recipe.prerequisites())
    return Plan(recipes, tuple(sorted(missing)))


def full_plan(types: Iterable[str] = ()) -> Plan:
    """Every catalog type plus `types` (what `export` collects: any rule may read it later).

    The subscription resource itself is stored only when a rule reads it."""
    return plan_for([*(r.key for r in CATALOG if r.key != SUBSCRIPTION), *types])


def id_type(resource_id: str) -> str | None:
    found = armid.type_from_id(resource_id)
    return found.lower() if found else None
