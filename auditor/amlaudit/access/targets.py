"""A workspace's reachable resources: the dependency scope the capabilities are judged over.

Storage (the default account and every datastore's target account), the vault, the CMK vault,
the registry, and the identities that act for the workspace (its own, its computes', its
endpoints'). A project workspace takes the hub's dependencies. References to resources the
snapshot does not hold are kept (RBAC at their scope still applies) and flagged `missing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid
from amlaudit.access.model import shown
from amlaudit.index import SnapshotIndex
from amlaudit.resource import Resource

STORAGE = "Microsoft.Storage/storageAccounts"
DATASTORES = "Microsoft.MachineLearningServices/workspaces/datastores"
COMPUTES = "Microsoft.MachineLearningServices/workspaces/computes"
ENDPOINT_TYPES = (
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.MachineLearningServices/workspaces/batchEndpoints",
)
CREDENTIAL_TYPES = frozenset({"accountkey", "sas", "serviceprincipal", "certificate"})


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


def _ref(resource: Resource, path: str) -> str | None:
    value = resource.get(path)
    return (
        shown(value.strip()) if isinstance(value, str) and value.strip().startswith("/") else None
    )


def workspace_scope(index: SnapshotIndex, workspace: Resource) -> WorkspaceScope:
    scope = WorkspaceScope(workspace, [Target("workspace", workspace.id, workspace)])
    owner = workspace
    hub = _ref(workspace, "properties.hubResourceId")
    if hub and not _ref(workspace, "properties.storageAccount"):
        owner = index.get(hub) or workspace
    default = _ref(owner, "properties.storageAccount")
    accounts: dict[str, tuple[str, list[str]]] = {}
    if default:
        accounts[armid.key(default)] = (default, [])
    for datastore in index.children_of(workspace.id, DATASTORES):
        account = _datastore_account(index, datastore)
        if account is None:
            continue
        entry = accounts.setdefault(armid.key(account), (account, []))
        if _credential_type(datastore) in CREDENTIAL_TYPES:
            entry[1].append(datastore.name)
    for key, (account, names) in sorted(accounts.items()):
        scope.targets.append(
            Target(
                "storage",
                account,
                index.get(account),
                tuple(sorted(names)),
                default=default is not None and key == armid.key(default),
            )
        )
    for kind, path in (
        ("vault", "properties.keyVault"),
        ("cmk-vault", "properties.encryption.keyVaultProperties.keyVaultArmId"),
        ("registry", "properties.containerRegistry"),
    ):
        found = _ref(owner, path)
        if found:
            scope.targets.append(Target(kind, found, index.get(found)))
    _identities(index, workspace, scope)
    return scope


def _credential_type(datastore: Resource) -> str:
    value = datastore.get("properties.credentials.credentialsType")
    return value.strip().lower() if isinstance(value, str) else ""


def _datastore_account(index: SnapshotIndex, datastore: Resource) -> str | None:
    name = datastore.get("properties.accountName")
    if not isinstance(name, str) or not name.strip():
        return None
    found = index.with_value(STORAGE, "name", name)
    sub, group = (
        datastore.get("properties.subscriptionId"),
        datastore.get("properties.resourceGroup"),
    )
    for account in found:
        if isinstance(sub, str) and sub and armid.subscription_id(account.id) != sub.lower():
            continue
        if (
            isinstance(group, str)
            and group
            and (armid.resource_group(account.id) or "").lower() != group.lower()
        ):
            continue
        return account.id
    if isinstance(sub, str) and sub and isinstance(group, str) and group:
        return shown(
            f"/subscriptions/{sub}/resourceGroups/{group}/providers/{STORAGE}/{name.strip()}"
        )
    return None


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
    hub = _ref(workspace, "properties.hubResourceId")
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
