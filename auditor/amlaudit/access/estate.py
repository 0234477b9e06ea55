"""The authorization facts of a snapshot, indexed by scope: who is granted what, where.

Read once per snapshot: role assignments, PIM eligibility instances, Lighthouse registration
assignments (each authorization becomes an assignment of a principal from the managing
tenant), deny assignments, role definitions (the snapshot's first, then the packaged catalog)
and the managed identities resources carry (a principal ID that is a resource's identity is
labelled with that resource).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from amlaudit import armid
from amlaudit.access.catalog import Catalog, builtin_catalog
from amlaudit.access.model import GROUP_TYPES, Assignment, DenyAssignment, shown
from amlaudit.access.roles import RoleDefinition, guid_of, parse_block, parse_definition
from amlaudit.access.scopes import (
    group_applies,
    is_management_group,
    management_groups_of,
    prefixes,
    scope_key,
)
from amlaudit.index import SnapshotIndex
from amlaudit.resource import Resource

ROLE_ASSIGNMENTS = "microsoft.authorization/roleassignments"
ROLE_DEFINITIONS = "microsoft.authorization/roledefinitions"
DENY_ASSIGNMENTS = "microsoft.authorization/denyassignments"
ELIGIBILITY = "microsoft.authorization/roleeligibilityscheduleinstances"
LIGHTHOUSE = "microsoft.managedservices/registrationassignments"
IDENTITIES = "microsoft.managedidentity/userassignedidentities"
AUTHORIZATION_TYPES = (
    ROLE_ASSIGNMENTS,
    ROLE_DEFINITIONS,
    DENY_ASSIGNMENTS,
    ELIGIBILITY,
    LIGHTHOUSE,
)


def _text(props: dict[str, Any], name: str) -> str:
    value = props.get(name)
    return shown(value.strip()) if isinstance(value, str) else ""


def _props(resource: Resource) -> dict[str, Any]:
    props = resource.raw.get("properties")
    return props if isinstance(props, dict) else {}


class RoleBook:
    """Definitions by GUID: the snapshot's win; the catalog fills gaps; None is unknown."""

    def __init__(self, index: SnapshotIndex, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or builtin_catalog()
        self.snapshot: dict[str, RoleDefinition] = {}
        for resource in index.of_type(ROLE_DEFINITIONS):
            definition = parse_definition(resource.raw, "snapshot")
            if definition is not None and definition.guid not in self.snapshot:
                self.snapshot[definition.guid] = definition
        self.from_catalog: set[str] = set()

    def get(self, guid: str) -> RoleDefinition | None:
        found = self.snapshot.get(guid)
        if found is None:
            found = self.catalog.roles.get(guid)
            if found is not None:
                self.from_catalog.add(guid)
        return found


class AccessEstate:
    def __init__(self, index: SnapshotIndex, catalog: Catalog | None = None) -> None:
        self.index = index
        self.roles = RoleBook(index, catalog)
        self.at_scope: dict[str, list[Assignment]] = defaultdict(list)
        self.groups: list[Assignment] = []  # management-group scopes
        self.below: dict[str, list[Assignment]] = defaultdict(list)
        self.denies: list[DenyAssignment] = [_deny(r) for r in index.of_type(DENY_ASSIGNMENTS)]
        self.identity_of: dict[str, list[str]] = defaultdict(list)
        self._ancestry: dict[str | None, frozenset[str] | None] = {}
        self._applicable: dict[str, list[Assignment]] = {}
        self.types: dict[str, str] = {}
        for resource in index.of_type(ROLE_ASSIGNMENTS):
            self._add(_assignment(resource, "active"))
        for resource in index.of_type(ELIGIBILITY):
            self._add(_assignment(resource, "eligible"))
        for resource in index.of_type(LIGHTHOUSE):
            for assignment in _lighthouse(resource):
                self._add(assignment)
        self._label_identities()

    def _add(self, assignment: Assignment | None) -> None:
        if assignment is None:
            return
        if assignment.principal_type != "Unknown":
            self.types.setdefault(assignment.principal_id, assignment.principal_type)
        key = assignment.scope_key
        if is_management_group(key):
            self.groups.append(assignment)
            return
        self.at_scope[key].append(assignment)
        # Register under each resource ancestor, so "who holds something below this account"
        # is one lookup (partial grants: one container, one secret).
        if "/providers/" in key:
            owner, parts = armid.split_scope(key)
            for end in range(3, len(parts), 2):
                parent = armid.key(owner + "/providers/" + "/".join(parts[:end]))
                self.below[parent].append(assignment)

    def _label_identities(self) -> None:
        for resource in self.index.by_key.values():
            identity = resource.raw.get("identity")
            if isinstance(identity, dict):
                principal = identity.get("principalId")
                if isinstance(principal, str) and principal:
                    self.identity_of[shown(principal.lower())].append(resource.id)
        for resource in self.index.of_type(IDENTITIES):
            principal = _props(resource).get("principalId")
            if isinstance(principal, str) and principal:
                self.identity_of[shown(principal.lower())].append(resource.id)

    def principal_type(self, principal: str) -> str:
        """The type ARM reports for a principal in any assignment; a principal that is some
        resource's managed identity is a ServicePrincipal; else Unknown (access policies)."""
        found = self.types.get(principal)
        if found:
            return found
        return "ServicePrincipal" if principal in self.identity_of else "Unknown"

    def applicable(self, target: str) -> list[Assignment]:
        """Assignments effective on `target`: root, its management groups, and every scope on
        its path down to itself. Memoised per target."""
        key = armid.key(target)
        found = self._applicable.get(key)
        if found is not None:
            return found
        found = list(self.at_scope.get("", ()))
        groups = self.ancestry(armid.subscription_id(key))
        found += [a for a in self.groups if group_applies(a.scope_key, groups)]
        for prefix in prefixes(key):
            found += self.at_scope.get(prefix, ())
        self._applicable[key] = found
        return found

    def ancestry(self, subscription: str | None) -> frozenset[str] | None:
        if subscription not in self._ancestry:
            self._ancestry[subscription] = management_groups_of(self.index, subscription)
        return self._ancestry[subscription]

    def partial(self, target: str) -> list[Assignment]:
        """Assignments on children of `target` (a container of an account, a secret)."""
        return self.below.get(armid.key(target), [])


def _assignment(resource: Resource, kind: str) -> Assignment | None:
    props = _props(resource)
    principal = _text(props, "principalId").lower()
    role = guid_of(_text(props, "roleDefinitionId"))
    scope = _text(props, "scope") or armid.extension_scope(resource.id) or ""
    if not principal or not role:
        return None
    condition = _text(props, "condition") or None
    note = None
    if kind == "eligible":
        end = _text(props, "endDateTime")
        note = f"PIM eligible until {end}" if end else "PIM eligible, no end date"
    return Assignment(
        source_id=resource.id,
        principal_id=principal,
        principal_type=_text(props, "principalType") or "Unknown",
        role_guid=role,
        scope=scope or "/",
        scope_key=scope_key(scope),
        condition=condition,
        kind=kind,
        note=note,
    )


def _lighthouse(resource: Resource) -> list[Assignment]:
    """A registration assignment delegates its scope (the subscription or resource group it
    sits on) to principals of another tenant (`registrationDefinition.properties`)."""
    props = _props(resource)
    definition = props.get("registrationDefinition")
    inner = definition.get("properties") if isinstance(definition, dict) else None
    if not isinstance(inner, dict):
        return []
    scope = armid.extension_scope(resource.id) or ""
    tenant = _text(inner, "managedByTenantId") or "unknown tenant"
    out = []
    for field_name, kind in (
        ("authorizations", "lighthouse"),
        ("eligibleAuthorizations", "lighthouse-eligible"),
    ):
        for auth in inner.get(field_name) or []:
            if not isinstance(auth, dict):
                continue
            principal = _text(auth, "principalId").lower()
            role = guid_of(_text(auth, "roleDefinitionId"))
            if principal and role:
                out.append(
                    Assignment(
                        source_id=resource.id,
                        principal_id=principal,
                        principal_type="Lighthouse",
                        role_guid=role,
                        scope=scope,
                        scope_key=scope_key(scope),
                        kind=kind,
                        note=f"Azure Lighthouse: managed by tenant {tenant}",
                    )
                )
    return out


def _deny(resource: Resource) -> DenyAssignment:
    props = _props(resource)
    principals = [p for p in props.get("principals") or [] if isinstance(p, dict)]
    excluded = [p for p in props.get("excludePrincipals") or [] if isinstance(p, dict)]
    blocks = tuple(
        b for b in (parse_block(p) for p in props.get("permissions") or []) if b is not None
    )
    scope = _text(props, "scope") or armid.extension_scope(resource.id) or ""
    return DenyAssignment(
        source_id=resource.id,
        name=_text(props, "denyAssignmentName") or resource.name,
        scope_key=scope_key(scope),
        children=not bool(props.get("doNotApplyToChildScopes")),
        principals=frozenset(str(p.get("id", "")).lower() for p in principals),
        excluded=frozenset(str(p.get("id", "")).lower() for p in excluded),
        names_groups=any(str(p.get("type", "")).lower() in GROUP_TYPES for p in principals),
        excludes_groups=any(str(p.get("type", "")).lower() in GROUP_TYPES for p in excluded),
        blocks=blocks,
    )
