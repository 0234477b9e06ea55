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
        help="only this framework, any case (MCSB-v1, ASB-v1, CIS-Azure-2.0.0); repeatable",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--with-rules-only", action="store_true", help="hide controls that no rule covers"
    )
    shown.add_argument(
        "--uncovered", action="store_true", help="only the controls that no rule covers"
    )
    add_scope_argument(parser)
    add_rule_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.controls import (
        ControlCoverage,
        canonical_framework,
        coverage,
        framework_name,
        untitled_note,
    )
    from amlaudit.errors import UsageError
    from amlaudit.scan import ScanRequest, run_scan
    from amlaudit.verdict import plural

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
        chosen = []
        for name in args.framework:
            framework = canonical_framework(name, list(table))
            if framework is None:
                raise UsageError(f"unknown framework {name!r} (choose from {', '.join(table)})")
            chosen.append(framework)
        table = {f: rows for f, rows in table.items() if f in chosen}

    def wanted(row: ControlCoverage) -> bool:
        if args.uncovered:
            return not row.rules
        return bool(row.rules) or not args.with_rules_only

    if args.format == "json":
        document = {
            fw: [row.to_dict() for row in rows if wanted(row)] for fw, rows in table.items()
        }
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for framework, rows in table.items():
        covered = sum(1 for r in rows if r.rules)
        verb = "has" if covered == 1 else "have"
        print(
            f"{framework_name(framework)} ({framework}): {covered:,} of "
            f"{plural(len(rows), 'control')} {verb} rules"
        )
        note = untitled_note(framework)
        if note:
            print(f"  ({note})")
        for row in rows:
            if not wanted(row):
                continue
            mark = _STATE_MARK[row.state] if args.snapshot or not row.rules else "rules"
            counts = (
                f" ({row.passed} pass, {row.failed} fail)" if args.snapshot and row.rules else ""
            )
            names = ",".join(row.rules) if row.rules else "no rule"
            title = "" if note else f"{row.control.title}: "
            print(f"  {row.control.id:<8} {mark:<6} {title}{names}{counts}")
        print()
    return 0
