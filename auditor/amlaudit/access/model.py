"""The records of an access analysis: assignments, deny assignments, grades and grants.

Grades (the JSON contract, docs/access.md): `direct`, `via-credential` (a key or secret
listing hands out the access), `indirect` (through a managed identity the principal can run
code as), `conditional` (an ABAC condition restricts the operation), `possible` (the role
matches by definition but the service behaviour needs live verification), `eligible` (PIM
eligibility: a grant after activation). When several apply, the weakest wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from amlaudit.redact import printable, scrub_text

EVERYONE = "00000000-0000-0000-0000-000000000000"


def shown(text: str) -> str:
    """Snapshot text as every report may show it: no control characters, no secret-shaped
    fragments. Applied where text enters the analysis, so no format has to walk the result."""
    return printable(scrub_text(text))


GROUP_TYPES = frozenset({"group", "foreigngroup"})


class Grade(StrEnum):
    DIRECT = "direct"
    VIA_CREDENTIAL = "via-credential"
    INDIRECT = "indirect"
    CONDITIONAL = "conditional"
    POSSIBLE = "possible"
    ELIGIBLE = "eligible"

    @property
    def rank(self) -> int:
        """0 is the most certain; the weakest qualifier of a chain decides its grade."""
        return _RANK[self]

    def weaker(self, other: Grade) -> Grade:
        return self if _RANK[self] >= _RANK[other] else other


_RANK = {grade: number for number, grade in enumerate(Grade)}


@dataclass(frozen=True, slots=True)
class Assignment:
    """A grant of a role to a principal at a scope: a role assignment, a PIM eligibility,
    a Key Vault access policy or a Lighthouse authorization (`kind` says which)."""

    source_id: str
    principal_id: str
    principal_type: str
    role_guid: str
    scope: str
    scope_key: str
    condition: str | None = None
    kind: str = "active"  # active | eligible | lighthouse | lighthouse-eligible
    note: str | None = None


@dataclass(frozen=True)
class DenyAssignment:
    source_id: str
    name: str
    scope_key: str
    children: bool
    principals: frozenset[str]
    excluded: frozenset[str]
    names_groups: bool  # a principal it applies to is a group
    excludes_groups: bool  # an excluded principal is a group
    blocks: tuple[Any, ...]  # PermissionBlock


@dataclass(slots=True)  # not frozen: ~85,000 are made at 1,000 workspaces; never mutated
class Step:
    """One link of a chain: `principal` reaches `operation` on `target` through `role`
    assigned at `scope` (or through an access policy, a credential, an identity)."""

    principal_id: str
    principal_type: str
    role: str
    role_id: str
    scope: str
    operation: str
    target: str
    route: str
    condition: str | None = None
    partial: str | None = None
    kind: str = "active"

    @classmethod
    def of(
        cls,
        assignment: Assignment,
        role: str,
        role_id: str,
        operation: str,
        target: str,
        route: str,
        condition: str | None = None,
        partial: str | None = None,
    ) -> Step:
        """The step an assignment makes: its principal, scope and kind, with what it grants."""
        return cls(
            principal_id=assignment.principal_id,
            principal_type=assignment.principal_type,
            role=role,
            role_id=role_id,
            scope=assignment.scope,
            operation=operation,
            target=target,
            route=route,
            condition=condition,
            partial=partial,
            kind=assignment.kind,
        )

    def to_dict(self, principal: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if principal:
            out["principal_id"] = self.principal_id
            out["principal_type"] = self.principal_type
        out.update(
            role=self.role,
            role_id=self.role_id,
            scope=self.scope,
            route=self.route,
            operation=self.operation,
            target=self.target,
        )
        if self.kind != "active":
            out["assignment"] = self.kind
        if self.condition:
            out["condition"] = self.condition
        if self.partial:
            out["partial"] = self.partial
        return out


@dataclass(slots=True)  # not frozen, like Step; never mutated
class Grant:
    """A principal holds a capability on a workspace, with its grade and the chain behind it
    (one step, or two when it runs through a managed identity)."""

    capability: str
    principal_id: str
    principal_type: str
    grade: Grade
    chain: tuple[Step, ...]
    facts: tuple[str, ...] = field(default=())

    @property
    def first(self) -> Step:
        return self.chain[0]

    def to_dict(self) -> dict[str, Any]:
        """The contract's grant: the principal's own step, flattened; `via` is the identity's
        step when the grant runs through one."""
        out: dict[str, Any] = {
            "principal_id": self.principal_id,
            "principal_type": self.principal_type,
            "grade": self.grade.value,
        }
        out.update(self.first.to_dict(principal=False))
        if len(self.chain) > 1:
            out["via"] = self.chain[-1].to_dict()
        out["facts"] = list(self.facts)
        return out


Best = dict[tuple[str, ...], Grant]


def keep_best(best: Best, key: tuple[str, ...], grant: Grant) -> None:
    """One grant per key (capability, principal, assignment, dependency): the best graded."""
    found = best.get(key)
    if found is None or grant.grade.rank < found.grade.rank:
        best[key] = grant
