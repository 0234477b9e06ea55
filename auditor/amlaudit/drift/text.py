"""The diff for a terminal or a log: what got worse per workspace first, then better, then the
rest, the gaps and secret notes, and the verdict line last."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TextIO

from amlaudit.drift.model import (
    Attribution,
    DriftReport,
    FindingChange,
    ResourceChange,
    RoleChange,
    SideInfo,
)
from amlaudit.drift.verdict import DiffVerdict
from amlaudit.drift.views import Item, WorkspaceSection, sections, show, summary_counts

HEADINGS = ("What got worse", "What got better", "Everything else")
Write = Callable[[str], object]


def render(report: DriftReport, out: TextIO, verdict: DiffVerdict, verbose: bool = False) -> None:
    write: Write = out.write
    write(f"amlaudit diff: OLD {side_text(report.old)}\n")
    write(f"               NEW {side_text(report.new)}\n")
    for note in report.notes:
        write(f"note: {note}\n")
    if report.no_changes:
        write("\nno changes\n")
    else:
        parts = sections(report)
        for heading, group in zip(HEADINGS, (parts.worse, parts.better, parts.rest), strict=True):
            if group:
                write(f"\n{heading}\n")
                for section in group:
                    _section(section, report.attributions, write)
    if report.coverage:
        write("\nNot comparable (not collected on one side; never read as deleted)\n")
        for gap in report.coverage:
            write(
                f"  {gap.side.upper()}: {gap.resource_type} under {show(gap.scope)}: "
                f"{show(gap.reason)}\n"
            )
    _secrets(report, write, verbose)
    write("\n" + summary_line(report) + "\n")
    write(verdict.line + "\n")


def side_text(side: SideInfo) -> str:
    when = f", collected {show(side.collected_at)}" if side.collected_at else ""
    return f"{show(side.path)} ({side.kind}{when})"


def summary_line(report: DriftReport) -> str:
    c = summary_counts(report)
    return (
        f"{c['new_failing']} new failing, {c['fixed']} fixed, {c['still_failing']} still "
        f"failing, {c['new_rule']} from new rules; resources: {c['resources_changed']} changed "
        f"({c['security_relevant_changes']} security-relevant), {c['resources_added']} added, "
        f"{c['resources_removed']} removed, {c['resources_recreated']} recreated; role "
        f"assignments: {c['role_assignments_added']} added, {c['role_assignments_removed']} "
        f"removed"
    )


def _section(
    section: WorkspaceSection, attributions: Mapping[str, Attribution], write: Write
) -> None:
    if section.workspace_id:
        write(f"  workspace {section.name} ({section.workspace_id})\n")
    else:
        write("  outside any workspace\n")
    told: set[str] = set()  # say who changed a resource once per workspace
    for item in section.items:
        for line in item_lines(item, attributions, told):
            write(f"    {line}\n")


def item_lines(
    item: Item, attributions: Mapping[str, Attribution], told: set[str]
) -> Iterator[str]:
    """One change as indented plain-text lines (names and values already made safe)."""
    if isinstance(item, FindingChange):
        label = item.kind.value.replace("_", " ").upper()
        severity = item.severity.value.upper()
        if item.old_severity and item.new_severity and item.old_severity != item.new_severity:
            severity = f"{item.old_severity.value.upper()} -> {item.new_severity.value.upper()}"
        statuses = f" [{_status(item.old_status)} -> {_status(item.new_status)}]"
        yield f"{label} {severity} {item.rule_id} {item.display_name}{statuses}: {show(item.message)}"
        yield from _attribution(item.resource_id, attributions, told)
    elif isinstance(item, ResourceChange):
        marker = " [security-relevant]" if item.security_relevant else ""
        yield f"{item.kind.value.upper()} {item.resource_name} ({item.resource_type}){marker}"
        for name, (before, after) in item.recreation.items():
            yield f"  recreated: {name} {show(before)} -> {show(after)}"
        for path in item.paths:
            rules = f"  (read by {', '.join(path.rules)})" if path.rules else ""
            yield f"  {path.path}: {show(path.old)} -> {show(path.new)}{rules}"
        yield from _attribution(item.resource_id, attributions, told)
    elif isinstance(item, RoleChange):
        yield (
            f"ROLE ASSIGNMENT {item.kind.upper()} {show(item.role)} for {show(item.principal_type)} "
            f"{show(item.principal_id)} at {show(item.scope)} ({item.reach})"
        )
    else:
        yield f"CUSTOM ROLE CHANGED {show(item.role)} ({item.definition_id})"
        for name, values in sorted(item.added.items()):
            if values:
                yield f"  {name} added: {show(', '.join(values))}"
        for name, values in sorted(item.removed.items()):
            if values:
                yield f"  {name} removed: {show(', '.join(values))}"


def _status(status: object) -> str:
    return getattr(status, "value", None) or "absent"


def _attribution(
    resource_id: str, attributions: Mapping[str, Attribution], told: set[str]
) -> Iterator[str]:
    attribution = attributions.get(resource_id)
    if attribution is None or resource_id in told or attribution.status == "unavailable":
        return  # "unavailable" holds for every resource: the notes say it once
    told.add(resource_id)
    if attribution.status == "found":
        yield (
            f"  changed by {attribution.changed_by or '(unknown)'} via "
            f"{attribution.client_type or '(unknown client)'} at {attribution.timestamp} "
            f"({attribution.change_type or 'change'})"
        )
    else:
        yield f"  who changed it: unknown ({attribution.note})"


def _secrets(report: DriftReport, write: Write, verbose: bool) -> None:
    shown = [s for s in report.secrets if verbose or s.kind != "not_comparable_redacted"]
    hidden = len(report.secrets) - len(shown)
    if not report.secrets:
        return
    write("\nSecrets (values never shown)\n")
    for note in shown:
        if note.kind == "rotated":
            write(f"  rotated: {note.resource_id} {note.path}: {note.old} -> {note.new}\n")
        elif note.kind == "changed_redacted":
            write(f"  changed (redacted): {note.resource_id} {note.path}\n")
        else:
            write(f"  not comparable (redacted): {note.resource_id} {note.path}\n")
    if hidden:
        write(
            f"  not comparable (redacted): {hidden} value(s) redacted on both sides (-v lists them)\n"
        )
