"""The one definition of which resources are Azure ML dependencies, built once per snapshot.

A resource is in a workspace's dependency scope when the workspace uses it: directly (its
storage, vault, registry for images, App Insights, CMK vault, primary identity, hub), through
its hub (a project inherits everything its hub uses), through a datastore or a connection, as
an attached AKS cluster, or as the Log Analytics workspace behind its App Insights or its
diagnostic settings. A workspace with `hubResourceId` is a project whatever its `kind`
(`Project`; `Lean` in older API versions). Hubs recorded at 2023-04-01-preview keep their
storage and vaults in `storageAccounts[]` / `keyVaults[]` beside `storageAccount: null`.

Rules of the dependency families judge only resources in this scope under
`--dependency-scope used` (the default), and subscription-scope rules only the subscriptions
holding ML resources or dependencies; `index.referrers`, `workspaces_affected` and the
identity and drift capabilities read the same scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from amlaudit import armid
from amlaudit.resource import DataError, Resource
from amlaudit.snapshot import SUBSCRIPTION_TYPE

if TYPE_CHECKING:
    from amlaudit.index import SnapshotIndex

WORKSPACE_TYPE = "microsoft.machinelearningservices/workspaces"
ML_PROVIDER = "microsoft.machinelearningservices/"
STORAGE_TYPE = "microsoft.storage/storageaccounts"
VAULT_TYPE = "microsoft.keyvault/vaults"
REGISTRY_TYPE = "microsoft.containerregistry/registries"
APP_INSIGHTS_TYPE = "microsoft.insights/components"
LOG_ANALYTICS_TYPE = "microsoft.operationalinsights/workspaces"
AKS_TYPE = "microsoft.containerservice/managedclusters"
DIAGNOSTIC_SETTINGS_TYPE = "microsoft.insights/diagnosticsettings"

# The dependency families: resources of these types are judged only when in scope (`used`).
SCOPED_TYPES = frozenset(
    {STORAGE_TYPE, VAULT_TYPE, REGISTRY_TYPE, APP_INSIGHTS_TYPE, LOG_ANALYTICS_TYPE, AKS_TYPE}
)


# What the scope is built from: live collection fetches these whenever the scope is `used`.
SOURCE_TYPES = (
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/workspaces/datastores",
    "Microsoft.MachineLearningServices/workspaces/connections",
    "Microsoft.MachineLearningServices/workspaces/computes",
    "Microsoft.Insights/components",
)


def scoped_type(resource_type: str) -> bool:
    """True for the types the scope can rule out: the dependency families, subscriptions."""
    wanted = resource_type.lower()
    return wanted in SCOPED_TYPES or wanted == SUBSCRIPTION_TYPE.lower()


class ScopeMode(StrEnum):
    """`--dependency-scope`: judge only the resources ML uses, or every resource given."""

    USED = "used"
    ALL = "all"


class Usage(StrEnum):
    """How a workspace uses a resource."""

    STORAGE = "storage account"
    KEY_VAULT = "key vault"
    CONTAINER_REGISTRY = "container registry (image build)"
    APP_INSIGHTS = "application insights"
    CMK_VAULT = "customer-managed key vault"
    PRIMARY_IDENTITY = "primary user-assigned identity"
    HUB = "hub"
    DATASTORE = "datastore target"
    CONNECTION = "connection target"
    ATTACHED_AKS = "attached AKS cluster"
    LOG_ANALYTICS = "log analytics workspace of its application insights"
    DIAGNOSTIC_DESTINATION = "diagnostic-settings destination"


# Workspace properties naming one resource, then those naming several (hub shapes).
WORKSPACE_REFERENCES: tuple[tuple[str, Usage], ...] = (
    ("storageAccount", Usage.STORAGE),
    ("keyVault", Usage.KEY_VAULT),
    ("containerRegistry", Usage.CONTAINER_REGISTRY),
    ("applicationInsights", Usage.APP_INSIGHTS),
    ("encryption.keyVaultProperties.keyVaultArmId", Usage.CMK_VAULT),
    ("hubResourceId", Usage.HUB),
    ("primaryUserAssignedIdentity", Usage.PRIMARY_IDENTITY),
)
WORKSPACE_LIST_REFERENCES: tuple[tuple[str, Usage], ...] = (
    ("storageAccounts", Usage.STORAGE),
    ("keyVaults", Usage.KEY_VAULT),
    ("containerRegistries", Usage.CONTAINER_REGISTRY),
)
ATTACHED_CLUSTER_COMPUTES = ("aks", "kubernetes")

# Every setting the scope is built from, as (type, dotted path): a rule asking who uses a
# resource depends on these too (read tracing records them; `amlaudit diff` marks a change
# to one security-relevant).
SCOPE_READS: tuple[tuple[str, str], ...] = (
    *((WORKSPACE_TYPE, f"properties.{path}") for path, _ in WORKSPACE_REFERENCES),
    *((WORKSPACE_TYPE, f"properties.{name}") for name, _ in WORKSPACE_LIST_REFERENCES),
    (f"{WORKSPACE_TYPE}/datastores", "properties.accountName"),
    (f"{WORKSPACE_TYPE}/datastores", "properties.subscriptionId"),
    (f"{WORKSPACE_TYPE}/datastores", "properties.resourceGroup"),
    (f"{WORKSPACE_TYPE}/connections", "properties.metadata.ResourceId"),
    (f"{WORKSPACE_TYPE}/connections", "properties.target"),
    (f"{WORKSPACE_TYPE}/computes", "properties.computeType"),
    (f"{WORKSPACE_TYPE}/computes", "properties.resourceId"),
    (APP_INSIGHTS_TYPE, "properties.WorkspaceResourceId"),
    (DIAGNOSTIC_SETTINGS_TYPE, "properties.workspaceId"),
    (DIAGNOSTIC_SETTINGS_TYPE, "properties.storageAccountId"),
)
# Connection targets given as URLs: the host suffix names the resource type.
URL_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".blob.core.windows.net", STORAGE_TYPE),
    (".dfs.core.windows.net", STORAGE_TYPE),
    (".file.core.windows.net", STORAGE_TYPE),
    (".vault.azure.net", VAULT_TYPE),
    (".azurecr.io", REGISTRY_TYPE),
)


@dataclass(frozen=True, slots=True)
class Dependency:
    """One use of a resource by a workspace; `via` is the hub's ID when inherited."""

    resource_id: str
    usage: Usage
    workspace_id: str
    via: str | None = None
    detail: str | None = None  # the datastore, connection or compute that makes the use


