"""`amlaudit diff OLD NEW`: what got worse (and better) between two audits of one estate.

OLD and NEW are snapshots (any input shape) or earlier amlaudit JSON reports. Exit codes as
for `scan`: 0 nothing got worse at or above --fail-on, 1 something did, 2 bad input, 3 either
side incomplete (unless --allow-incomplete).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from functools import cache, partial
from typing import TYPE_CHECKING, Any, TextIO

from amlaudit.commands.common import (
    add_rule_arguments,
    add_scope_argument,
    dependency_scope,
    gate_policy,
    input_size_limit,
    load_config_for,
    resolve_rules,
)

if TYPE_CHECKING:
    from amlaudit.api import RuleSpec
    from amlaudit.config import Config
    from amlaudit.drift.model import DriftReport
    from amlaudit.drift.sides import Side
    from amlaudit.drift.verdict import DiffVerdict

DIFF_FORMATS = {
    "text": "amlaudit.drift.text",
    "json": "amlaudit.drift.json_out",
    "markdown": "amlaudit.drift.markdown",
    "html": "amlaudit.drift.html",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="what got worse between two audits (snapshots or JSON reports)",
        description="Compare two audits of the same estate: findings (always), and when both "
        "sides are snapshots also configuration, role assignments and secret rotation. "
        "What got worse comes first, per workspace.",
    )
    parser.add_argument("old", metavar="OLD", help="earlier snapshot or amlaudit JSON report")
    parser.add_argument("new", metavar="NEW", help="later snapshot or amlaudit JSON report")
    parser.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FORMAT[:PATH]",
        help="text, json, markdown or html, repeatable (default: text on stdout)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every value redacted on both sides"
    )
    parser.add_argument(
        "--max-input-size", metavar="SIZE", help="refuse snapshot files larger than this"
    )
    gate = parser.add_argument_group("gate")
    gate.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="exit 1 when a finding got worse at or above this severity: critical, high "
        "(default), medium, low, info, or never",
    )
    gate.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="do not exit 3 when either side has collection or rule errors",
    )
    gate.add_argument("--include-preview", action="store_true", help="let preview rules gate too")
    gate.add_argument(
        "--suppressions",
        metavar="FILE",
        help="accepted risk, as for 'scan' (default: .amlaudit/suppressions.yaml when present): "
        "a suppressed finding that got worse is listed but does not gate",
    )
    add_rule_arguments(parser)
    add_scope_argument(parser.add_argument_group("dependency scope (as for 'scan')"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.drift.compare import compare
    from amlaudit.drift.sides import ScanSettings, load_side
    from amlaudit.drift.verdict import judge
    from amlaudit.output import check_not_inputs, parse_outputs, write_text
    from amlaudit.reads import readers

    config = load_config_for(args)
    rules = resolve_rules(args, config)
    outputs = parse_outputs(args.output or ["text"], list(DIFF_FORMATS))
    check_not_inputs(outputs, [args.old, args.new])
    policy = gate_policy(args, config)
    max_size = input_size_limit(args, config)
    settings = ScanSettings(
        rules=rules,
        options=dict(config.get("options", {})),
        options_source=config.path or "configuration",
        max_input_size=max_size,
        dependency_scope=dependency_scope(args, config),
    )
    old = load_side("old", args.old, settings)
    new = load_side("new", args.new, settings)
    _accept_risk([old, new], rules, args, config)
    drift = compare(old, new, cache(readers))
    verdict = judge(drift, policy)
    text_on_stdout = False
    for output in outputs:
        render = importlib.import_module(DIFF_FORMATS[output.format]).render
        write_text(output.path, partial(_produce, render, drift.report, verdict, args.verbose))
        text_on_stdout |= output.to_stdout and output.format in ("text", "markdown")
    if not text_on_stdout:
        print(verdict.line, file=sys.stderr)
    return verdict.exit_code


def _accept_risk(
    sides: list[Side], rules: list[RuleSpec], args: argparse.Namespace, config: Config
) -> None:
    """Suppressions on the snapshot sides, as `scan` applies them (a report side carries its
    own); warnings such as an expired entry go to stderr."""
    from amlaudit.result import scan_time
    from amlaudit.suppress import suppress

    known = [(spec.id, spec.name) for spec in rules]
    explicit = args.suppressions or config.get("suppressions")
    for side in sides:
        if side.kind != "snapshot":
            continue
        applied = suppress(side.findings, known, explicit, config, scan_time().date())
        for warning in applied.warnings:
            if side.label == "new":  # the same entries warn once, for tonight's side
                print(f"amlaudit: warning: {warning}", file=sys.stderr)


def _produce(
    render: Any, report: DriftReport, verdict: DiffVerdict, verbose: bool, stream: TextIO
) -> None:
    render(report, stream, verdict, verbose)
