"""The diff as Markdown: a pull-request or issue comment, or `$GITHUB_STEP_SUMMARY`.

Estate-derived text goes through the scan report's `escape` (no markup, no HTML, no mentions).
At most MAX_ROWS rows are listed, so a large diff stays under GitHub's comment limit; the JSON
format has everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from amlaudit.drift.model import (
    Attribution,
    DriftReport,
    FindingChange,
    ResourceChange,
    RoleChange,
)
from amlaudit.drift.text import HEADINGS, side_text, summary_line
from amlaudit.drift.verdict import DiffVerdict
from amlaudit.drift.views import Item, WorkspaceSection, sections, show
from amlaudit.reports.markdown import escape

MAX_ROWS = 60


def render(report: DriftReport, out: TextIO, verdict: DiffVerdict, verbose: bool = False) -> None:
    lines = [
        "## amlaudit diff",
        "",
        f"OLD {escape(side_text(report.old))}  ",
        f"NEW {escape(side_text(report.new))}",
        "",
    ]
    lines += [f"> {escape(note)}" for note in report.notes]
    budget = [MAX_ROWS]
    if report.no_changes:
        lines += ["", "**no changes**"]
    else:
        parts = sections(report)
        for heading, group in zip(HEADINGS, (parts.worse, parts.better, parts.rest), strict=True):
            if group:
                lines += ["", f"### {heading}"]
                for section in group:
                    lines += _section(section, report.attributions, budget)
    if report.coverage:
        lines += [
            "",
            "### Not comparable",
            "",
            "| side | type | scope | reason |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {g.side.upper()} | {escape(g.resource_type)} | {escape(g.scope)} | {escape(g.reason)} |"
            for g in report.coverage
        ]
    shown = [s for s in report.secrets if verbose or s.kind != "not_comparable_redacted"]
    if report.secrets:
        lines += ["", "### Secrets (values never shown)", ""]
        lines += [
            f"- {s.kind.replace('_', ' ')}: {escape(s.resource_id)} `{escape(s.path)}`"
            + (f" {escape(str(s.old))} → {escape(str(s.new))}" if s.kind == "rotated" else "")
            for s in shown
        ]
        hidden = len(report.secrets) - len(shown)
        if hidden:
            lines.append(f"- not comparable (redacted): {hidden} value(s) redacted on both sides")
    if budget[0] < 0:
        lines += ["", f"_{-budget[0]} more row(s) left out: see the JSON output._"]
    # our own words, no estate text: left unescaped so they read naturally
    lines += ["", summary_line(report), "", f"**{verdict.line}**", ""]
    out.write("\n".join(lines))


def _section(
    section: WorkspaceSection, attributions: Mapping[str, Attribution], budget: list[int]
) -> list[str]:
    title = f"workspace {section.name}" if section.workspace_id else "outside any workspace"
    lines = ["", f"**{escape(title)}**", "", "| change | what | detail |", "|---|---|---|"]
    told: set[str] = set()  # say who changed a resource once per workspace
    for item in section.items:
        budget[0] -= 1
        if budget[0] < 0:
            continue
        lines.append(_row(item, attributions, told))
    return lines


def _row(item: Item, attributions: Mapping[str, Attribution], told: set[str]) -> str:
    if isinstance(item, FindingChange):
        what = f"{item.severity.value.upper()} {item.rule_id} {item.display_name}"
        detail = item.message
        kind = item.kind.value.replace("_", " ")
    elif isinstance(item, ResourceChange):
        kind = item.kind.value + (" (security-relevant)" if item.security_relevant else "")
        what = f"{item.resource_name} ({item.resource_type})"
        detail = "; ".join(
            f"{p.path}: {show(p.old)} → {show(p.new)}"
            + (f" [{', '.join(p.rules)}]" if p.rules else "")
            for p in item.paths[:5]
        ) + (f"; {len(item.paths) - 5} more" if len(item.paths) > 5 else "")
    elif isinstance(item, RoleChange):
        kind = f"role assignment {item.kind}"
        what = f"{item.role} for {item.principal_type} {item.principal_id}"
        detail = f"at {item.scope} ({item.reach})"
    else:
        kind = "custom role changed"
        what = item.role
        detail = "; ".join(
            f"{name} +{', '.join(values)}" for name, values in sorted(item.added.items()) if values
        ) + "".join(
            f"; {name} -{', '.join(values)}"
            for name, values in sorted(item.removed.items())
            if values
        )
    resource_id = getattr(item, "resource_id", "")
    attribution = attributions.get(resource_id)
    if (
        attribution is not None
        and resource_id not in told
        and attribution.status != "unavailable"  # said once in the notes
    ):
        told.add(resource_id)
        detail += (
            f" (changed by {attribution.changed_by} via {attribution.client_type} at "
            f"{attribution.timestamp})"
            if attribution.status == "found"
            else f" (who changed it: unknown, {attribution.note})"
        )
    return f"| {escape(kind)} | {escape(what)} | {escape(detail, 600)} |"
