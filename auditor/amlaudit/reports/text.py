"""The terminal report: what was judged, the failing findings grouped by rule (worst first,
new ones first when there is a baseline), the accepted risk and what could not be judged.

A pipeline log is read top to bottom by someone deciding what to fix: each count says what it
counts, each rule shows at most 10 resources unless `-v` (the JSON and HTML reports hold every
finding), and findings already in the baseline collapse to a count unless `--show-baselined`.
The verdict line that explains the exit code is printed by the command (amlaudit.verdict).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import TextIO

from amlaudit.api import RuleSpec
from amlaudit.model import Finding, RuleStatus, Severity, Status
from amlaudit.reports import ReportSettings
from amlaudit.result import ScanResult
from amlaudit.suppress import EXPIRING_DAYS, ending
from amlaudit.verdict import plural

_COLORS = {
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_RESET = "\033[0m"
MAX_RESOURCES_PER_RULE = 10
MAX_LISTED = 20

Paint = Callable[[str, Severity], str]


def render(result: ScanResult, out: TextIO, settings: ReportSettings) -> None:
    def paint(text: str, severity: Severity) -> str:
        return f"{_COLORS[severity]}{text}{_RESET}" if settings.color else text

    baseline = bool(settings.extra.get("baseline"))
    failing = [f for f in result.findings if f.status is Status.FAIL and not f.suppressed]
    new = [f for f in failing if f.baseline_state != "unchanged"]
    known = [f for f in failing if f.baseline_state == "unchanged"]
    _write_header(result, new, baseline, known, out, paint)
    specs = {spec.id: spec for spec in result.rules}
    gate = _gate_note(settings)
    if baseline:
        out.write(f"\nNew since the baseline: {plural(len(new), 'failing finding')}\n")
        _write_rules(new, specs, out, paint, settings.verbose, mark="NEW ", gate=gate)
        if settings.extra.get("show_baselined"):
            out.write(f"\nAlready in the baseline: {plural(len(known), 'failing finding')}\n")
            _write_rules(known, specs, out, paint, settings.verbose, mark="in baseline: ")
        elif known:
            out.write(
                f"\n{plural(len(known), 'failing finding')} already in the baseline "
                "(not listed; --show-baselined lists them)\n"
            )
    else:
        _write_rules(failing, specs, out, paint, settings.verbose, mark="", gate=gate)
    _write_suppressions(result, out, settings.verbose)
    _write_incomplete(result, out)
    _write_unjudged(result, out)
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")


def _write_header(
    result: ScanResult,
    active: Sequence[Finding],
    baseline: bool,
    known: Sequence[Finding],
    out: TextIO,
    paint: Paint,
) -> None:
    summary = result.summary()
    statuses = summary["by_status"]
    in_input = sum(source.resources for source in result.sources)
    out.write(
        f"amlaudit {result.tool_version}: {plural(summary['rules'], 'rule')} judged "
        f"{plural(summary['resources'], 'resource')} of the {in_input:,} in the input "
        f"({plural(summary['workspaces'], 'ML workspace')}, "
        f"{plural(len(result.subscriptions), 'subscription')})\n"
    )
    out.write(
        f"  findings (one per rule and resource): {statuses['pass']:,} pass, "
        f"{statuses['fail']:,} fail, {statuses['error']:,} error, "
        f"{statuses['skipped']:,} skipped, {statuses['info']:,} info\n"
    )
    counts = {s: 0 for s in Severity}
    for finding in active:
        counts[finding.severity] += 1
    which = "new since the baseline" if baseline else "active"
    out.write(
        f"  failing, {which} (not suppressed): "
        + ", ".join(paint(f"{counts[s]:,} {s.value}", s) for s in Severity)
        + "\n"
    )
    extra = []
    if summary["suppressed"]:
        extra.append(f"{summary['suppressed']:,} suppressed")
    if baseline:
        extra.append(f"{len(known):,} in the baseline")
    if extra:
        out.write(f"  failing, accepted: {', '.join(extra)}\n")


def _write_rules(
    findings: Sequence[Finding],
    specs: dict[str, RuleSpec],
    out: TextIO,
    paint: Paint,
    verbose: bool,
    mark: str,
    gate: Callable[[RuleSpec], str] | None = None,
) -> None:
    """Findings grouped by rule, worst rule first; at most 10 resources a rule unless -v.
    `gate` says, per rule, whether its findings here fail the gate."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule_id].append(finding)
    ordered = sorted(by_rule, key=lambda rid: (-specs[rid].severity.rank, rid))
    for rule_id in ordered:
        spec = specs[rule_id]
        group = by_rule[rule_id]
        out.write(
            f"\n{paint(spec.severity.value.upper(), spec.severity)} {spec.id} {spec.name}: "
            f"{plural(len(group), 'resource')}{gate(spec) if gate else ''}\n  {spec.title}\n"
        )
        shown = group if verbose else group[:MAX_RESOURCES_PER_RULE]
        for finding in shown:
            out.write(f"  - {mark}{finding.shown_name}: {finding.message}\n")
            if verbose:
                out.write(f"    {finding.resource_id}\n")
        if len(group) > len(shown):
            out.write(
                f"  ... and {len(group) - len(shown):,} more (-v lists them; the JSON and "
                "HTML reports have every finding)\n"
            )
        fix = _first_command(spec.fix)
        if fix:
            out.write(f"  fix: {fix}\n")
        out.write(f"  docs: amlaudit explain {spec.id}\n")