def is_project(workspace: Resource) -> bool:
    """A hub-based project: it names a hub (`kind` may say `Project`, or `Lean` in older API
    versions), or says `Project` without naming one (malformed, judged as a project)."""
    if hub_id_of(workspace) is not None:
        return True
    kind = _text(workspace, "kind")
    return kind is not None and kind.lower() == "project"


def hub_id_of(workspace: Resource) -> str | None:
    """The hub a workspace names in `properties.hubResourceId`, if any."""
    return _text(workspace, "properties.hubResourceId")


class DependencyScope:
    """Built once per index (`SnapshotIndex.dependency_scope`); every lookup is a dict hit."""

    def __init__(self, index: SnapshotIndex) -> None:
        self._index = index
        own: dict[str, list[Dependency]] = defaultdict(list)
        for workspace in index.workspaces():
            own[workspace.key].extend(_direct(workspace))
        for datastore in index.of_type(f"{WORKSPACE_TYPE}/datastores"):
            _add_child(own, datastore, self._datastore_targets(datastore), Usage.DATASTORE)
        for connection in index.of_type(f"{WORKSPACE_TYPE}/connections"):
            _add_child(own, connection, self._connection_targets(connection), Usage.CONNECTION)
        for compute in index.of_type(f"{WORKSPACE_TYPE}/computes"):
            _add_child(own, compute, _attached_cluster(compute), Usage.ATTACHED_AKS)
        self._add_log_analytics(own)
        self._by_workspace: dict[str, tuple[Dependency, ...]] = {}
        self._by_resource: dict[str, list[Dependency]] = defaultdict(list)
        for workspace in index.workspaces():
            uses = list(own.get(workspace.key, ()))
            hub = hub_id_of(workspace)
            if hub is not None and is_project(workspace):
                uses += [
                    Dependency(d.resource_id, d.usage, workspace.id, hub, d.detail)
                    for d in own.get(armid.key(hub), ())
                    if d.usage is not Usage.HUB
                ]
            self._by_workspace[workspace.key] = tuple(uses)
            for dep in uses:
                self._by_resource[armid.key(dep.resource_id)].append(dep)
        self._dependents: dict[str, list[Resource]] = {}
        self._of_type: dict[str, list[Resource]] = {}
        self.ml_subscriptions: frozenset[str] = self._subscriptions()

    # -- the questions ---------------------------------------------------------------------------

    def dependencies_of(self, workspace: Resource | str) -> tuple[Dependency, ...]:
        """Everything a workspace uses (present in the input or not), with how it uses it."""
        key = workspace.key if isinstance(workspace, Resource) else armid.key(workspace)
        return self._by_workspace.get(key, ())

    def uses_of(self, resource: Resource | str) -> list[Dependency]:
        """Every use of a resource by a workspace (a project's inherited uses included)."""
        key = resource.key if isinstance(resource, Resource) else armid.key(resource)
        return self._by_resource.get(key, [])

    def dependents(
        self, resource: Resource | str, usages: Iterable[Usage] = (), inherited: bool = True
    ) -> list[Resource]:
        """The ML workspaces that use a resource, sorted by ID; only through `usages` when given,
        and without uses inherited from a hub when `inherited` is false."""
        key = resource.key if isinstance(resource, Resource) else armid.key(resource)
        wanted = frozenset(usages)
        if not wanted and inherited:
            found = self._dependents.get(key)
            if found is None:
                found = self._dependents[key] = self._users(key, wanted, inherited)
            return found
        return self._users(key, wanted, inherited)

    def _users(self, key: str, usages: frozenset[Usage], inherited: bool) -> list[Resource]:
        users = {
            armid.key(d.workspace_id)
            for d in self._by_resource.get(key, ())
            if (not usages or d.usage in usages) and (inherited or d.via is None)
        }
        found = [w for w in (self._index.by_key.get(u) for u in users) if w is not None]
        return sorted(found, key=lambda w: w.key)

    def in_scope(self, resource: Resource) -> bool:
        """True unless the resource is of a dependency family (or a subscription) that no ML
        workspace uses (holds)."""
        if resource.type_key == SUBSCRIPTION_TYPE.lower():
            return (armid.subscription_id(resource.id) or "").lower() in self.ml_subscriptions
        if resource.type_key not in SCOPED_TYPES:
            return True
        return resource.key in self._by_resource

    def in_scope_of_type(self, resource_type: str) -> list[Resource]:
        """The resources of a type that are in scope, in the index's order (cached)."""
        wanted = resource_type.lower()
        found = self._of_type.get(wanted)
        if found is None:
            found = [r for r in self._index.of_type(wanted) if self.in_scope(r)]
            self._of_type[wanted] = found
        return found

    # -- building --------------------------------------------------------------------------------

    def _subscriptions(self) -> frozenset[str]:
        """Subscriptions holding an ML resource or a resource some workspace uses."""
        found = set()
        for resource in self._index.by_key.values():
            if resource.type_key.startswith(ML_PROVIDER):
                found.add(armid.subscription_id(resource.id))
        found.update(armid.subscription_id(key) for key in self._by_resource)
        return frozenset(s.lower() for s in found if s)

    def _named(self, resource_type: str, name: str) -> list[Resource]:
        return self._index.with_value(resource_type, "name", name)

    def _datastore_targets(self, datastore: Resource) -> list[str]:
        """Storage accounts named by `properties.accountName`, narrowed by the datastore's
        `subscriptionId` / `resourceGroup` when it records them."""
        account = _text(datastore, "properties.accountName")
        if account is None:
            return []
        sub = (_text(datastore, "properties.subscriptionId") or "").lower()
        group = (_text(datastore, "properties.resourceGroup") or "").lower()
        return [
            s.id
            for s in self._named(STORAGE_TYPE, account)
            if (not sub or armid.subscription_id(s.id) == sub)
            and (not group or (armid.resource_group(s.id) or "").lower() == group)
        ]

    def _connection_targets(self, connection: Resource) -> list[str]:
        """A connection's resource: `metadata.ResourceId`, an ARM ID `target`, or a target URL
        whose host names a storage account, vault or registry in the input."""
        found = []
        resource_id = _text(connection, "properties.metadata.ResourceId")
        if resource_id is not None and resource_id.startswith("/"):
            found.append(resource_id)
        target = _text(connection, "properties.target")
        if target is not None and target.startswith("/subscriptions/"):
            found.append(target)
        elif target is not None:
            host = (urlsplit(target if "//" in target else f"//{target}").hostname or "").lower()
            for suffix, resource_type in URL_SUFFIXES:
                if host.endswith(suffix):
                    found += [r.id for r in self._named(resource_type, host[: -len(suffix)])]
        return found

    def _add_log_analytics(self, own: dict[str, list[Dependency]]) -> None:
        """The Log Analytics workspace of each App Insights a workspace uses, and the
        destinations of the workspace's own diagnostic settings."""
        for uses in list(own.values()):
            for dep in list(uses):
                if dep.usage is not Usage.APP_INSIGHTS:
                    continue
                component = self._index.get(dep.resource_id)
                if component is None:
                    continue
                sink = _text(component, "properties.WorkspaceResourceId")
                if sink is not None and sink.startswith("/"):
                    uses.append(
                        Dependency(sink, Usage.LOG_ANALYTICS, dep.workspace_id, None, component.id)
                    )
        for workspace in self._index.workspaces():
            for setting in self._index.extensions_of(workspace.id, DIAGNOSTIC_SETTINGS_TYPE):
                for field in ("workspaceId", "storageAccountId"):
                    sink = _text(setting, f"properties.{field}")
                    if sink is not None and sink.startswith("/"):
                        own[workspace.key].append(
                            Dependency(
                                sink, Usage.DIAGNOSTIC_DESTINATION, workspace.id, None, setting.id
                            )
                        )


