"""A workspace's reachable resources: the dependency scope the capabilities are judged over.

The dependencies come from `amlaudit.depscope` (the one definition of what ML uses): storage
(the default account and every datastore's target), the vault(s), the CMK vault, the
registry; a project inherits its hub's. Added here: which datastores hold a credential, and
the identities code can run as (the workspace's, its hub's, its computes', its endpoints').
References to resources the snapshot does not hold are kept (RBAC at their scope still
applies) and reported as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid
from amlaudit.access.model import shown
from amlaudit.depscope import Usage, hub_id_of
from amlaudit.index import SnapshotIndex
from amlaudit.resource import Resource

COMPUTES = "Microsoft.MachineLearningServices/workspaces/computes"
ENDPOINT_TYPES = (
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.MachineLearningServices/workspaces/batchEndpoints",
)
CREDENTIAL_TYPES = frozenset({"accountkey", "sas", "serviceprincipal", "certificate"})
# Dependencies judged as capability subjects besides storage (depscope usages).
SUBJECT_USAGES = {
    Usage.KEY_VAULT: "vault",
    Usage.CMK_VAULT: "cmk-vault",
    Usage.CONTAINER_REGISTRY: "registry",
}


@dataclass(frozen=True)
class Target:
    kind: str  # storage, workspace, vault, cmk-vault, registry, identity
    id: str
    resource: Resource | None
    credential_datastores: tuple[str, ...] = ()  # names of credential datastores pointing here
    default: bool = False  # the workspace's default storage account

    @property
    def key(self) -> str:
        return armid.key(self.id)


@dataclass(frozen=True)
class ActingIdentity:
    """A managed identity code can run as: of a compute, an endpoint or the workspace."""

    principal_id: str
    kind: str  # compute, endpoint, workspace
    resource_id: str
    assigned_user: str | None = None  # compute instances are single-user


@dataclass
class WorkspaceScope:
    workspace: Resource
    targets: list[Target] = field(default_factory=list)
    identities: list[ActingIdentity] = field(default_factory=list)


def workspace_scope(index: SnapshotIndex, workspace: Resource) -> WorkspaceScope:
    """The workspace and its dependencies as `amlaudit.depscope` defines them (a project's
    include its hub's), as subjects of the capabilities."""
    scope = WorkspaceScope(workspace, [Target("workspace", workspace.id, workspace)])
    accounts: dict[str, tuple[str, set[str], bool]] = {}
    others: dict[tuple[str, str], str] = {}
    for dep in index.dependency_scope.dependencies_of(workspace):
        key = armid.key(dep.resource_id)
        if dep.usage in (Usage.STORAGE, Usage.DATASTORE):
            account, names, default = accounts.get(key, (shown(dep.resource_id), set(), False))
            if dep.usage is Usage.STORAGE:
                default = True
            elif _credential_datastore(index, dep.detail):
                names.add(armid.name_from_id(shown(dep.detail or "")))
            accounts[key] = (account, names, default)
        elif dep.usage in SUBJECT_USAGES:
            others.setdefault((SUBJECT_USAGES[dep.usage], key), shown(dep.resource_id))
    for _key, (account, names, default) in sorted(accounts.items()):
        scope.targets.append(
            Target("storage", account, index.get(account), tuple(sorted(names)), default)
        )
    for (kind, _key), resource_id in sorted(others.items()):
        scope.targets.append(Target(kind, resource_id, index.get(resource_id)))
    _identities(index, workspace, scope)
    return scope


def _credential_datastore(index: SnapshotIndex, datastore_id: str | None) -> bool:
    datastore = index.get(datastore_id) if datastore_id else None
    if datastore is None:
        return False
    value = datastore.get("properties.credentials.credentialsType")
    return isinstance(value, str) and value.strip().lower() in CREDENTIAL_TYPES


def _principals(resource: Resource, index: SnapshotIndex) -> list[tuple[str, str | None]]:
    """(principal ID, user-assigned identity resource ID or None) of a resource's identity."""
    identity = resource.raw.get("identity")
    if not isinstance(identity, dict):
        return []
    out: list[tuple[str, str | None]] = []
    principal = identity.get("principalId")
    if isinstance(principal, str) and principal:
        out.append((shown(principal.lower()), None))
    assigned = identity.get("userAssignedIdentities")
    if isinstance(assigned, dict):
        for uami_id, value in sorted(assigned.items()):
            found = value.get("principalId") if isinstance(value, dict) else None
            if not (isinstance(found, str) and found):
                uami = index.get(uami_id)
                found = uami.get("properties.principalId") if uami is not None else None
            if isinstance(found, str) and found:
                out.append((shown(found.lower()), shown(uami_id)))
    return out


def _identities(index: SnapshotIndex, workspace: Resource, scope: WorkspaceScope) -> None:
    uamis: dict[str, str] = {}
    hub = hub_id_of(workspace)
    hub_resource = index.get(hub) if hub else None
    if hub_resource is not None:  # a project's hub reads the shared dependencies for it
        for principal, _uami in _principals(hub_resource, index):
            scope.identities.append(ActingIdentity(principal, "workspace", hub_resource.id))
    for principal, uami in _principals(workspace, index):
        scope.identities.append(ActingIdentity(principal, "workspace", workspace.id))
        if uami:
            uamis[armid.key(uami)] = uami
    for compute in index.children_of(workspace.id, COMPUTES):
        user = compute.get(
            "properties.properties.personalComputeInstanceSettings.assignedUser.objectId"
        )
        for principal, uami in _principals(compute, index):
            scope.identities.append(
                ActingIdentity(
                    principal,
                    "compute",
                    compute.id,
                    shown(user.lower()) if isinstance(user, str) and user else None,
                )
            )
            if uami:
                uamis[armid.key(uami)] = uami
    for endpoint_type in ENDPOINT_TYPES:
        for endpoint in index.children_of(workspace.id, endpoint_type):
            for principal, uami in _principals(endpoint, index):
                scope.identities.append(ActingIdentity(principal, "endpoint", endpoint.id))
                if uami:
                    uamis[armid.key(uami)] = uami
    for _key, uami in sorted(uamis.items()):
        scope.targets.append(Target("identity", uami, index.get(uami)))


def local_fact(target: Target, path: str) -> Any:
    """A property of the target resource (None when absent or the target is not in the
    snapshot): allowSharedKeyAccess, enableRbacAuthorization, adminUserEnabled…"""
    return target.resource.get(path) if target.resource is not None else None
