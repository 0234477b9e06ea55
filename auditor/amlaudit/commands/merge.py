"""`amlaudit merge`: join the reports of sharded scans (one per subscription list) into one.

JSON reports merge into a full result that renders to any format; SARIF files merge into one
SARIF run (for one GitHub upload). Gate the merged JSON with `amlaudit gate`.
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO

from amlaudit.errors import UsageError

if TYPE_CHECKING:
    from amlaudit.output import OutputSpec
    from amlaudit.reports import Renderer
    from amlaudit.result import ScanResult


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "merge",
        help="merge reports of sharded scans",
        description="Merge amlaudit JSON reports (any output format) or SARIF files (SARIF out) "
        "from sharded scans into one report.",
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="JSON reports or SARIF files")
    parser.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FORMAT[:PATH]",
        help="output format and destination, repeatable (default: json on stdout)",
    )
    parser.add_argument(
        "--rules-path",
        action="append",
        default=[],
        metavar="DIR",
        help="rule packs the shards used, for full rule docs in the output",
    )
    parser.set_defaults(handler=run)


def _is_sarif(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return '"2.1.0"' in head or "sarif" in head.lower()[:400]


def run(args: argparse.Namespace) -> int:
    from amlaudit.output import parse_outputs, write_text
    from amlaudit.registry import find_packs, load_rules
    from amlaudit.reports import FORMATS, renderer

    kinds = {_is_sarif(p) for p in args.reports}
    if len(kinds) > 1:
        raise UsageError("cannot merge SARIF files with JSON reports: merge each kind separately")
    outputs = parse_outputs(args.output or ["json"], list(FORMATS))
    if kinds == {True}:
        from amlaudit.output import is_file_output, verdict_stream
        from amlaudit.sarif_merge import merge_sarif
        from amlaudit.verdict import plural

        if any(o.format != "sarif" for o in outputs):
            raise UsageError("SARIF inputs merge into SARIF only: use -o sarif[:PATH]")
        merged = merge_sarif(args.reports)
        text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"

        def write_sarif(stream: TextIO) -> None:
            stream.write(text)

        for output in outputs:
            write_text(output.path, write_sarif)
        written = [o.path for o in outputs if is_file_output(o)]
        print(
            f"amlaudit merge: merged {plural(len(args.reports), 'SARIF file')}, not gated (run "
            "amlaudit gate on the merged SARIF)"
            + (f"; wrote {', '.join(written)}" if written else ""),
            file=verdict_stream(outputs),
        )
        return 0
    from amlaudit.report_io import merge_reports

    result = merge_reports(args.reports, load_rules(find_packs(args.rules_path)))
    for output in outputs:
        write_text(output.path, partial(_render, renderer(output.format), result))
    _print_verdict(result, outputs)
    return 0


def _print_verdict(result: ScanResult, outputs: list[OutputSpec]) -> None:
    from amlaudit.gate import GatePolicy
    from amlaudit.output import is_file_output, verdict_stream
    from amlaudit.verdict import judge, verdict_line

    outcome = judge(
        result.findings,
        GatePolicy(fail_on=None, allow_incomplete=True),
        collection_errors=len(result.errors),
        baseline=any(f.baseline_state is not None for f in result.findings),
    )
    line = verdict_line(
        "merge",
        outcome,
        [o.path for o in outputs if is_file_output(o)],
        not_gated="merge does not gate: run amlaudit gate on the merged JSON",
    )
    print(line, file=verdict_stream(outputs))


def _render(render: Renderer, result: ScanResult, stream: TextIO) -> None:
    from amlaudit.reports import ReportSettings

    render(result, stream, ReportSettings())
