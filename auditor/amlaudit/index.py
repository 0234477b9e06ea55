"""The snapshot, indexed once, so every cross-resource lookup a rule makes is O(1).

Indexes: by lower-cased ID, by lower-cased type, children by parent, resources by the scope
they sit on (extension resources such as diagnostic settings and role assignments), and, built
on first use, the dependency scope (:mod:`amlaudit.depscope`): which workspaces use which
resources.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

from amlaudit import armid
from amlaudit.depscope import WORKSPACE_TYPE, DependencyScope, Usage
from amlaudit.model import ScanError
from amlaudit.own_identities import OwnIdentities
from amlaudit.resource import Resource
from amlaudit.snapshot import SUBSCRIPTION_TYPE, Snapshot

__all__ = ["WORKSPACE_TYPE", "SnapshotIndex"]


class SnapshotIndex:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.errors: list[ScanError] = snapshot.errors
        self.conflicts = snapshot.conflicts
        self.by_key: dict[str, Resource] = {}
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        self.children: dict[str, list[Resource]] = defaultdict(list)
        self.at_scope: dict[str, list[Resource]] = defaultdict(list)
        self.subscriptions: list[str] = []
        self._scope: DependencyScope | None = None
        self._identities: OwnIdentities | None = None
        self._within: dict[str, list[str]] = {}
        self._affected: dict[str, tuple[str, ...]] = {}
        self._values: dict[tuple[str, str], dict[str, list[Resource]]] = {}
        self._error_index: _ErrorIndex | None = None
        # Management-group and root-scope extensions (inherited role and policy assignments).
        self._above: dict[str, list[Resource]] = defaultdict(list)
        # Resources whose `properties` is null or absent, by type: nothing can be read of them.
        self.unusable: dict[str, list[Resource]] = defaultdict(list)
        # Scope key -> positions of the sources holding it or anything inside it.
        self._scope_sources: dict[str, set[int]] = defaultdict(set)
        # Per-scan memos of shared checks, keyed by name; dropped with the index.
        self.memos: dict[str, dict[str, object]] = defaultdict(dict)

        subscriptions: set[str] = set()
        for resource in snapshot.resources:
            self._add(resource)
            if not usable(resource):
                self.unusable[resource.type_key].append(resource)
            sub = armid.subscription_id(resource.id)
            if sub:
                subscriptions.add(sub)
            origins = snapshot.origins.get(resource.key, set())
            for scope in _enclosing(resource.key):
                self._scope_sources[scope] |= origins
        for sub in sorted(subscriptions):
            scope = armid.subscription_scope(sub)
            if scope not in self.by_key:
                self._add(
                    Resource(
                        {"id": scope, "type": SUBSCRIPTION_TYPE, "name": sub, "properties": {}},
                        scope,
                        SUBSCRIPTION_TYPE,
                    )
                )
        self.subscriptions = sorted(subscriptions)
        # Rules walk each type in this order, so findings come out sorted without a global sort.
        for resources in self.by_type.values():
            resources.sort(key=_display_order)

    def _add(self, resource: Resource) -> None:
        # Conflicting copies of one ID (one per type) are all judged; lookups see the first.
        self.by_key.setdefault(resource.key, resource)
        self.by_type[resource.type_key].append(resource)
        parent = armid.parent_id(resource.id)
        if parent is not None:
            self.children[armid.key(parent)].append(resource)
        scope, parts = armid.split_scope(resource.id)
        if parts:
            self.at_scope[armid.key(scope)].append(resource)
            if not armid.key(scope).startswith("/subscriptions/"):
                self._above[resource.type_key].append(resource)

    # -- lookups ---------------------------------------------------------------------------------

    def collected(self, scope_id: str, resource_type: str) -> bool:
        """Whether the input proves a resource of this type at this scope absent: one of the
        sources holding the scope (or resources inside it) collected the type."""
        type_key = resource_type.lower()
        node: str | None = scope_id
        sources: set[int] = set()
        while node is not None and not sources:  # a scope the input lacks: its parent's files
            sources = self._scope_sources.get(armid.key(node), set())
            node = armid.parent_id(node)
        if any(self.snapshot.sources[n].collected(type_key) for n in sources):
            return True
        # An envelope speaks for its whole scope: the subscriptions it holds resources of.
        subscription = armid.subscription_id(scope_id)
        if subscription is None:
            return False
        holding = self._scope_sources.get(armid.key(armid.subscription_scope(subscription)), set())
        return any(
            source.shape == "envelope" and source.declares(type_key)
            for source in (self.snapshot.sources[n] for n in holding)
        )

    def get(self, resource_id: str) -> Resource | None:
        return self.by_key.get(armid.key(resource_id))

    def of_type(self, resource_type: str) -> list[Resource]:
        return self.by_type.get(resource_type.lower(), [])

    def children_of(self, resource_id: str, resource_type: str | None = None) -> list[Resource]:
        found = self.children.get(armid.key(resource_id), [])
        if resource_type is None:
            return found
        wanted = resource_type.lower()
        return [r for r in found if r.type_key == wanted]

    def extensions_of(self, scope_id: str, resource_type: str) -> list[Resource]:
        wanted = resource_type.lower()
        return [r for r in self.at_scope.get(armid.key(scope_id), []) if r.type_key == wanted]

    def above_subscriptions(self, resource_type: str) -> list[Resource]:
        """Resources of a type whose scope is a management group or the tenant root."""
        return self._above.get(resource_type.lower(), [])

    def with_value(self, resource_type: str, path: str, value: str) -> list[Resource]:
        """Resources of a type whose string property at a dotted `path` equals `value`
        (case-insensitive): datastores by the `properties.accountName` they point at. One table
        per (type, path), built on first use."""
        table_key = (resource_type.lower(), path)
        table = self._values.get(table_key)
        if table is None:
            table = defaultdict(list)
            parts = path.split(".")
            for resource in self.of_type(resource_type):
                found = _dig(resource.raw, parts)
                if isinstance(found, str) and found.strip():
                    table[found.strip().lower()].append(resource)
            self._values[table_key] = table
        return table.get(value.strip().lower(), [])

    def workspaces(self) -> list[Resource]:
        return self.of_type(WORKSPACE_TYPE)

    @property
    def dependency_scope(self) -> DependencyScope:
        """Which resources the ML workspaces use, and how: built once, on first use."""
        if self._scope is None:
            self._scope = DependencyScope(self)
        return self._scope

    @property
    def own_identities(self) -> OwnIdentities:
        """The managed identities of the estate's workspaces, computes and endpoints: built
        once, on first use."""
        if self._identities is None:
            self._identities = OwnIdentities(self)
        return self._identities

    def release(self) -> None:
        """Drop the views built on first use and the rules' memos. They refer back to the
        index, a cycle that keeps the whole snapshot alive until a full collection; released,
        reference counting frees it as soon as the scan is done (a scan pauses the collector:
        amlaudit.gcpause)."""
        self._scope = None
        self._identities = None
        self.memos.clear()  # rules' memos hold views of the index too (Context.blast_radius)

    def referrers(self, resource_id: str) -> list[Resource]:
        """The ML workspaces that use this resource (the dependency scope's dependents)."""
        return self.dependency_scope.dependents(resource_id)

    def workspaces_affected(self, resource: Resource) -> tuple[str, ...]:
        """IDs of the ML workspaces a finding on this resource affects, sorted; computed once
        per resource, since every rule of its type asks."""
        cached = self._affected.get(resource.key)
        if cached is None:
            cached = tuple(sorted(self._walk_to_workspaces(resource), key=str.lower))
            self._affected[resource.key] = cached
        return cached

    def _walk_to_workspaces(self, resource: Resource) -> list[str]:
        """IDs of the ML workspaces a finding on this resource affects.

        Walks up from the resource: a workspace is itself; a child belongs to its workspace; a
        dependency (vault, storage...) to the workspaces that reference it; an extension to
        whatever it extends; a subscription or resource group to the workspaces inside it.
        """
        node: str | None = resource.id
        seen: set[str] = set()
        while node is not None:
            node_key = armid.key(node)
            if node_key in seen:
                break
            seen.add(node_key)
            found = self.by_key.get(node_key)
            if found is not None and found.type_key == WORKSPACE_TYPE:
                return [found.id]
            refs = self.referrers(node)
            if refs:
                return _ids(refs)
            if "/providers/" not in node_key:
                return self._workspaces_within(node_key)
            node = armid.parent_id(node) or armid.extension_scope(node)
        return []

    def _workspaces_within(self, scope_key: str) -> list[str]:
        if not self._within:
            # One pass: every workspace under its subscription and resource group, so a finding
            # on one of 1,000 resource groups does not scan all 1,000 workspaces.
            grouped: dict[str, list[Resource]] = defaultdict(list)
            for workspace in self.workspaces():
                parts = armid.key(workspace.id).split("/")
                grouped["/".join(parts[:3])].append(workspace)
                if len(parts) > 4 and parts[3] == "resourcegroups":
                    grouped["/".join(parts[:5])].append(workspace)
            self._within = {scope: _ids(found) for scope, found in grouped.items()}
        cached = self._within.get(scope_key)
        if cached is None:
            cached = _ids([w for w in self.workspaces() if armid.is_within(w.id, scope_key)])
            self._within[scope_key] = cached
        return cached

    def errors_covering(
        self, resource_id: str, resource_type: str | None = None
    ) -> list[ScanError]:
        """Collection errors whose scope contains this ID (or lies inside it) for this type,
        in the order of `errors`. Looked up through :class:`_ErrorIndex`: 8,000 errors times
        every lookup of 800 workspaces took 20 s when each lookup scanned them all."""
        if self._error_index is None or self._error_index.size != len(self.errors):
            self._error_index = _ErrorIndex(self.errors)
        wanted = resource_type.lower() if resource_type else None
        return self._error_index.covering(armid.key(resource_id), wanted)


class _ErrorIndex:
    """Collection errors by scope key: ancestors of an ID are found by looking up its prefixes
    at the depths some error scope has, descendants by a range of the sorted scope keys."""

    def __init__(self, errors: list[ScanError]) -> None:
        self.size = len(errors)
        self._everywhere: list[int] = []  # file-level errors (a truncated list) cover everything
        self._by_scope: dict[str, list[int]] = defaultdict(list)
        for position, error in enumerate(errors):
            scope = armid.key(error.scope)
            if scope.startswith("/"):
                self._by_scope[scope].append(position)
            else:
                self._everywhere.append(position)
        self._errors = errors
        self._depths = sorted({scope.count("/") for scope in self._by_scope})
        self._sorted = sorted(self._by_scope)

    def covering(self, rid: str, wanted: str | None) -> list[ScanError]:
        if not self._by_scope:
            return [self._errors[n] for n in self._everywhere]
        found: list[int] = []
        found += self._by_scope.get(rid, ())
        # Ancestors: the prefix of `rid` at each depth an error scope has.
        slashes = [n for n, char in enumerate(rid) if char == "/"] if self._depths else []
        for depth in self._depths:
            if depth >= len(slashes):
                break
            if depth >= 1:
                found += self._by_scope.get(rid[: slashes[depth]], ())
        # Descendants: scopes that start with `rid/` sit together in sorted order.
        start = bisect.bisect_left(self._sorted, rid + "/")
        for scope in self._sorted[start:]:
            if not scope.startswith(rid + "/"):
                break
            found += self._by_scope[scope]
        if wanted:  # an error narrowed to another type does not cover this lookup
            found = [n for n in found if self._of_type(n, wanted)]
        return [self._errors[n] for n in sorted({*found, *self._everywhere})]

    def _of_type(self, position: int, wanted: str) -> bool:
        resource_type = self._errors[position].resource_type
        return not resource_type or resource_type.lower() == wanted


def absent_references(index: SnapshotIndex, judged: frozenset[str]) -> list[tuple[str, str]]:
    """(target ID, reason) for every resource a workspace uses (the dependency scope: directly,
    through its hub, a datastore, a connection or an attached cluster) that the input does not
    hold. A connection's target counts only among the (lower-case) types the rules judge or
    read: an Azure OpenAI account is outside what amlaudit judges, a storage account is not."""
    found: dict[str, tuple[str, str]] = {}
    scope = index.dependency_scope
    for workspace in index.workspaces():
        for use in scope.dependencies_of(workspace):
            key = armid.key(use.resource_id)
            if key in found or index.get(use.resource_id) is not None:
                continue
            target_type = (armid.type_from_id(use.resource_id) or "").lower()
            if use.usage is Usage.CONNECTION and target_type not in judged:
                continue
            named_by = use.detail or use.via or use.workspace_id
            found[key] = (
                use.resource_id,
                f"{use.resource_id} is not in the input (the {use.usage.value} of "
                f"{named_by}); its settings are not judged",
            )
    return [found[key] for key in sorted(found)]


def usable(resource: Resource) -> bool:
    """False for a resource whose `properties` is null or absent (`az resource list`): rules
    can read nothing of it. Subscriptions carry no settings there, so they always count."""
    return resource.type_key == SUBSCRIPTION_TYPE.lower() or isinstance(
        resource.raw.get("properties"), dict
    )


def _enclosing(resource_key: str) -> list[str]:
    """The resource's own key, its resource group's and its subscription's."""
    parts = resource_key.split("/")
    found = [resource_key]
    if len(parts) > 2 and parts[1] == "subscriptions":
        found.append("/".join(parts[:3]))
        if len(parts) > 4 and parts[3] == "resourcegroups":
            found.append("/".join(parts[:5]))
    return found


def _display_order(resource: Resource) -> str:
    return resource.id.lower()


def _dig(node: object, parts: Iterable[str]) -> object:
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _ids(resources: list[Resource]) -> list[str]:
    return sorted({r.id for r in resources}, key=str.lower)
