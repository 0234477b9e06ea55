"""`amlaudit explain RULE`: a rule's metadata and documentation, by ID or name."""

from __future__ import annotations

import argparse
from typing import Any

from amlaudit.commands.common import load_config_for


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="show a rule's documentation",
        description="Show a rule's documentation and metadata.",
    )
    parser.add_argument("rule", metavar="RULE", help="rule ID or name, e.g. AML001")
    parser.add_argument("--rules-path", action="append", default=[], metavar="DIR")
    parser.add_argument("--config", metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.docs import rule_page
    from amlaudit.registry import find_packs, find_rule, load_rules

    config = load_config_for(args)
    rules = load_rules(find_packs([*config.rules_paths(), *args.rules_path]))
    print(rule_page(find_rule(rules, args.rule)), end="")
    return 0
