"""`amlaudit rules`: list the rules (IDs, names, severities, controls), as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from amlaudit.commands.common import add_rule_arguments, load_config_for, resolve_rules


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("rules", help="list the rules", description="List the rules.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_rule_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.reports.json_report import rule_to_dict

    rules = resolve_rules(args, load_config_for(args))
    if args.format == "json":
        json.dump([rule_to_dict(spec) for spec in rules], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    width = max((len(spec.name) for spec in rules), default=10)
    for spec in rules:
        status = "" if spec.status.value == "stable" else f" [{spec.status.value}]"
        print(f"{spec.id}  {spec.severity.value:<8}  {spec.name:<{width}}  {spec.title}{status}")
    print(f"\n{len(rules)} rule{'' if len(rules) == 1 else 's'}", file=sys.stderr)
    return 0
