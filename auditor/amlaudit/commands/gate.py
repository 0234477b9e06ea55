"""`amlaudit gate REPORT`: the CI verdict on a report made earlier, by amlaudit or another tool.

Reads an amlaudit JSON report or any SARIF log (severity from `security-severity` on the result
or its rule, else from `level`), applies suppressions and a baseline exactly as `scan` does, and
exits with the same codes: 0 passed, 1 active finding at or above --fail-on, 2 bad input,
3 incomplete (a SARIF run with `executionSuccessful: false`, a JSON report with errors).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from amlaudit.commands.common import gate_policy

if TYPE_CHECKING:  # the parser is built for every command: keep this module light
    from amlaudit.config import Config
    from amlaudit.model import Finding
    from amlaudit.suppress import Applied

MAX_LISTED = 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "gate",
        help="gate CI on an earlier report (amlaudit JSON or any SARIF)",
        description="Judge a report produced earlier: an amlaudit JSON report, amlaudit SARIF "
        "or another tool's SARIF. Same exit codes as 'scan'.",
    )
    parser.add_argument("report", metavar="REPORT", help="amlaudit JSON report or SARIF file")
    parser.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="critical, high (default), medium, low, info, or never",
    )
    parser.add_argument(
        "--allow-incomplete", action="store_true", help="do not exit 3 on an incomplete scan"
    )
    parser.add_argument(
        "--allow-empty", action="store_true", help="a report with no ML workspace is not incomplete"
    )
    parser.add_argument("--include-preview", action="store_true", help="let preview rules gate")
    parser.add_argument("--config", metavar="FILE", help="configuration file (as for 'scan')")
    add_policy_arguments(parser)
    parser.set_defaults(handler=run)


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    """Accepted-risk flags shared by `scan` and `gate`."""
    group = parser.add_argument_group("accepted risk")
    group.add_argument(
        "--suppressions",
        metavar="FILE",
        help="suppressions YAML (default: .amlaudit/suppressions.yaml when present)",
    )
    group.add_argument(
        "--strict-suppressions",
        action="store_true",
        help="exit 2 when a suppression has expired or matched no failing finding",
    )
    group.add_argument(
        "--baseline",
        metavar="REPORT",
        help="earlier amlaudit JSON or SARIF: only findings new since then gate",
    )


def accept_risk(
    findings: Sequence[Finding],
    rules: Sequence[tuple[str, str]],
    args: argparse.Namespace,
    config: Config,
) -> Applied:
    """Apply suppressions, then the baseline; the warnings to show and every suppression
    entry (for the reports' suppression section)."""
    from amlaudit.baseline import apply_baseline, baseline_fingerprints
    from amlaudit.result import scan_time
    from amlaudit.suppress import Applied, drop_expired, suppress

    strict = args.strict_suppressions or bool(config.get("strict-suppressions", False))
    today = scan_time().date()
    # Records a report carries (gate) expire like file entries; the file's entries then apply.
    warnings = drop_expired(findings, today, "report")
    applied = suppress(
        findings,
        rules,
        args.suppressions or config.get("suppressions"),
        config,
        today,
        strict,
    )
    baseline = args.baseline or config.get("baseline")
    if baseline:
        apply_baseline(findings, baseline_fingerprints(baseline, today))
    return Applied([*warnings, *applied.warnings], applied.entries)


def run(args: argparse.Namespace) -> int:
    from amlaudit.baseline import read_report
    from amlaudit.config import load_config
    from amlaudit.gate import gating_findings
    from amlaudit.verdict import judge, verdict_line

    config = load_config(args.config)
    policy = gate_policy(args, config)
    report = read_report(args.report)
    warnings = accept_risk(report.findings, report.rules, args, config).warnings
    allow_empty = args.allow_empty or bool(config.get("allow-empty", False))
    reasons = list(report.incomplete)
    if report.workspaces == 0 and not allow_empty:
        reasons.append("the report covers no ML workspace")
    for warning in warnings:
        print(f"amlaudit: warning: {warning}", file=sys.stderr)
    for reason in reasons:
        print(f"amlaudit: incomplete: {reason}", file=sys.stderr)
    outcome = judge(
        report.findings,
        policy,
        reasons=reasons,
        baseline=bool(args.baseline or config.get("baseline")),
    )
    _print_gating(gating_findings(report.findings, policy))
    print(verdict_line(f"gate {report.path}", outcome))
    return outcome.code


def _print_gating(gating: Sequence[Finding]) -> None:
    """The findings that fail the gate, worst first (new ones are what a pipeline must fix)."""
    ordered = sorted(gating, key=lambda f: (-f.severity.rank, f.rule_id, f.resource_id.lower()))
    for finding in ordered[:MAX_LISTED]:
        new = " NEW" if finding.baseline_state == "new" else ""
        print(
            f"  {finding.severity.value.upper()}{new} {finding.rule_id} {finding.shown_name}: "
            f"{' '.join(finding.message.split())[:300]}"
        )
    if len(ordered) > MAX_LISTED:
        print(f"  ... and {len(ordered) - MAX_LISTED} more")
