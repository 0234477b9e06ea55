"""One route on one target: which assignments grant it, graded, minus what deny assignments
take away (rbac.md §3.5).

A principal's rights are the union of its assignments; a role grants an operation when one of
its blocks allows it and that block's NotActions do not remove it; a deny assignment covering
the principal, the target and the operation wins over every grant. Conditions (on the
assignment or inside the definition) that name the operation make the grant conditional; PIM
eligibility makes it eligible; a route that needs a resource-local fact the snapshot lacks
makes it possible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from amlaudit import armid
from amlaudit.access import capabilities as caps
from amlaudit.access.capabilities import Route
from amlaudit.access.conditions import constrains
from amlaudit.access.estate import AccessEstate
from amlaudit.access.model import EVERYONE, Assignment, DenyAssignment, Grade
from amlaudit.access.roles import RoleDefinition, RoleGrant
from amlaudit.access.scopes import group_applies, is_management_group
from amlaudit.access.targets import Target, local_fact
from amlaudit.access.wildcard import allowed

_ELIGIBLE_KINDS = frozenset({"eligible", "lighthouse-eligible"})
_ROUTE_GRADE = {
    caps.KEY_LISTING: Grade.VIA_CREDENTIAL,
    caps.SECRET_LISTING: Grade.VIA_CREDENTIAL,
    caps.UNVERIFIED: Grade.POSSIBLE,
}


@dataclass(frozen=True, slots=True)
class Hit:
    assignment: Assignment
    role: RoleDefinition
    grade: Grade
    condition: str | None
    partial: str | None
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Denied:
    assignment: Assignment
    deny: DenyAssignment
    operation: str


def precondition(subject: Target, when: str | None) -> tuple[bool | None, str | None]:
    """Whether the resource-local fact a route needs holds: True, False, or None (unknown,
    the resource is not in the snapshot), with the fact as the report states it."""
    if when is None:
        return True, None
    if when == caps.CREDENTIAL_DATASTORE:
        names = subject.credential_datastores
        return bool(names), f"credential-based datastores: {', '.join(names)}" if names else None
    if subject.resource is None:
        return None, f"{subject.id} is not in the snapshot: its settings are unknown"
    if when in (caps.SHARED_KEY, caps.DEFAULT_STORAGE):
        if when == caps.DEFAULT_STORAGE and not subject.default:
            return False, None
        value = local_fact(subject, "properties.allowSharedKeyAccess")
        if value is False:
            return False, None
        return (
            True,
            "allowSharedKeyAccess absent ⇒ true" if value is None else "allowSharedKeyAccess true",
        )
    if when in (caps.RBAC_VAULT, caps.POLICY_VAULT):
        rbac = local_fact(subject, "properties.enableRbacAuthorization") is True
        if when == caps.RBAC_VAULT:
            return rbac, "vault uses Azure RBAC" if rbac else None
        return (not rbac), "vault uses access policies" if not rbac else None
    if when == caps.ADMIN_USER:
        enabled = local_fact(subject, "properties.adminUserEnabled") is True
        return enabled, "registry admin user enabled" if enabled else None
    mode = str(local_fact(subject, "properties.roleAssignmentMode") or "").lower()
    abac = mode == "abacrepositorypermissions"
    if when == caps.REGISTRY_ABAC:
        return abac, "registry in ABAC repository-permissions mode" if abac else None
    return (not abac), None


class Evaluator:
    def __init__(self, estate: AccessEstate) -> None:
        self.estate = estate
        self.unknown: dict[tuple[str, str, str], Assignment] = {}
        self._grants: dict[tuple[str, str, bool], RoleGrant | None] = {}

    def role_grant(self, role: RoleDefinition, operation: str, is_data: bool) -> RoleGrant | None:
        key = (role.guid, operation, is_data)
        if key not in self._grants:
            self._grants[key] = role.grants(operation, is_data)
        return self._grants[key]

    def deny_for(
        self, assignment: Assignment, target_key: str, route: Route
    ) -> DenyAssignment | None:
        for deny in self.estate.denies:
            if not self._deny_applies(deny, target_key):
                continue
            principal = assignment.principal_id
            if principal in deny.excluded:
                continue
            if EVERYONE not in deny.principals and principal not in deny.principals:
                continue
            if any(
                allowed(
                    b.data_actions if route.is_data else b.actions,
                    b.not_data_actions if route.is_data else b.not_actions,
                    route.operation,
                )
                for b in deny.blocks
            ):
                return deny
        return None

    def hits(self, target: str, route: Route, denied: list[Denied]) -> Iterator[Hit]:
        """Every assignment granting `route.operation` at `target` (or on a child of it)."""
        target_key = armid.key(target)
        base = _ROUTE_GRADE.get(route.route, Grade.DIRECT)
        candidates: list[tuple[Assignment, str | None]] = [
            (a, None) for a in self.estate.applicable(target)
        ]
        candidates += [(a, a.scope) for a in self.estate.partial(target)]
        for assignment, partial in candidates:
            role = self.estate.roles.get(assignment.role_guid)
            if role is None:
                self.unknown[
                    (assignment.source_id, assignment.principal_id, assignment.role_guid)
                ] = assignment
                continue
            grant = self.role_grant(role, route.operation, route.is_data)
            if grant is None:
                continue
            if self.estate.denies:
                deny = self.deny_for(assignment, target_key, route)
                if deny is not None:
                    denied.append(Denied(assignment, deny, route.operation))
                    continue
            grade = base
            condition = None
            for text in (assignment.condition, grant.condition):
                if text and constrains(text, route.operation):
                    condition = text
                    grade = grade.weaker(Grade.CONDITIONAL)
            if assignment.kind in _ELIGIBLE_KINDS:
                grade = grade.weaker(Grade.ELIGIBLE)
            facts = (assignment.note,) if assignment.note else ()
            yield Hit(assignment, role, grade, condition, partial, facts)

    def _deny_applies(self, deny: DenyAssignment, target_key: str) -> bool:
        scope = deny.scope_key
        if scope == target_key:
            return True
        if not deny.children:
            return False
        if is_management_group(scope):
            groups = self.estate.ancestry(armid.subscription_id(target_key))
            return group_applies(scope, groups)
        return scope == "" or target_key.startswith(scope + "/")