def _direct(workspace: Resource) -> list[Dependency]:
    if not isinstance(_read(workspace, "properties"), dict):
        return []
    found = []
    for path, usage in WORKSPACE_REFERENCES:
        value = _read(workspace, f"properties.{path}")
        if isinstance(value, str) and value.strip().startswith("/"):
            found.append(Dependency(value.strip(), usage, workspace.id))
    for name, usage in WORKSPACE_LIST_REFERENCES:
        values = _read(workspace, f"properties.{name}")
        for value in values if isinstance(values, list) else ():
            if isinstance(value, str) and value.strip().startswith("/"):
                found.append(Dependency(value.strip(), usage, workspace.id))
    return found


def _add_child(
    own: dict[str, list[Dependency]], child: Resource, targets: Iterable[str], usage: Usage
) -> None:
    """Uses made through a workspace child (datastore, connection, compute)."""
    parent = armid.parent_id(child.id)
    if parent is None:
        return
    for target in targets:
        own[armid.key(parent)].append(Dependency(target, usage, parent, None, child.id))


def _attached_cluster(compute: Resource) -> list[str]:
    kind = _text(compute, "properties.computeType")
    resource_id = _text(compute, "properties.resourceId")
    if kind is None or kind.lower() not in ATTACHED_CLUSTER_COMPUTES or resource_id is None:
        return []
    return [resource_id] if resource_id.startswith("/") else []


def _read(resource: Resource, path: str) -> Any:
    """A setting by dotted path, names matched ignoring case; None when absent, malformed or
    ambiguous (rules reading it report that; the scope only leaves the use out)."""
    try:
        return resource.get(path)
    except DataError:
        return None


def _text(resource: Resource, path: str) -> str | None:
    value = _read(resource, path)
    return value.strip() if isinstance(value, str) and value.strip() else None
