"""RBAC drift: role assignments added or removed where they reach a workspace, and custom role
definitions whose permissions changed.

An assignment reaches a workspace when its scope is the workspace or inside it, above it
(resource group, subscription, management group, tenant root), or on, above or inside any
resource in the workspace's dependency scope (`amlaudit.depscope`: its storage, vault,
registry, datastore and connection targets, its hub's, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from amlaudit import armid
from amlaudit.access.catalog import role_names
from amlaudit.checks import assignment_scope, role_guid
from amlaudit.drift.model import RoleChange, RoleDefinitionChange
from amlaudit.index import SnapshotIndex
from amlaudit.resource import DataError, Resource

ASSIGNMENTS = "microsoft.authorization/roleassignments"
DEFINITIONS = "microsoft.authorization/roledefinitions"
PERMISSION_LISTS = ("actions", "notActions", "dataActions", "notDataActions")
_REACH_ORDER = ("workspace", "dependency", "above")


@dataclass(frozen=True)
class RbacDrift:
    assignments: list[RoleChange]
    definitions: list[RoleDefinitionChange]


def diff_rbac(old: SnapshotIndex, new: SnapshotIndex) -> RbacDrift:
    names = {**role_names(old), **role_names(new)}
    before = {r.key: r for r in old.of_type(ASSIGNMENTS)}
    after = {r.key: r for r in new.of_type(ASSIGNMENTS)}
    changes = [
        change
        for kind, index, keys in (
            ("added", new, sorted(after.keys() - before.keys())),
            ("removed", old, sorted(before.keys() - after.keys())),
        )
        for key in keys
        if (change := _assignment(kind, index.by_key[key], index, names)) is not None
    ]
    changes.sort(key=lambda c: (c.kind != "added", c.scope, c.role, c.assignment_id.lower()))
    return RbacDrift(changes, _definition_changes(old, new))


def _assignment(
    kind: str, assignment: Resource, index: SnapshotIndex, names: dict[str, str]
) -> RoleChange | None:
    try:
        scope = assignment_scope(assignment)
    except DataError:  # a scope that is not a string: the ID still says where it sits
        scope = armid.key(armid.split_scope(assignment.id)[0])
    reached: dict[str, str] = {}
    for workspace in index.workspaces():
        reach = _reach(scope, workspace, dependencies(index, workspace))
        if reach is not None:
            reached[workspace.id] = reach
    if not reached:
        return None
    guid = role_guid(_text(assignment, "properties.roleDefinitionId"))
    return RoleChange(
        kind=kind,
        assignment_id=assignment.id,
        principal_id=_text(assignment, "properties.principalId") or "(unknown)",
        principal_type=_text(assignment, "properties.principalType") or "(unknown)",
        role=names.get(guid, guid or "(unknown)"),
        role_definition_id=_text(assignment, "properties.roleDefinitionId") or "",
        scope=scope or "/",
        reach=min(reached.values(), key=_REACH_ORDER.index),
        workspaces=tuple(sorted(reached, key=str.lower)),
    )


def _reach(scope: str, workspace: Resource, deps: Sequence[str]) -> str | None:
    if _covers(scope, workspace.key) or _covers(workspace.key, scope):
        return "workspace" if _covers(workspace.key, scope) else "above"
    if any(_covers(scope, dep) or _covers(dep, scope) for dep in deps):
        return "dependency"
    return None


def _covers(scope: str, target: str) -> bool:
    """`target` is `scope` or inside it; a management-group or root scope covers everything."""
    if not scope.startswith("/subscriptions/"):
        # The snapshot does not say which subscriptions a management group holds: assume all.
        return target.startswith("/subscriptions/") or target == scope
    return target == scope or target.startswith(scope + "/")


def dependencies(index: SnapshotIndex, workspace: Resource) -> list[str]:
    """Keys of the resources a workspace uses: its dependency scope (`amlaudit.depscope`)."""
    return [armid.key(d.resource_id) for d in index.dependency_scope.dependencies_of(workspace)]


def _definition_changes(old: SnapshotIndex, new: SnapshotIndex) -> list[RoleDefinitionChange]:
    before = {r.key: r for r in old.of_type(DEFINITIONS) if _custom(r)}
    changes = []
    for definition in new.of_type(DEFINITIONS):
        previous = before.get(definition.key)
        if previous is None or not _custom(definition):
            continue
        added, removed = {}, {}
        for name in PERMISSION_LISTS:
            was, now = _permissions(previous, name), _permissions(definition, name)
            added[name] = tuple(sorted(now - was))
            removed[name] = tuple(sorted(was - now))
        if any(added.values()) or any(removed.values()):
            role = _text(definition, "properties.roleName") or role_guid(definition.id)
            changes.append(RoleDefinitionChange(definition.id, role, added, removed))
    return changes


def _custom(definition: Resource) -> bool:
    return (_text(definition, "properties.type") or "").lower() == "customrole"


def _permissions(definition: Resource, name: str) -> set[str]:
    entries = definition.get("properties.permissions")
    if not isinstance(entries, list):
        return set()
    found = set()
    for entry in entries:
        if isinstance(entry, dict):
            found |= {str(p).lower() for p in entry.get(name) or [] if isinstance(p, str)}
    return found


def _text(resource: Resource, path: str) -> str | None:
    """A string property, or None when absent or not a string (a diff never fails on shape)."""
    value = resource.get(path)
    return value if isinstance(value, str) and value.strip() else None
