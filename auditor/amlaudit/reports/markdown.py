"""A compact Markdown summary for `$GITHUB_STEP_SUMMARY`, pull-request comments and wikis.

Everything that comes from the estate (names, IDs, messages quoting property values) passes
through :func:`escape`: a resource called `<img src=x onerror=...>` or `[x](javascript:...)`
renders as text, a `|` cannot break the table and an `@team` cannot ping anyone. The summary
stays under GitHub's comment limit (65,536 characters) by listing at most MAX_ROWS findings.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TextIO

from amlaudit.gate import GatePolicy, gating_findings
from amlaudit.model import Finding, Severity, Status
from amlaudit.reports import ReportSettings
from amlaudit.result import ScanResult, format_time
from amlaudit.verdict import plural

MAX_ROWS = 50
MAX_CELL = 300
# Markup, table and autolink punctuation (`www.x.com`, `https:`); `&<>` become entities.
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#!|~.:])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str, limit: int = MAX_CELL) -> str:
    """Resource-derived text as literal Markdown: one line, no markup, no HTML, no mentions."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@\u200b")


def render(result: ScanResult, out: TextIO, settings: ReportSettings) -> None:
    summary = result.summary()
    fail_on: Severity | None = settings.extra.get("fail_on", Severity.HIGH)
    failing = [f for f in result.findings if f.status is Status.FAIL]
    active = [f for f in failing if not f.suppressed]
    preview = bool(settings.extra.get("include_preview", False))
    gating = gating_findings(result.findings, GatePolicy(fail_on=fail_on, include_preview=preview))
    incomplete = not summary["complete"] or (
        not result.workspaces and not settings.extra.get("allow_empty", False)
    )
    verdict = "❌ gate failed" if gating else "✅ gate passed"
    if incomplete and not settings.extra.get("allow_incomplete", False):
        verdict = "⚠️ incomplete scan"
    threshold = fail_on.value if fail_on else "never"
    lines = [
        f"## amlaudit: {verdict}",
        "",
        f"{plural(summary['rules'], 'rule')} on {plural(summary['resources'], 'resource')} "
        f"({plural(summary['workspaces'], 'ML workspace')}, "
        f"{plural(len(result.subscriptions), 'subscription')}), "
        f"{format_time(result.generated_at)}. Threshold: `{threshold}`; "
        f"{plural(len(gating), 'active failing finding')} at or above it.",
        "",
        "| Severity | Failing | New | In baseline | Suppressed |",
        "|---|---:|---:|---:|---:|",
    ]
    for severity in Severity:
        rows = [f for f in failing if f.severity is severity]
        if not rows:
            continue
        live = [f for f in rows if not f.suppressed]
        lines.append(
            f"| {severity.value} | {len(live)} "
            f"| {sum(1 for f in live if f.baseline_state == 'new')} "
            f"| {sum(1 for f in live if f.baseline_state == 'unchanged')} "
            f"| {len(rows) - len(live)} |"
        )
    if not failing:
        lines.append("| — | 0 | 0 | 0 | 0 |")
    lines += _rules_table(active, result)
    lines += _findings_table(active, result)
    lines += _problems(result)
    lines += _not_in_input(result)
    out.write("\n".join(lines).rstrip() + "\n")


def _rules_table(active: list[Finding], result: ScanResult) -> list[str]:
    """One row per failing rule: the overview a large estate needs before any detail."""
    if not active:
        return []
    counts = Counter(f.rule_id for f in active)
    new = Counter(f.rule_id for f in active if f.baseline_state == "new")
    specs = [spec for spec in result.rules if spec.id in counts]
    specs.sort(key=lambda spec: (-spec.severity.rank, -counts[spec.id], spec.id))
    lines = [
        "",
        "### Failing rules",
        "",
        "| Severity | Rule | Requirement | Failing | New |",
        "|---|---|---|---:|---:|",
    ]
    for spec in specs[:MAX_ROWS]:
        lines.append(
            f"| {spec.severity.value} | [{spec.id}]({spec.help_uri}) | {escape(spec.title)} "
            f"| {counts[spec.id]} | {new[spec.id]} |"
        )
    if len(specs) > MAX_ROWS:
        lines += ["", f"… and {len(specs) - MAX_ROWS} more rules in the full report."]
    return lines


def _findings_table(active: list[Finding], result: ScanResult) -> list[str]:
    if not active:
        return ["", "No active failing findings."]
    specs = {spec.id: spec for spec in result.rules}
    ordered = sorted(
        active, key=lambda f: (-f.severity.rank, f.rule_id, f.shown_name.lower(), f.resource_id)
    )
    lines = [
        "",
        "### Failing findings",
        "",
        "| Severity | Rule | Resource | Finding |",
        "|---|---|---|---|",
    ]
    for finding in ordered[:MAX_ROWS]:
        spec = specs.get(finding.rule_id)
        rule = f"[{finding.rule_id}]({spec.help_uri})" if spec else escape(finding.rule_id)
        new = " 🆕" if finding.baseline_state == "new" else ""
        lines.append(
            f"| {finding.severity.value}{new} | {rule} "
            f"| {escape(finding.shown_name, 120)} | {escape(finding.message)} |"
        )
    if len(ordered) > MAX_ROWS:
        lines += ["", f"… and {len(ordered) - MAX_ROWS} more in the full report."]
    return lines


def _problems(result: ScanResult) -> list[str]:
    errors = [f for f in result.findings if f.status is Status.ERROR]
    if not (result.errors or errors or result.warnings):
        return []
    lines = ["", "### Could not judge everything", ""]
    for error in result.errors[:MAX_ROWS]:
        lines.append(
            f"- collection: {escape(error.operation)} {escape(error.scope, len(error.scope))}: "
            f"{escape(error.status)} {escape(error.message)}"
        )
    for finding in errors[:MAX_ROWS]:
        lines.append(
            f"- {finding.rule_id} on {escape(finding.shown_name, 120)}: {escape(finding.message)}"
        )
    hidden = max(0, len(result.errors) - MAX_ROWS) + max(0, len(errors) - MAX_ROWS)
    if hidden:
        lines.append(f"- … and {hidden} more in the full report.")
    lines += [f"- warning: {escape(w)}" for w in result.warnings[:MAX_ROWS]]
    return lines


def _not_in_input(result: ScanResult) -> list[str]:
    """Coverage: what the scan needed but the input does not hold. Cells are shortened like
    every other in this PR comment; the JSON report keeps each entry whole."""
    if not result.coverage:
        return []
    lines = ["", "### Not in the input", ""]
    for gap in result.coverage[:MAX_ROWS]:
        rule = f"{gap.rule_id}: " if gap.rule_id else ""
        lines.append(f"- {rule}{escape(gap.reason)}")
    if len(result.coverage) > MAX_ROWS:
        lines.append(f"- … and {len(result.coverage) - MAX_ROWS} more in the full report.")
    return lines
