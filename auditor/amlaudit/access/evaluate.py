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

from collections.abc import Iterator, Sequence
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


@dataclass(slots=True)
class Hit:
    assignment: Assignment
    role: RoleDefinition
    grade: Grade
    condition: str | None
    partial: str | None
    facts: tuple[str, ...]


Candidate = tuple[Assignment, RoleDefinition, str | None]  # assignment, its role, partial scope


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
    """Evaluates routes against a snapshot's assignments; every per-role and per-target step
    is memoised, so 1,000 workspaces under the same subscriptions cost little more than one."""

    def __init__(self, estate: AccessEstate) -> None:
        self.estate = estate
        self.unknown: dict[tuple[str, str, str], Assignment] = {}
        self._ops: dict[str, dict[tuple[str, bool], RoleGrant]] = {}
        self._candidates: dict[str, tuple[list[Candidate], list[Assignment]]] = {}
        self._matched: dict[tuple[str, tuple[int, ...]], list[tuple[Route, RoleGrant]]] = {}
        # (principal, deny name): a deny naming a group may remove the grant; ARM cannot tell.
        self.group_denies: set[tuple[str, str]] = set()

    def role_ops(self, role: RoleDefinition) -> dict[tuple[str, bool], RoleGrant]:
        """What a role grants among every operation a capability route names."""
        found = self._ops.get(role.guid)
        if found is None:
            found = {}
            for operation, is_data in caps.ROUTE_OPERATIONS:
                grant = role.grants(operation, is_data)
                if grant is not None:
                    found[(operation, is_data)] = grant
            self._ops[role.guid] = found
        return found

    def candidates(self, target: str) -> list[Candidate]:
        """Assignments effective at `target` or on a child of it, with their definitions;
        those whose role is unknown are recorded in `unknown`, never taken as granting nothing."""
        key = armid.key(target)
        cached = self._candidates.get(key)
        if cached is None:
            resolved: list[Candidate] = []
            unknown: list[Assignment] = []
            pairs: list[tuple[Assignment, str | None]] = [
                (a, None) for a in self.estate.applicable(target)
            ]
            pairs += [(a, a.scope) for a in self.estate.partial(target)]
            for assignment, partial in pairs:
                role = self.estate.roles.get(assignment.role_guid)
                if role is None:
                    unknown.append(assignment)
                else:
                    resolved.append((assignment, role, partial))
            cached = self._candidates[key] = (resolved, unknown)
        for assignment in cached[1]:
            self.unknown[(assignment.source_id, assignment.principal_id, assignment.role_guid)] = (
                assignment
            )
        return cached[0]

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
                if deny.names_groups and self._deny_matches(deny, route):
                    self.group_denies.add((assignment.principal_id, deny.name))
                continue
            if not self._deny_matches(deny, route):
                continue
            if deny.excludes_groups:  # the principal may be in an excluded group
                self.group_denies.add((assignment.principal_id, deny.name))
                continue
            return deny
        return None

    @staticmethod
    def _deny_matches(deny: DenyAssignment, route: Route) -> bool:
        return any(
            allowed(
                b.data_actions if route.is_data else b.actions,
                b.not_data_actions if route.is_data else b.not_actions,
                route.operation,
            )
            for b in deny.blocks
        )

    def hits(
        self, target: str, routes: Sequence[Route], denied: list[Denied]
    ) -> Iterator[tuple[Route, Hit]]:
        """Every (route, assignment) granting a route's operation at `target` or below it."""
        target_key = armid.key(target)
        signature = tuple(map(id, routes))  # routes are module-level objects: ids are stable
        for assignment, role, partial in self.candidates(target):
            granted = self._matched.get((role.guid, signature))
            if granted is None:
                ops = self.role_ops(role)
                granted = [(r, ops[r.key]) for r in routes if r.key in ops]
                self._matched[(role.guid, signature)] = granted
            for route, grant in granted:
                facts: tuple[str, ...] = (assignment.note,) if assignment.note else ()
                if self.estate.denies:
                    self.group_denies.clear()
                    deny = self.deny_for(assignment, target_key, route)
                    if deny is not None:
                        denied.append(Denied(assignment, deny, route.operation))
                        continue
                    facts += tuple(
                        f"deny assignment '{name}' involves a group: whether it removes this "
                        "depends on group membership (not in ARM)"
                        for _, name in sorted(self.group_denies)
                    )
                grade = _ROUTE_GRADE.get(route.route, Grade.DIRECT)
                condition = None
                for text in (assignment.condition, grant.condition):
                    if text and constrains(text, route.operation):
                        condition = text
                        grade = grade.weaker(Grade.CONDITIONAL)
                if assignment.kind in _ELIGIBLE_KINDS:
                    grade = grade.weaker(Grade.ELIGIBLE)
                yield route, Hit(assignment, role, grade, condition, partial, facts)

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
