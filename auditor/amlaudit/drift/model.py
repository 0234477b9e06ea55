"""What a diff found, as plain immutable data every output format renders.

Each change says which workspaces it concerns and whether it made the estate worse, better or
neither, so the reports can lead with "what got worse" per workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from amlaudit.model import Severity, Status


class Direction(StrEnum):
    WORSE = "worse"
    BETTER = "better"
    NEUTRAL = "neutral"


class FindingChangeKind(StrEnum):
    NEW_FAILING = "new_failing"
    FIXED = "fixed"
    SEVERITY_CHANGED = "severity_changed"
    STATUS_CHANGED = "status_changed"
    RESOURCE_REMOVED = "resource_removed"
    NEW_RULE = "new_rule"
    NOT_COMPARABLE = "not_comparable"


class ResourceChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RECREATED = "recreated"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who last changed a resource according to Resource Graph `resourcechanges` (14 days)."""

    status: str  # found | none_in_window | older_than_window | unavailable
    note: str
    changed_by: str | None = None
    client_type: str | None = None
    timestamp: str | None = None
    change_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "note": self.note,
            "changedBy": self.changed_by,
            "clientType": self.client_type,
            "timestamp": self.timestamp,
            "changeType": self.change_type,
        }


@dataclass(frozen=True, slots=True)
class FindingChange:
    kind: FindingChangeKind
    rule_id: str
    resource_id: str
    resource_type: str
    resource_name: str
    display_name: str  # what reports show (workspace-qualified children, amlaudit.display)
    fingerprint: str
    old_status: Status | None
    new_status: Status | None
    old_severity: Severity | None
    new_severity: Severity | None
    message: str
    workspaces: tuple[str, ...]
    gating: bool = True
    suppressed: bool = False

    @property
    def severity(self) -> Severity:
        return self.new_severity or self.old_severity or Severity.INFO

    @property
    def direction(self) -> Direction:
        if self.kind is FindingChangeKind.NEW_FAILING:
            return Direction.WORSE
        if self.kind is FindingChangeKind.FIXED:
            return Direction.BETTER
        if (
            self.kind is FindingChangeKind.SEVERITY_CHANGED
            and self.old_severity
            and (self.new_severity)
        ):
            if self.new_severity.rank > self.old_severity.rank:
                return Direction.WORSE
            return Direction.BETTER
        return Direction.NEUTRAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "direction": self.direction.value,
            "rule_id": self.rule_id,
            "resource_id": self.resource_id,
            "resource_type": self.resource_type,
            "resource_name": self.resource_name,
            "display_name": self.display_name,
            "fingerprint": self.fingerprint,
            "old_status": self.old_status.value if self.old_status else None,
            "new_status": self.new_status.value if self.new_status else None,
            "old_severity": self.old_severity.value if self.old_severity else None,
            "new_severity": self.new_severity.value if self.new_severity else None,
            "message": self.message,
            "workspaces": list(self.workspaces),
            "gating": self.gating,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True, slots=True)
class PathChange:
    """One setting that moved: dotted path (array items as `[n]`), old and new value (redacted
    the same way on both sides; `None` when absent), and the rules that read it."""

    path: str
    old: Any
    new: Any
    rules: tuple[str, ...] = ()

    @property
    def security_relevant(self) -> bool:
        return bool(self.rules)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "security_relevant": self.security_relevant,
            "rules": list(self.rules),
        }


