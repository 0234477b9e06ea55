"""The access report: per workspace, capability × principal, plus what could not be judged.

`build_report` is the service behind `amlaudit access` and `scan --access`; `to_dict` is
the JSON contract documented in docs/access.md (format `amlaudit-access`, version 1). A
coverage entry (an unreadable scope, an unknown role, a dependency outside the snapshot, no
role assignments at all) means the answer is incomplete: the CLI exits 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid
from amlaudit.access.blast import WorkspaceAccess, analyse
from amlaudit.access.capabilities import CAPABILITIES
from amlaudit.access.estate import AUTHORIZATION_TYPES, ROLE_ASSIGNMENTS, AccessEstate
from amlaudit.access.evaluate import Evaluator
from amlaudit.access.model import GROUP_TYPES, Grant
from amlaudit.access.scopes import is_management_group, scope_key
from amlaudit.access.targets import workspace_scope
from amlaudit.errors import UsageError
from amlaudit.index import SnapshotIndex
from amlaudit.resource import Resource

FORMAT = "amlaudit-access"
VERSION = 1
# What ARM alone cannot tell (rbac.md §3.8); printed with every result.
LIMITS = (
    "Group and ForeignGroup principals are evaluated as one principal each: their membership "
    "(nested, dynamic, PIM for Groups) needs Microsoft Graph and is not in ARM.",
    "Guests cannot be told apart from members, nor disabled or deleted principals from live ones.",
    "Entra roles and app or service-principal owners who can add credentials are not in ARM.",
    "Credentials handed out earlier (storage keys, SAS tokens, registry passwords) stay valid "
    "until rotated.",
    "Data-plane authorization outside Azure RBAC (ADLS Gen2 ACLs, Azure Files NTFS ACLs, "
    "Kubernetes RBAC) is not evaluated; ABAC conditions are reported, not evaluated.",
    "Which identity a job uses (user or compute identity) is chosen per job at run time.",
    "PIM eligibility is shown only where the snapshot holds eligibility schedule instances.",
)


@dataclass(frozen=True)
class CoverageEntry:
    kind: str  # unreadable-scope, unknown-role, missing-dependency, no-assignments
    scope: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "scope": self.scope, "message": self.message}


@dataclass
class AccessReport:
    workspaces: list[WorkspaceAccess]
    coverage: list[CoverageEntry]
    catalog_source: str
    catalog_date: str
    catalog_roles: list[tuple[str, str]]
    labels: dict[str, list[str]]
    principal: str | None = None
    limits: tuple[str, ...] = LIMITS
    generated_at: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.coverage


def select_workspaces(index: SnapshotIndex, wanted: str | None) -> list[Resource]:
    """All workspaces, or the one whose ID (or unique name) is `wanted`."""
    workspaces = index.workspaces()
    if not wanted:
        return workspaces
    by_id = index.get(wanted) if wanted.startswith("/") else None
    if by_id is not None and by_id in workspaces:
        return [by_id]
    named = [w for w in workspaces if w.name.lower() == wanted.strip().lower()]
    if len(named) == 1:
        return named
    if len(named) > 1:
        listed = ", ".join(w.id for w in named)
        raise UsageError(f"--workspace {wanted!r} matches {len(named)} workspaces: {listed}")
    raise UsageError(f"--workspace {wanted!r}: no such ML workspace in the snapshot")


def build_report(
    index: SnapshotIndex, workspace: str | None = None, principal: str | None = None
) -> AccessReport:
    estate = AccessEstate(index)
    evaluator = Evaluator(estate)
    chosen = select_workspaces(index, workspace)
    wanted = principal.strip().lower() if principal else None
    results = []
    coverage: dict[tuple[str, str], CoverageEntry] = {}
    for resource in chosen:
        scope = workspace_scope(index, resource)
        result = analyse(evaluator, scope)
        if wanted:
            result.grants = [g for g in result.grants if g.principal_id == wanted]
        results.append(result)
        _coverage(index, scope.targets, result, coverage)
    if not index.of_type(ROLE_ASSIGNMENTS):
        coverage[("no-assignments", "")] = CoverageEntry(
            "no-assignments",
            "",
            "the snapshot holds no role assignments: who can reach what cannot be judged",
        )
    catalog = estate.roles.catalog
    used = sorted((g, catalog.roles[g].name) for g in estate.roles.from_catalog)
    return AccessReport(
        workspaces=results,
        coverage=[coverage[k] for k in sorted(coverage)],
        catalog_source=catalog.source,
        catalog_date=catalog.date,
        catalog_roles=used,
        labels={p: sorted(ids, key=str.lower) for p, ids in estate.identity_of.items()},
        principal=wanted,
    )


def error_gaps(index: SnapshotIndex, target_ids: Sequence[str]) -> list[CoverageEntry]:
    """Collection errors that leave the authorization picture of these targets incomplete:
    failed authorization lists at or above them, and any at a management group or the root."""
    found: dict[tuple[str, str], CoverageEntry] = {}
    errors = [
        e
        for t in target_ids
        for kind in AUTHORIZATION_TYPES
        for e in index.errors_covering(t, kind)
    ]
    for error in index.errors:
        scope = scope_key(error.scope)
        typed = (error.resource_type or "").lower()
        if (scope == "" or is_management_group(scope)) and (
            not typed or typed in AUTHORIZATION_TYPES
        ):
            errors.append(error)
    for error in errors:
        found[(error.scope, error.operation)] = CoverageEntry(
            "unreadable-scope",
            error.scope or "/",
            f"{error.operation}: {error.status} {error.message}".strip(),
        )
    return [found[k] for k in sorted(found)]


def _coverage(
    index: SnapshotIndex,
    targets: Sequence[Any],
    result: WorkspaceAccess,
    out: dict[tuple[str, str], CoverageEntry],
) -> None:
    for entry in error_gaps(index, [t.id for t in targets]):
        out[("unreadable-scope", f"{entry.scope}|{entry.message}")] = entry
    for assignment in result.unknown:
        out[("unknown-role", assignment.source_id)] = CoverageEntry(
            "unknown-role",
            assignment.scope,
            f"unknown role {assignment.role_guid} assigned to {assignment.principal_id} "
            f"({assignment.source_id}): its permissions are unknown, not empty",
        )
    for missing in result.missing:
        out[("missing-dependency", armid.key(missing))] = CoverageEntry(
            "missing-dependency",
            missing,
            "referenced by a workspace but not in the snapshot: its settings (shared keys, "
            "vault permission model, registry mode) are unknown; grants through them are 'possible'",
        )


def _grant_dict(grant: Grant, labels: dict[str, list[str]]) -> dict[str, Any]:
    out = grant.to_dict()
    identity = labels.get(grant.principal_id)
    if identity:
        out["identity_of"] = identity
    return out


def principal_counts(grants: Sequence[Grant]) -> dict[str, int]:
    principals = {(g.principal_id, g.principal_type) for g in grants}
    groups = sum(1 for _, kind in principals if kind.lower() in GROUP_TYPES)
    return {"principals": len(principals) - groups, "groups": groups}


def to_dict(report: AccessReport) -> dict[str, Any]:
    workspaces = []
    for result in report.workspaces:
        by_capability: dict[str, list[dict[str, Any]]] = {c.id: [] for c in CAPABILITIES}
        for grant in result.grants:
            by_capability[grant.capability].append(_grant_dict(grant, report.labels))
        workspaces.append(
            {
                "id": result.workspace.id,
                "name": result.workspace.name,
                "counts": principal_counts(result.grants),
                "capabilities": [
                    {"id": c.id, "title": c.title, "grants": by_capability[c.id]}
                    for c in CAPABILITIES
                ],
                "denied": [
                    {
                        "principal_id": d.assignment.principal_id,
                        "role_id": d.assignment.role_guid,
                        "scope": d.assignment.scope,
                        "operation": d.operation,
                        "deny_assignment": d.deny.source_id,
                        "deny_name": d.deny.name,
                    }
                    for d in _unique_denied(result)
                ],
                "unknown_roles": [
                    {
                        "principal_id": a.principal_id,
                        "role_id": a.role_guid,
                        "scope": a.scope,
                        "assignment": a.source_id,
                    }
                    for a in result.unknown
                ],
                "missing_dependencies": result.missing,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": report.generated_at,
        "principal": report.principal,
        "complete": report.complete,
        "grades": ["direct", "via-credential", "indirect", "conditional", "possible", "eligible"],
        "role_catalog": {
            "source": report.catalog_source,
            "date": report.catalog_date,
            "used_for": [{"role_id": g, "role": n} for g, n in report.catalog_roles],
        },
        "workspaces": workspaces,
        "coverage": [c.to_dict() for c in report.coverage],
        "limits": list(report.limits),
    }


def access_document(report: AccessReport) -> dict[str, Any]:
    """The contract's document, for every format. Snapshot text was made safe where it
    entered the analysis (`model.shown`), so nothing here walks the result again."""
    from amlaudit.result import format_time, scan_time

    if not report.generated_at:
        report.generated_at = format_time(scan_time())
    return to_dict(report)


def _unique_denied(result: WorkspaceAccess) -> list[Any]:
    seen: dict[tuple[str, str, str, str], Any] = {}
    for denied in result.denied:
        key = (
            denied.assignment.principal_id,
            denied.assignment.source_id,
            denied.operation,
            denied.deny.source_id,
        )
        seen.setdefault(key, denied)
    return [seen[k] for k in sorted(seen)]
