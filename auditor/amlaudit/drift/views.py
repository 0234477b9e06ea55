"""The diff as people read it: what got worse, per workspace, then what got better, then the
rest. Shared by the text, Markdown and HTML formats so they never disagree."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from amlaudit.drift.model import (
    Direction,
    DriftReport,
    FindingChange,
    ResourceChange,
    RoleChange,
    RoleDefinitionChange,
)
from amlaudit.redact import printable, scrub_text

Item = FindingChange | ResourceChange | RoleChange | RoleDefinitionChange
ESTATE = ""  # the section of changes that reach no workspace
MAX_VALUE = 120

_KIND_ORDER = {FindingChange: 0, ResourceChange: 1, RoleChange: 2, RoleDefinitionChange: 3}


@dataclass
class WorkspaceSection:
    workspace_id: str
    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Sections:
    worse: list[WorkspaceSection]
    better: list[WorkspaceSection]
    rest: list[WorkspaceSection]


def sections(report: DriftReport) -> Sections:
    items = _items(report)
    grouped: dict[Direction, dict[str, WorkspaceSection]] = {d: {} for d in Direction}
    for item in items:
        workspaces = getattr(item, "workspaces", ()) or (ESTATE,)
        for workspace in workspaces:
            section = grouped[item.direction].get(workspace)
            if section is None:
                name = report.workspaces.get(workspace) or workspace.rsplit("/", 1)[-1]
                section = WorkspaceSection(workspace, name or "outside any workspace")
                grouped[item.direction][workspace] = section
            section.items.append(item)
    return Sections(*(_ordered(grouped[d]) for d in Direction))


def _ordered(by_workspace: dict[str, WorkspaceSection]) -> list[WorkspaceSection]:
    out = sorted(
        by_workspace.values(),
        key=lambda s: (s.workspace_id == ESTATE, s.name.lower(), s.workspace_id.lower()),
    )
    for section in out:
        section.items.sort(key=_item_order)
    return out


def _item_order(item: Item) -> tuple[Any, ...]:
    if isinstance(item, FindingChange):
        return (0, -item.severity.rank, item.rule_id, item.resource_id.lower())
    if isinstance(item, ResourceChange):
        return (1, not item.security_relevant, item.resource_id.lower(), "")
    if isinstance(item, RoleChange):
        return (2, item.kind, item.scope, item.assignment_id.lower())
    return (3, item.role, item.definition_id.lower(), "")


def show(value: Any) -> str:
    """A value as one short, safe line: JSON text, secrets scrubbed, controls replaced."""
    if value is None:
        return "(absent)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    text = printable(scrub_text(text))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def summary_counts(report: DriftReport) -> dict[str, int]:
    kinds = Counter(c.kind.value for c in report.findings)
    resources = Counter(c.kind.value for c in report.resources)
    roles = Counter(c.kind for c in report.roles)
    secrets = Counter(s.kind for s in report.secrets)
    return {
        "new_failing": kinds["new_failing"],
        "fixed": kinds["fixed"],
        "still_failing": report.still_failing,
        "severity_changed": kinds["severity_changed"],
        "status_changed": kinds["status_changed"],
        "resource_removed": kinds["resource_removed"],
        "new_rule": kinds["new_rule"],
        "not_comparable": kinds["not_comparable"],
        "resources_added": resources["added"],
        "resources_removed": resources["removed"],
        "resources_recreated": resources["recreated"],
        "resources_changed": resources["changed"],
        "security_relevant_changes": sum(1 for c in report.resources if c.security_relevant),
        "role_assignments_added": roles["added"],
        "role_assignments_removed": roles["removed"],
        "custom_roles_changed": len(report.role_definitions),
        "coverage_gaps": len(report.coverage),
        "secrets_rotated": secrets["rotated"],
        "secrets_changed_redacted": secrets["changed_redacted"],
        "secrets_not_comparable": secrets["not_comparable_redacted"],
        "worse": sum(1 for item in _items(report) if item.direction is Direction.WORSE),
        "better": sum(1 for item in _items(report) if item.direction is Direction.BETTER),
    }


def _items(report: DriftReport) -> list[Item]:
    return [*report.findings, *report.resources, *report.roles, *report.role_definitions]