@dataclass(frozen=True, slots=True)
class ResourceChange:
    kind: ResourceChangeKind
    resource_id: str
    resource_type: str
    resource_name: str
    workspaces: tuple[str, ...]
    paths: tuple[PathChange, ...] = ()
    recreation: dict[str, Any] = field(default_factory=dict)  # marker path -> [old, new]
    # the rules reading the changed paths fixed findings here and made none worse
    fixes: bool = False

    @property
    def security_relevant(self) -> bool:
        return any(p.security_relevant for p in self.paths)

    @property
    def readers(self) -> frozenset[str]:
        return frozenset(rule for p in self.paths for rule in p.rules)

    @property
    def direction(self) -> Direction:
        """A security-relevant change is in the headline unless it demonstrably fixed
        something: a change that moved no verdict still deserves a look."""
        if not self.security_relevant:
            return Direction.NEUTRAL
        return Direction.BETTER if self.fixes else Direction.WORSE

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "direction": self.direction.value,
            "resource_id": self.resource_id,
            "resource_type": self.resource_type,
            "resource_name": self.resource_name,
            "workspaces": list(self.workspaces),
            "security_relevant": self.security_relevant,
            "paths": [p.to_dict() for p in self.paths],
            "recreation": self.recreation,
        }


@dataclass(frozen=True, slots=True)
class RoleChange:
    """A role assignment added or removed where it reaches a workspace or its dependencies."""

    kind: str  # added | removed
    assignment_id: str
    principal_id: str
    principal_type: str
    role: str
    role_definition_id: str
    scope: str
    reach: str  # above | workspace | dependency
    workspaces: tuple[str, ...]

    @property
    def direction(self) -> Direction:
        return Direction.WORSE if self.kind == "added" else Direction.BETTER

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "direction": self.direction.value,
            "assignment_id": self.assignment_id,
            "principal_id": self.principal_id,
            "principal_type": self.principal_type,
            "role": self.role,
            "role_definition_id": self.role_definition_id,
            "scope": self.scope,
            "reach": self.reach,
            "workspaces": list(self.workspaces),
        }


@dataclass(frozen=True, slots=True)
class RoleDefinitionChange:
    """A custom role whose permissions changed: per permission list, what was added/removed."""

    definition_id: str
    role: str
    added: dict[str, tuple[str, ...]]
    removed: dict[str, tuple[str, ...]]

    @property
    def direction(self) -> Direction:
        return Direction.WORSE if any(self.added.values()) else Direction.BETTER

    def to_dict(self) -> dict[str, Any]:
        return {
            "definition_id": self.definition_id,
            "direction": self.direction.value,
            "role": self.role,
            "added": {k: list(v) for k, v in sorted(self.added.items()) if v},
            "removed": {k: list(v) for k, v in sorted(self.removed.items()) if v},
        }


@dataclass(frozen=True, slots=True)
class CoverageNote:
    """A resource type (under a scope) one side did not fully collect: not comparable."""

    resource_type: str
    scope: str
    side: str  # old | new
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource_type": self.resource_type,
            "scope": self.scope,
            "side": self.side,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class SecretNote:
    """A secret's fate, told from non-secret indicators only."""

    resource_id: str
    path: str
    kind: str  # rotated | changed_redacted | not_comparable_redacted
    old: str | None = None
    new: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id,
            "path": self.path,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True, slots=True)
class SideInfo:
    path: str
    kind: str  # snapshot | report
    collected_at: str | None
    rules: int
    resources: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "collected_at": self.collected_at,
            "rules": self.rules,
            "resources": self.resources,
        }


@dataclass
class DriftReport:
    old: SideInfo
    new: SideInfo
    config_compared: bool
    findings: list[FindingChange]
    still_failing: int
    unchanged: int
    resources: list[ResourceChange]
    roles: list[RoleChange]
    role_definitions: list[RoleDefinitionChange]
    coverage: list[CoverageNote]
    secrets: list[SecretNote]
    workspaces: dict[str, str]  # id -> name, every workspace on either side
    notes: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    # resource ID -> who changed it, for resources that got worse (snapshots only)
    attributions: dict[str, Attribution] = field(default_factory=dict)

    @property
    def no_changes(self) -> bool:
        return not (
            self.findings
            or self.resources
            or self.roles
            or self.role_definitions
            or self.coverage
            or any(s.kind != "not_comparable_redacted" for s in self.secrets)
        )
