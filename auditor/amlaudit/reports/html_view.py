"""What the HTML report shows, computed once from a ScanResult in a few linear passes.

The template only loops over what is built here, so a 100,000-finding estate renders in
seconds: passing findings are counted, never listed, and long lists are capped with a count of
what was left out (the JSON report always has everything).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from amlaudit.api import RuleSpec
from amlaudit.controls import untitled_note
from amlaudit.model import Finding, Severity, Status
from amlaudit.reports.html_compliance import FrameworkView, compliance
from amlaudit.reports.html_gate import SuppressionView, suppressions, verdict
from amlaudit.reports.svg import BarChart, bar_chart
from amlaudit.result import ScanResult, format_time
from amlaudit.verdict import GateOutcome, verdict_line

# A browser lays out ~5,000 rows in a second or two; 20,000 took ~20 s in headless chromium.
MAX_TABLE_ROWS = 5_000
MAX_PER_RULE = 25
MAX_LISTED = 500
# Up to this many workspace/resource findings, the per-workspace view repeats each message.
MAX_WORKSPACE_MESSAGES = 3_000
# The worst rules shown per workspace at the top of the page.
TOP_RISKS = 5
# A findings table of at most this many rows opens every rule group; larger ones start
# closed (the page height budget is measured with every group closed).
OPEN_GROUPS_UP_TO = 30
SEVERITIES = tuple(Severity)


class Row(NamedTuple):
    """One line of the findings table, as plain strings: the template loop stays lean."""

    status: str
    severity: str
    rule_id: str
    name: str
    resource_id: str
    workspaces: str
    message: str
    evidence: tuple[tuple[str, str, str], ...]  # path, actual, expected (as JSON)


def row_status(finding: Finding) -> str:
    """The status shown in the table: accepted risk is told apart from active failures."""
    if finding.status is Status.FAIL:
        if finding.suppressed:
            return "suppressed"
        if finding.baseline_state == "unchanged":
            return "baselined"
    return finding.status.value


def display_value(value: Any) -> str:
    """Evidence values as compact JSON (strings quoted, so an empty string stays visible)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _row(finding: Finding, names: dict[str, str]) -> Row:
    return Row(
        row_status(finding),
        finding.severity.value,
        finding.rule_id,
        finding.shown_name,
        finding.resource_id,
        ", ".join(names.get(w.lower(), w) for w in finding.workspaces),
        finding.message,
        tuple(
            (e.path, display_value(e.actual), display_value(e.expected)) for e in finding.evidence
        ),
    )


@dataclass
class RuleView:
    spec: RuleSpec
    counts: Counter[str]
    failing: list[Finding]
    suppressed: int
    rows: list[Row] = field(default_factory=list)  # its lines of the findings table

    @property
    def shown(self) -> list[Finding]:
        return self.failing[:MAX_PER_RULE]


@dataclass(frozen=True)
class Risk:
    """A rule failing in a workspace, weighted by severity x resources."""

    spec: RuleSpec
    resources: int

    @property
    def score(self) -> int:
        return self.spec.severity.rank * self.resources


@dataclass
class ResourceView:
    id: str
    name: str
    type: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class WorkspaceView:
    id: str
    name: str
    subscription: str
    resource_group: str
    location: str
    failing: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    resources: dict[str, ResourceView] = field(default_factory=dict)
    risks: list[Risk] = field(default_factory=list)

    @property
    def sorted_resources(self) -> list[ResourceView]:
        return sorted(self.resources.values(), key=lambda r: (r.type.lower(), r.id.lower()))


@dataclass
class ReportView:
    result: ScanResult
    summary: dict[str, Any]
    verdict: GateOutcome
    verdict_line: str
    generated_at: str
    severity_rows: list[dict[str, Any]]
    severity_chart: BarChart
    frameworks: list[FrameworkView]
    rules: list[RuleView]
    workspaces: list[WorkspaceView]
    table: list[Row]
    groups: list[RuleView]
    other_rules: list[RuleView]
    table_hidden: int
    suppressions: list[SuppressionView]
    error_findings: list[Finding]
    workspace_names: dict[str, str]
    workspace_messages: bool
    in_input: int
    untitled: dict[str, str]
    open_groups: bool
    max_listed: int = MAX_LISTED


def _row_order(finding: Finding) -> tuple[int, str, str]:
    return (-finding.severity.rank, finding.rule_id, finding.resource_id.lower())


