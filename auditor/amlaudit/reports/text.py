"""The terminal summary: verdict, counts by severity, failing findings grouped by rule, the fix."""

from __future__ import annotations

from collections import defaultdict
from typing import TextIO

from amlaudit.model import Finding, Severity, Status
from amlaudit.reports import ReportSettings
from amlaudit.result import ScanResult

_COLORS = {
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_RESET = "\033[0m"
_MAX_RESOURCES_PER_RULE = 10


def render(result: ScanResult, out: TextIO, settings: ReportSettings) -> None:
    def paint(text: str, severity: Severity) -> str:
        return f"{_COLORS[severity]}{text}{_RESET}" if settings.color else text

    summary = result.summary()
    statuses = summary["by_status"]
    out.write(
        f"amlaudit {result.tool_version}: {summary['rules']} rules on {summary['resources']} "
        f"resources ({summary['workspaces']} ML workspaces, "
        f"{len(result.subscriptions)} subscriptions)\n"
    )
    out.write(
        f"  {statuses['pass']} pass, {statuses['fail']} fail, {statuses['error']} error, "
        f"{statuses['skipped']} skipped, {statuses['info']} info"
        + (f", {summary['suppressed']} suppressed" if summary["suppressed"] else "")
        + "\n"
    )
    counts = summary["failing_by_severity"]
    out.write(
        "  failing: " + ", ".join(paint(f"{counts[s.value]} {s.value}", s) for s in Severity) + "\n"
    )

    failing = [f for f in result.findings if f.status is Status.FAIL and not f.suppressed]
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in failing:
        by_rule[finding.rule_id].append(finding)
    specs = {spec.id: spec for spec in result.rules}
    ordered = sorted(by_rule, key=lambda rid: (-specs[rid].severity.rank, rid))
    for rule_id in ordered:
        spec = specs[rule_id]
        findings = by_rule[rule_id]
        out.write(
            f"\n{paint(spec.severity.value.upper(), spec.severity)} {spec.id} {spec.name} "
            f"({len(findings)})\n  {spec.title}\n"
        )
        for finding in findings[:_MAX_RESOURCES_PER_RULE]:
            out.write(f"  - {finding.shown_name}: {finding.message}\n")
            if settings.verbose:
                out.write(f"    {finding.resource_id}\n")
        if len(findings) > _MAX_RESOURCES_PER_RULE:
            out.write(f"  ... and {len(findings) - _MAX_RESOURCES_PER_RULE} more\n")
        fix = _first_command(spec.fix)
        if fix:
            out.write(f"  fix: {fix}\n")
        out.write(f"  docs: amlaudit explain {spec.id}\n")

    problems = [f for f in result.findings if f.status is Status.ERROR]
    if result.errors or problems:
        out.write("\nIncomplete: the scan could not see or judge everything.\n")
        for error in result.errors[:20]:
            out.write(f"  ! {error.operation} {error.scope}: {error.status} {error.message}\n")
        for finding in problems[:20]:
            out.write(f"  ! {finding.rule_id} {finding.shown_name}: {finding.message}\n")
        hidden = (
            len(result.errors)
            + len(problems)
            - min(len(result.errors), 20)
            - min(len(problems), 20)
        )
        if hidden > 0:
            out.write(f"  ... and {hidden} more (see the JSON report)\n")
    _write_unjudged(result, out)
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")


def _first_command(fix: str) -> str:
    """The first `az` line of a rule's fix section, as a one-line hint."""
    lines = fix.splitlines()
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("az "):
            command = stripped
            follow = number + 1
            while command.endswith("\\") and follow < len(lines):
                command = command[:-1].rstrip() + " " + lines[follow].strip()
                follow += 1
            return " ".join(command.split())
    return ""


def _write_unjudged(result: ScanResult, out: TextIO) -> None:
    """What the scan needed but the input does not hold: referenced resources outside it,
    resources without properties, types it did not collect. Never silent."""
    if not result.coverage:
        return
    gaps = result.coverage
    out.write(f"\nNot in the input ({len(gaps)}): what the scan needed but could not read.\n")
    for gap in gaps[:20]:
        out.write(f"  - {gap.reason}\n")
    if len(gaps) > 20:
        out.write(f"  ... and {len(gaps) - 20} more (see the JSON report's coverage)\n")
