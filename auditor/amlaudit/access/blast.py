"""Per workspace: every capability, every principal that holds it, graded, with its chain.

First the direct grants over the workspace's dependency scope (role assignments, PIM
eligibility, Lighthouse authorizations, Key Vault access policies); then one transitive hop:
whoever can run code as a compute's, an endpoint's or the workspace's managed identity
inherits that identity's grants, graded `indirect` (or weaker) with a two-step chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from amlaudit.access import capabilities as caps
from amlaudit.access.capabilities import CAPABILITIES, ORDER, Capability, Route
from amlaudit.access.evaluate import Denied, Evaluator, precondition
from amlaudit.access.hop import hop
from amlaudit.access.model import Assignment, Grade, Grant, Step
from amlaudit.access.policies import policy_grants
from amlaudit.access.scopes import BREADTH, scope_key, scope_kind
from amlaudit.access.targets import Target, WorkspaceScope
from amlaudit.resource import Resource

SUBJECT = {
    "data-read": "storage",
    "data-write": "storage",
    "secrets-read": "vault",
    "cmk-use": "cmk-vault",
    "image-pull": "registry",
    "image-push": "registry",
    "identity-takeover": "identity",
}
RUNNERS = frozenset(caps.RUNS_AS.values())


def _routes_by_subject() -> dict[str, list[tuple[Route, tuple[Capability, ...]]]]:
    """Per subject kind, each distinct route once with the capabilities it yields (storage
    key listing serves both data-read and data-write)."""
    grouped: dict[str, dict[Route, list[Capability]]] = {}
    for capability in CAPABILITIES:
        kind = SUBJECT.get(capability.id, "workspace")
        for route in capability.routes:
            grouped.setdefault(kind, {}).setdefault(route, []).append(capability)
    return {k: [(r, tuple(c)) for r, c in routes.items()] for k, routes in grouped.items()}


ROUTES = _routes_by_subject()
POLICY_CAPABILITIES: dict[str, list[Capability]] = {}
for _capability in CAPABILITIES:
    if _capability.policy is not None:
        _kind = SUBJECT.get(_capability.id, "workspace")
        POLICY_CAPABILITIES.setdefault(_kind, []).append(_capability)


@dataclass
class WorkspaceAccess:
    workspace: Resource
    grants: list[Grant] = field(default_factory=list)
    denied: list[Denied] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unknown: list[Assignment] = field(default_factory=list)


def analyse(
    evaluator: Evaluator, scope: WorkspaceScope, wanted: frozenset[str] | None = None
) -> WorkspaceAccess:
    """The workspace's grants; `wanted` limits the capabilities computed (the ones that let
    code run as an identity are always computed, for the transitive hop)."""
    result = WorkspaceAccess(scope.workspace)
    evaluator.unknown.clear()
    result.missing = sorted({t.id for t in scope.targets if t.resource is None}, key=str.lower)
    best: dict[tuple[str, ...], Grant] = {}
    for subject in scope.targets:
        _subject(evaluator, scope, subject, result.denied, best, wanted)
    direct = list(best.values())
    for identity in scope.identities:
        hop(evaluator, scope, identity, direct, result.denied, best)
    result.grants = sorted(best.values(), key=_order)
    result.unknown = [evaluator.unknown[k] for k in sorted(evaluator.unknown)]
    return result


def _subject(
    evaluator: Evaluator,
    scope: WorkspaceScope,
    subject: Target,
    denied: list[Denied],
    best: dict[tuple[str, ...], Grant],
    wanted: frozenset[str] | None = None,
) -> None:
    """Every capability judged on one subject (a storage account, the vault…): its routes
    grouped by the scope their RBAC is evaluated at (the subject, or the workspace)."""
    facts_of: dict[str | None, tuple[bool | None, str | None]] = {}
    by_target: dict[str, dict[int, tuple[Route, tuple[Capability, ...], bool, str | None]]] = {}
    for route, capabilities in ROUTES.get(subject.kind, ()):
        if wanted is not None:
            capabilities = tuple(c for c in capabilities if c.id in wanted or c.id in RUNNERS)
            if not capabilities:
                continue
        if route.when not in facts_of:
            facts_of[route.when] = precondition(subject, route.when)
        holds, fact = facts_of[route.when]
        if holds is False:
            continue
        target = scope.workspace.id if route.target == "workspace" else subject.id
        by_target.setdefault(target, {})[id(route)] = (route, capabilities, bool(holds), fact)
    for target, uses in by_target.items():
        routes = [use[0] for use in uses.values()]
        for route, hit in evaluator.hits(target, routes, denied):
            assignment = hit.assignment
            _, capabilities, holds, fact = uses[id(route)]
            for capability in capabilities:
                grade = hit.grade if holds else hit.grade.weaker(Grade.POSSIBLE)
                key = (
                    capability.id,
                    assignment.principal_id,
                    assignment.source_id,
                    assignment.scope,
                    subject.id,
                )
                found = best.get(key)
                if found is not None and found.grade.rank <= grade.rank:
                    continue
                facts = (
                    *hit.facts,
                    *((fact,) if fact else ()),
                    *_assignable(route, hit.condition, evaluator),
                )
                step = Step.of(
                    assignment,
                    hit.role.name,
                    hit.role.guid,
                    route.operation,
                    target,
                    route.route,
                    hit.condition,
                    hit.partial,
                )
                best[key] = Grant(
                    capability.id,
                    assignment.principal_id,
                    assignment.principal_type,
                    grade,
                    (step,),
                    facts,
                )
    for capability in POLICY_CAPABILITIES.get(subject.kind, ()):
        if wanted is not None and capability.id not in wanted:
            continue
        policy_grants(evaluator, capability, subject, best)


def _assignable(route: Route, condition: str | None, evaluator: Evaluator) -> tuple[str, ...]:
    """For a conditioned roleAssignments/write: the roles the condition lets it assign."""
    if condition is None or not route.operation.lower().endswith("roleassignments/write"):
        return ()
    from amlaudit.access.conditions import assignable_roles

    guids = assignable_roles(condition)
    if not guids:
        return ("condition restricts which roles may be assigned",)
    names = []
    for guid in guids:
        role = evaluator.estate.roles.get(guid)
        names.append(role.name if role is not None else guid)
    return ("may assign only: " + ", ".join(sorted(names)),)


def _order(grant: Grant) -> tuple[int, int, int, str, str, str]:
    first = grant.first
    return (
        ORDER.get(grant.capability, 99),
        grant.grade.rank,
        BREADTH[scope_kind(scope_key(first.scope))],
        grant.principal_id,
        first.target.lower(),
        first.operation.lower(),
    )