def _gate_note(settings: ReportSettings) -> Callable[[RuleSpec], str]:
    """`, fails the gate (--fail-on high)` for rules whose active findings make the exit 1."""
    fail_on = settings.extra.get("fail_on")
    preview = bool(settings.extra.get("include_preview"))

    def note(spec: RuleSpec) -> str:
        if not isinstance(fail_on, Severity) or spec.severity.rank < fail_on.rank:
            return ""
        if spec.status is not RuleStatus.STABLE and not preview:
            return f" ({spec.status.value}: reported, not gating)"
        return f", fails the gate (--fail-on {fail_on.value})"

    return note


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


def _days(expires: str, today: date) -> int | None:
    try:
        return (date.fromisoformat(expires[:10]) - today).days
    except ValueError:
        return None


def _write_suppressions(result: ScanResult, out: TextIO, verbose: bool) -> None:
    """What was accepted, by whom, why and until when; then entries that stopped (or soon
    stop) suppressing, in a section of their own so they are not lost after the findings."""
    today = result.generated_at.date()
    suppressed = [f for f in result.findings if f.suppression is not None]
    if suppressed:
        out.write(f"\nSuppressed (accepted risk): {plural(len(suppressed), 'finding')}\n")
        ordered = sorted(
            suppressed, key=lambda f: (f.suppression.expires if f.suppression else "", f.rule_id)
        )
        shown = ordered if verbose else ordered[:MAX_LISTED]
        for finding in shown:
            record = finding.suppression
            assert record is not None
            days = _days(record.expires, today)
            left = f", {plural(days, 'day')} left" if days is not None and days >= 0 else ""
            ticket = f" [{record.ticket}]" if record.ticket else ""
            out.write(
                f"  - {finding.rule_id} {finding.shown_name}: until {record.expires}{left}, "
                f"owner {record.owner}{ticket}: {record.justification}\n"
            )
        if len(ordered) > len(shown):
            out.write(f"  ... and {len(ordered) - len(shown):,} more (-v lists them)\n")
    closing = ending(result.suppression_entries, today)
    if not closing:
        return
    out.write(
        f"\nSuppressions expired or expiring within {EXPIRING_DAYS} days: "
        f"{plural(len(closing), 'entry', 'entries')}\n"
    )
    for entry, days in closing:
        when = (
            f"EXPIRED on {entry.expires}, no longer suppresses"
            if days < 0
            else f"expires {entry.expires} ({plural(days, 'day')} left)"
        )
        out.write(
            f"  ! {entry.where}: {when}: {entry.rule} on {entry.resource}; owner {entry.owner}: "
            f"{entry.justification}\n"
        )


def _write_incomplete(result: ScanResult, out: TextIO) -> None:
    problems = [f for f in result.findings if f.status is Status.ERROR]
    if not (result.errors or problems):
        return
    out.write(
        f"\nIncomplete: the scan could not see or judge everything "
        f"({plural(len(result.errors), 'collection error')}, "
        f"{plural(len(problems), 'rule error')}).\n"
    )
    for error in result.errors[:MAX_LISTED]:
        out.write(f"  ! {error.operation} {error.scope}: {error.status} {error.message}\n")
    for finding in problems[:MAX_LISTED]:
        out.write(f"  ! {finding.rule_id} {finding.shown_name}: {finding.message}\n")
    hidden = len(result.errors) + len(problems) - min(len(result.errors), MAX_LISTED)
    hidden -= min(len(problems), MAX_LISTED)
    if hidden > 0:
        out.write(f"  ... and {hidden:,} more (see the JSON report)\n")


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
