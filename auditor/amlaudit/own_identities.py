"""The managed identities of the ML estate itself, and the role assignments Microsoft documents
as required for them.

A workspace, a compute or an online endpoint acts with its own managed identity: the
system-assigned one (`identity.principalId`) or user-assigned ones
(`identity.userAssignedIdentities.<id>.principalId`). Azure ML needs some roles granted to them
(package data `data/own_identity_roles.json`, each row citing its document); a role rule that
sees such an assignment recognises it instead of flagging it. Anything beyond the table is still
judged. Built once per index (`SnapshotIndex.own_identities`); lookups are dict hits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from amlaudit import armid
from amlaudit.depscope import WORKSPACE_TYPE, Usage
from amlaudit.resource import Resource

if TYPE_CHECKING:
    from amlaudit.index import SnapshotIndex

COMPUTE_TYPE = f"{WORKSPACE_TYPE}/computes"
ENDPOINT_TYPE = f"{WORKSPACE_TYPE}/onlineendpoints"
# What a rule that asks must declare in `reads`, so live scans collect it.
OWNER_TYPES = (
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/workspaces/computes",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
)


class IdentityKind(StrEnum):
    WORKSPACE_SYSTEM = "workspace-system-assigned"
    WORKSPACE_USER = "workspace-user-assigned"
    COMPUTE = "compute"
    ENDPOINT = "online-endpoint"


class ScopeKind(StrEnum):
    """Where a documented assignment is made, relative to the identity's workspace."""

    WORKSPACE = "workspace"
    RESOURCE_GROUP = "resource-group"
    STORAGE = "storage"
    KEY_VAULT = "key-vault"
    CONTAINER_REGISTRY = "container-registry"
    APP_INSIGHTS = "application-insights"


_SCOPE_USAGE = {
    ScopeKind.STORAGE: Usage.STORAGE,
    ScopeKind.KEY_VAULT: Usage.KEY_VAULT,
    ScopeKind.CONTAINER_REGISTRY: Usage.CONTAINER_REGISTRY,
    ScopeKind.APP_INSIGHTS: Usage.APP_INSIGHTS,
}


@dataclass(frozen=True, slots=True)
class OwnIdentity:
    """One managed identity of the estate: whose it is, and in which workspace."""

    principal_id: str  # lower-case
    kind: IdentityKind
    owner_id: str  # the workspace, compute or endpoint that uses it
    workspace_id: str
    identity_id: str | None = None  # the user-assigned identity resource, if any


@dataclass(frozen=True, slots=True)
class DocumentedAssignment:
    """One row of the table: a role Microsoft documents for an identity kind at a scope."""

    identity: IdentityKind
    role: str
    role_id: str  # lower-case GUID
    scope: ScopeKind
    document: str
    why: str
    created_from: date | None = None  # only for workspaces created on or after this day
    created_before: date | None = None  # only for workspaces created before this day


@cache
def documented_assignments() -> tuple[DocumentedAssignment, ...]:
    """The package table, read once."""
    text = (files("amlaudit") / "data" / "own_identity_roles.json").read_text(encoding="utf-8")
    data = json.loads(text)
    roles: dict[str, str] = data["roles"]
    return tuple(
        DocumentedAssignment(
            identity=IdentityKind(row["identity"]),
            role=row["role"],
            role_id=roles[row["role"]].lower(),
            scope=ScopeKind(row["scope"]),
            document=row["document"],
            why=row["why"],
            created_from=_day(row.get("created_from")),
            created_before=_day(row.get("created_before")),
        )
        for row in data["assignments"]
    )


