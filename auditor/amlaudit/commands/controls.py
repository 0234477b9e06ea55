"""`amlaudit controls`: which controls of each framework have rules, and (with a snapshot)
which pass, which fail and which have no rule at all."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from amlaudit.commands.common import (
    add_rule_arguments,
    add_scope_argument,
    dependency_scope,
    load_config_for,
    resolve_rules,
)

_STATE_MARK = {
    "pass": "PASS",
    "fail": "FAIL",
    "error": "ERROR",
    "not-evaluated": "n/a",
    "no-rule": "-",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "controls",
        help="control coverage per framework",
        description="Show, per framework (MCSB v1, ASB v1, CIS), which controls have rules and, "
        "with --snapshot, which pass, fail or have no rule at all.",
    )
    parser.add_argument(
        "--snapshot",
        action="append",
        default=[],
        metavar="FILE",
        help="evaluate the rules on this snapshot (repeatable)",
    )
    parser.add_argument(
        "--framework",
        action="append",
        metavar="NAME",
        help="only this framework (MCSB-v1, ASB-v1, CIS-Azure-2.0.0)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--with-rules-only", action="store_true", help="hide controls that no rule covers"
    )
    add_scope_argument(parser)
    add_rule_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.controls import coverage, framework_name
    from amlaudit.errors import UsageError
    from amlaudit.scan import ScanRequest, run_scan

    config = load_config_for(args)
    rules = resolve_rules(args, config)
    findings = []
    if args.snapshot:
        result = run_scan(
            ScanRequest(
                snapshots=args.snapshot,
                rules=rules,
                options=dict(config.get("options", {})),
                allow_empty=True,
                dependency_scope=dependency_scope(args, config),
            )
        )
        findings = result.findings
    table = coverage(rules, findings)
    if args.framework:
        unknown = [f for f in args.framework if f not in table]
        if unknown:
            raise UsageError(f"unknown framework {unknown[0]!r} (choose from {', '.join(table)})")
        table = {f: rows for f, rows in table.items() if f in args.framework}
    if args.format == "json":
        document = {
            fw: [row.to_dict() for row in rows if row.rules or not args.with_rules_only]
            for fw, rows in table.items()
        }
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for framework, rows in table.items():
        covered = sum(1 for r in rows if r.rules)
        print(
            f"{framework_name(framework)} ({framework}): {covered} of {len(rows)} controls "
            "have rules"
        )
        for row in rows:
            if args.with_rules_only and not row.rules:
                continue
            mark = _STATE_MARK[row.state] if args.snapshot or not row.rules else "rules"
            counts = f" {row.passed} pass, {row.failed} fail" if args.snapshot and row.rules else ""
            names = ",".join(row.rules) if row.rules else "no rule"
            print(f"  {row.control.id:<8} {mark:<6} {row.control.title[:60]:<60} {names}{counts}")
        print()
    return 0