def build(result: ScanResult, settings_extra: dict[str, Any]) -> ReportView:
    listed = [f for f in result.findings if f.status in (Status.FAIL, Status.ERROR)]
    listed.sort(key=_row_order)
    names = {str(w["id"]).lower(): str(w["name"]) for w in result.workspaces}
    summary = result.summary()
    workspaces = _workspaces(result, listed)
    entries = sum(len(r.findings) for w in workspaces for r in w.resources.values())
    table = [_row(f, names) for f in listed[:MAX_TABLE_ROWS]]
    rules = _rules(result.rules, result.findings)
    by_id = {view.spec.id: view for view in rules}
    for row in table:
        if row.rule_id in by_id:
            by_id[row.rule_id].rows.append(row)
    outcome = verdict(result, settings_extra)
    frameworks = compliance(result.rules, result.findings)
    return ReportView(
        result=result,
        summary=summary,
        verdict=outcome,
        verdict_line=verdict_line("scan", outcome),
        generated_at=format_time(result.generated_at),
        severity_rows=_severity_rows(result.findings),
        severity_chart=bar_chart(
            {s.value: summary["failing_by_severity"][s.value] for s in SEVERITIES}
        ),
        frameworks=frameworks,
        rules=rules,
        workspaces=workspaces,
        table=table,
        groups=[view for view in rules if view.rows],
        other_rules=[view for view in rules if not view.rows],
        table_hidden=max(len(listed) - MAX_TABLE_ROWS, 0),
        suppressions=suppressions(listed, result.generated_at.date()),
        error_findings=[f for f in listed if f.status is Status.ERROR],
        workspace_names=names,
        workspace_messages=entries <= MAX_WORKSPACE_MESSAGES,
        in_input=sum(source.resources for source in result.sources),
        open_groups=len(table) <= OPEN_GROUPS_UP_TO,
        untitled={fw.key: note for fw in frameworks if (note := untitled_note(fw.key))},
    )


def _severity_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    """Per severity: active failing, suppressed, baselined (unchanged) and error findings."""
    counts: dict[str, Counter[str]] = {s.value: Counter() for s in SEVERITIES}
    for finding in findings:
        row = counts[finding.severity.value]
        if finding.status is Status.FAIL:
            if finding.suppressed:
                row["suppressed"] += 1
            elif finding.baseline_state == "unchanged":
                row["baselined"] += 1
            else:
                row["active"] += 1
                row["new"] += finding.baseline_state == "new"
        else:
            row[finding.status.value] += 1
    columns = ("active", "new", "suppressed", "baselined", *(s.value for s in Status))
    return [
        {"severity": name, **{column: row[column] for column in columns}}
        for name, row in counts.items()
    ]


def _rules(specs: list[RuleSpec], findings: list[Finding]) -> list[RuleView]:
    """Per rule: counts by status, suppressed failures and the active failing findings."""
    views = {spec.id: RuleView(spec, Counter(), [], 0) for spec in specs}
    for finding in findings:
        view = views.get(finding.rule_id)
        if view is None:
            continue
        view.counts[finding.status.value] += 1
        if finding.status is Status.FAIL:
            if finding.suppressed:
                view.suppressed += 1
            else:
                view.failing.append(finding)
    return sorted(
        views.values(),
        key=lambda v: (
            not (v.failing or v.counts["error"]),
            -v.spec.severity.rank,
            -len(v.failing),
            v.spec.id,
        ),
    )


def _workspaces(result: ScanResult, listed: list[Finding]) -> list[WorkspaceView]:
    views: dict[str, WorkspaceView] = {}
    for ws in result.workspaces:
        key = str(ws["id"]).lower()
        views[key] = WorkspaceView(
            id=str(ws["id"]),
            name=str(ws["name"]),
            subscription=str(ws.get("subscription") or ""),
            resource_group=str(ws.get("resource_group") or ""),
            location=str(ws.get("location") or ""),
        )
    for finding in listed:
        if finding.suppressed:
            continue
        for ws_id in finding.workspaces:
            view = views.get(ws_id.lower())
            if view is None:
                continue
            if finding.status is Status.FAIL:
                view.failing[finding.severity.value] += 1
            else:
                view.errors += 1
            resource = view.resources.get(finding.resource_id.lower())
            if resource is None:
                resource = ResourceView(
                    finding.resource_id, finding.shown_name, finding.resource_type
                )
                view.resources[finding.resource_id.lower()] = resource
            resource.findings.append(finding)
    specs = {spec.id: spec for spec in result.rules}
    for view in views.values():
        view.risks = _risks(view, specs)
    return sorted(
        views.values(),
        key=lambda v: (*(-v.failing[s.value] for s in SEVERITIES), v.name.lower(), v.id.lower()),
    )


def _risks(workspace: WorkspaceView, specs: dict[str, RuleSpec]) -> list[Risk]:
    """The workspace's worst rules: active failing resources x severity, highest first."""
    resources: Counter[str] = Counter()
    for resource in workspace.resources.values():
        for finding in resource.findings:
            if finding.status is Status.FAIL and finding.baseline_state != "unchanged":
                resources[finding.rule_id] += 1
    risks = [Risk(specs[rule_id], n) for rule_id, n in resources.items() if rule_id in specs]
    risks = [risk for risk in risks if risk.score]
    risks.sort(key=lambda r: (-r.score, -r.spec.severity.rank, r.spec.id))
    return risks[:TOP_RISKS]