class OwnIdentities:
    """The estate's own managed identities by principal ID, and the documented-assignment test."""

    def __init__(self, index: SnapshotIndex) -> None:
        self._index = index
        self._by_principal: dict[str, list[OwnIdentity]] = defaultdict(list)
        for workspace in index.workspaces():
            self._add(workspace, workspace.id, IdentityKind.WORKSPACE_SYSTEM)
        for owner in index.of_type(COMPUTE_TYPE):
            self._add(owner, _workspace_of(owner), IdentityKind.COMPUTE)
        for owner in index.of_type(ENDPOINT_TYPE):
            self._add(owner, _workspace_of(owner), IdentityKind.ENDPOINT)

    def of_principal(self, principal_id: str) -> list[OwnIdentity]:
        """Every use of a principal as an identity of the estate (a user-assigned identity may
        serve several workspaces, computes and endpoints)."""
        return self._by_principal.get(principal_id.strip().lower(), [])

    def documented(
        self, principal_id: str, role_id: str, scope_id: str
    ) -> tuple[OwnIdentity, DocumentedAssignment] | None:
        """The identity and table row that make (principal, role, scope) a documented
        assignment of the estate's own identities; None when it is not one."""
        role = role_id.strip().rstrip("/").rsplit("/", 1)[-1].lower()
        scope = armid.key(scope_id)
        for identity in self.of_principal(principal_id):
            for row in documented_assignments():
                if row.identity is not identity.kind or row.role_id != role:
                    continue
                if scope in self._scopes(identity, row) and self._in_window(identity, row):
                    return identity, row
        return None

    def _scopes(self, identity: OwnIdentity, row: DocumentedAssignment) -> set[str]:
        workspace = identity.workspace_id
        if row.scope is ScopeKind.WORKSPACE:
            return {armid.key(workspace)}
        if row.scope is ScopeKind.RESOURCE_GROUP:
            head = armid.key(workspace).split("/providers/", 1)[0]
            return {head}
        usage = _SCOPE_USAGE[row.scope]
        return {
            armid.key(d.resource_id)
            for d in self._index.dependency_scope.dependencies_of(workspace)
            if d.usage is usage
        }

    def _in_window(self, identity: OwnIdentity, row: DocumentedAssignment) -> bool:
        """Rows bound to the workspace's creation day apply when it is known to fall in their
        window, and both sides of a change apply when it is not recorded."""
        if row.created_from is None and row.created_before is None:
            return True
        created = _created(self._index.get(identity.workspace_id))
        if created is None:
            return True
        if row.created_from is not None and created < row.created_from:
            return False
        return row.created_before is None or created < row.created_before

    def _add(self, owner: Resource, workspace_id: str | None, system_kind: IdentityKind) -> None:
        identity = owner.raw.get("identity")
        if workspace_id is None or not isinstance(identity, dict):
            return
        principal = identity.get("principalId")
        if isinstance(principal, str) and principal.strip():
            self._by_principal[principal.strip().lower()].append(
                OwnIdentity(principal.strip().lower(), system_kind, owner.id, workspace_id)
            )
        user_kind = (
            IdentityKind.WORKSPACE_USER
            if system_kind is IdentityKind.WORKSPACE_SYSTEM
            else system_kind
        )
        assigned = identity.get("userAssignedIdentities")
        for resource_id, body in assigned.items() if isinstance(assigned, dict) else ():
            principal = body.get("principalId") if isinstance(body, dict) else None
            if isinstance(principal, str) and principal.strip():
                self._by_principal[principal.strip().lower()].append(
                    OwnIdentity(
                        principal.strip().lower(), user_kind, owner.id, workspace_id, resource_id
                    )
                )


def _workspace_of(child: Resource) -> str | None:
    """The workspace ID a compute or endpoint sits in."""
    scope, parts = armid.split_scope(child.id)
    if len(parts) < 4:
        return None
    return f"{scope}/providers/{'/'.join(parts[:3])}"


def _created(workspace: Resource | None) -> date | None:
    """The workspace's creation day: `systemData.createdAt`, else `properties.creationTime`."""
    if workspace is None:
        return None
    for value in (
        _member(workspace.raw.get("systemData"), "createdAt"),
        _member(workspace.raw.get("properties"), "creationTime"),
    ):
        day = _day(value[:10] if isinstance(value, str) else None)
        if day is not None:
            return day
    return None


def _member(node: Any, name: str) -> Any:
    return node.get(name) if isinstance(node, dict) else None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
