"""`amlaudit access`: who can reach each workspace's data, secrets, images and compute.

Exit codes: 0 complete; 2 usage or input error (a NAME matching several workspaces lists
them); 3 incomplete (an unreadable scope, an unknown role, a dependency outside the snapshot,
no role assignments at all: each is a coverage entry in the report).
"""

from __future__ import annotations

import argparse
from typing import Any

from amlaudit.errors import UsageError

FORMATS = ("text", "json", "markdown", "html")
EXIT_INCOMPLETE = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "access",
        help="who can reach each workspace's data, secrets, images and compute",
        description="Identity blast radius from a snapshot: per workspace, each capability "
        "(read/write training data, read secrets, use the CMK, pull/push images, change "
        "computes, submit jobs, deploy endpoints, change the network, assign roles, take over "
        "identities) with the principals that hold it, their grade and the chain behind it.",
    )
    parser.add_argument(
        "--snapshot", action="append", default=[], metavar="FILE", help="snapshot file (repeatable)"
    )
    parser.add_argument("--workspace", metavar="ID|NAME", help="only this workspace")
    parser.add_argument(
        "--principal", metavar="ID", help="only this principal (object ID): what can it reach?"
    )
    parser.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FORMAT[:PATH]",
        help=f"report format ({', '.join(FORMATS)}) and destination, repeatable (default text)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.access.report import access_document, build_report
    from amlaudit.index import SnapshotIndex
    from amlaudit.output import check_not_inputs, parse_outputs, write_text
    from amlaudit.snapshot import load

    if not args.snapshot:
        raise UsageError("nothing to analyse: give --snapshot FILE")
    outputs = parse_outputs(args.output or ["text"], FORMATS)
    check_not_inputs(outputs, args.snapshot)
    snapshot = load(args.snapshot)
    report = build_report(SnapshotIndex(snapshot), args.workspace, args.principal)
    document = access_document(report)
    for output in outputs:
        write_text(output.path, _producer(output.format, document))
    return 0 if report.complete else EXIT_INCOMPLETE


def _producer(fmt: str, document: dict[str, Any]) -> Any:
    from amlaudit.access import render, render_html

    writers = {
        "text": render.render_text,
        "json": render.render_json,
        "markdown": render.render_markdown,
        "html": render_html.render_html,
    }
    writer = writers[fmt]
    return lambda stream: writer(document, stream)
