"""`amlaudit scan`: audit snapshot files (or a live subscription) and gate on the result."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from amlaudit.collect.live import add_live_arguments, live_scope, scan_live
from amlaudit.commands.common import (
    add_rule_arguments,
    add_scope_argument,
    dependency_scope,
    gate_policy,
    input_size_limit,
    load_config_for,
    resolve_rules,
    use_color,
)
from amlaudit.commands.gate import accept_risk, add_policy_arguments
from amlaudit.errors import UsageError

if TYPE_CHECKING:
    from amlaudit.reports import Renderer, ReportSettings
    from amlaudit.result import ScanResult


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="audit snapshots or a live subscription",
        description="Audit Azure ML estates from snapshot files of ARM JSON (or live), write "
        "reports and exit with the gate's verdict.",
    )
    source = parser.add_argument_group("input")
    source.add_argument(
        "--snapshot",
        action="append",
        default=[],
        metavar="FILE",
        help="snapshot file (repeatable; several files merge). Accepts the "
        "amlaudit envelope, a bare array, {value:[...]} or {data:[...]}",
    )
    source.add_argument(
        "--max-input-size",
        metavar="SIZE",
        help="refuse snapshot files larger than this (default 2G)",
    )
    source.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="processes that judge the rules, forked after the snapshot is indexed "
        "(default 1; benchmarks/README.md says when more pays; the report is the same)",
    )
    source.add_argument(
        "--max-resources",
        type=int,
        metavar="N",
        help="refuse snapshots holding more resources than this (default 2,000,000)",
    )
    source.add_argument(
        "--allow-empty",
        action="store_true",
        help="no ML workspace in the input is not an incomplete scan",
    )
    add_scope_argument(source)
    add_live_arguments(parser, save_snapshot=True)
    out = parser.add_argument_group("output")
    out.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FORMAT[:PATH]",
        help="report format and destination, repeatable (default: text on stdout)",
    )
    out.add_argument("--no-color", action="store_true", help="no ANSI colours in text output")
    out.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="text: list every resource of each failing rule (not the first 10) with its ID",
    )
    out.add_argument(
        "--show-baselined",
        action="store_true",
        help="text: list the failing findings already in the --baseline too (by default, a "
        "count per rule)",
    )
    out.add_argument(
        "--access",
        action="store_true",
        help="add the identity blast radius (see `amlaudit access`) to the HTML report",
    )
    out.add_argument(
        "--sarif-include-suppressed",
        action="store_true",
        help="also put suppressed findings in SARIF, with SARIF suppressions",
    )
    out.add_argument(
        "--sarif-category",
        metavar="ID",
        help="SARIF automationDetails.id, e.g. amlaudit/sub-<id>/ (one category per scan scope)",
    )
    out.add_argument(
        "--sarif-min-severity",
        metavar="SEVERITY",
        default="low",
        help="leave lower-severity findings out of SARIF (default low)",
    )
    gate = parser.add_argument_group("gate")
    gate.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="exit 1 on an active failing finding at or above this severity: "
        "critical, high (default), medium, low, info, or never",
    )
    gate.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="do not exit 3 when collection or rules errored",
    )
    gate.add_argument("--include-preview", action="store_true", help="let preview rules gate too")
    add_policy_arguments(parser)
    add_rule_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.gcpause import paused_gc
    from amlaudit.model import Severity
    from amlaudit.output import (
        check_not_inputs,
        is_file_output,
        parse_outputs,
        verdict_stream,
        write_text,
    )
    from amlaudit.registry import find_packs, load_rules
    from amlaudit.reports import FORMATS, ReportSettings, renderer
    from amlaudit.scan import ScanRequest, run_scan
    from amlaudit.snapshot import DEFAULT_MAX_RESOURCES
    from amlaudit.verdict import judge, verdict_line

    config = load_config_for(args)
    rules = resolve_rules(args, config)
    outputs = parse_outputs(
        args.output or list(config.get("output", [])) or ["text"], list(FORMATS)
    )
    live = live_scope(args)
    if not args.snapshot and live.empty:
        raise UsageError("nothing to scan: give --snapshot FILE (or a live scope, see --help)")
    if args.snapshot and not live.empty:
        raise UsageError("give either --snapshot or a live scope (--subscription...), not both")
    check_not_inputs(outputs, args.snapshot)
    policy = gate_policy(args, config)
    max_size = input_size_limit(args, config)
    max_resources = (
        args.max_resources
        if args.max_resources is not None
        else int(config.get("max-resources", DEFAULT_MAX_RESOURCES))
    )
    if max_resources < 1:
        raise UsageError("--max-resources must be a positive number")
    allow_empty = args.allow_empty or bool(config.get("allow-empty", False))
    scope = dependency_scope(args, config)
    try:
        sarif_min_severity = Severity.parse(args.sarif_min_severity)
    except ValueError as exc:
        raise UsageError(f"--sarif-min-severity: {exc}") from None
    jobs = args.jobs if args.jobs is not None else config.get("jobs", 1)
    if jobs < 1:
        raise UsageError(f"{config.path}: jobs must be at least 1, got {jobs}")
    if not live.empty:
        options_source = config.path or "configuration"
        options = dict(config.get("options", {}))
        args.max_resources = max_resources  # the collector stops there too
        # Collection runs with the cyclic collector on (the HTTP stack makes cycles).
        result = scan_live(args, live, rules, options, options_source, allow_empty, scope)
    # From here on the scan's data is acyclic: see amlaudit.gcpause.
    with paused_gc():
        if live.empty:
            result = run_scan(
                ScanRequest(
                    snapshots=args.snapshot,
                    rules=rules,
                    options=dict(config.get("options", {})),
                    options_source=config.path or "configuration",
                    max_input_size=max_size,
                    max_resources=max_resources,
                    allow_empty=allow_empty,
                    dependency_scope=scope,
                    access=args.access,
                    jobs=jobs,
                )
            )
        known = load_rules(find_packs([*config.rules_paths(), *args.rules_path]))
        applied = accept_risk(result.findings, [(s.id, s.name) for s in known], args, config)
        result.warnings += applied.warnings
        result.suppression_entries = applied.entries
        baseline = bool(args.baseline or config.get("baseline"))
        text_on_stdout = False
        for output in outputs:
            settings = ReportSettings(
                color=output.to_stdout and not args.no_color and use_color(),
                verbose=args.verbose,
                extra={
                    "sarif_include_suppressed": args.sarif_include_suppressed,
                    "sarif_category": args.sarif_category,
                    "sarif_min_severity": sarif_min_severity,
                    "fail_on": policy.fail_on,
                    "include_preview": policy.include_preview,
                    "allow_incomplete": policy.allow_incomplete,
                    "allow_empty": allow_empty,
                    "baseline": baseline,
                    "show_baselined": args.show_baselined,
                },
            )
            write_text(output.path, _producer(renderer(output.format), result, settings))
            text_on_stdout |= output.to_stdout and output.format == "text"
        if not text_on_stdout:
            for warning in result.warnings:
                print(f"amlaudit: warning: {warning}", file=sys.stderr)
        outcome = judge(
            result.findings,
            policy,
            collection_errors=len(result.errors),
            no_workspace=not result.workspaces and not allow_empty,
            baseline=baseline,
        )
        written = [o.path for o in outputs if is_file_output(o)]
        print(verdict_line("scan", outcome, written), file=verdict_stream(outputs))
        return outcome.code


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes >= 1, got {text!r}")
    return value


def _producer(
    render: Renderer, result: ScanResult, settings: ReportSettings
) -> Callable[[TextIO], None]:
    def produce(stream: TextIO) -> None:
        render(result, stream, settings)

    return produce
