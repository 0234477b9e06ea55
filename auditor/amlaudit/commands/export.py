"""`amlaudit export`: collect a live estate into a snapshot file, read-only, for later scans.

Export collects every type amlaudit knows how to read (not only what the selected rules need),
so one snapshot serves any later `scan --snapshot`, with any rules. Exit 0 when collection was
complete, 3 when something could not be read (its `errors` say what), 2 for usage errors.
"""

from __future__ import annotations

import argparse
from typing import Any

from amlaudit.collect.live import add_live_arguments, live_scope
from amlaudit.errors import UsageError

EXIT_INCOMPLETE = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="collect a live estate into a snapshot file",
        description="Collect Azure ML estates through read-only ARM GETs and write the "
        "amlaudit snapshot envelope (secrets some GETs return are redacted).",
    )
    parser.add_argument(
        "-o", "--output", default="-", metavar="PATH", help="snapshot file (default: stdout)"
    )
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit 0 even when some of the estate could not be read",
    )
    parser.add_argument(
        "--rules-path",
        action="append",
        default=[],
        metavar="DIR",
        help="also collect the types the rules in DIR read",
    )
    parser.add_argument(
        "--no-resource-changes",
        action="store_true",
        help="do not read Resource Graph's last 14 days of changes (stored for 'amlaudit diff' "
        "to name who changed what)",
    )
    add_live_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.collect.envelope import write_envelope
    from amlaudit.collect.live import collect
    from amlaudit.output import write_text
    from amlaudit.registry import find_packs, load_rules

    scope = live_scope(args)
    if scope.empty:
        raise UsageError(
            "nothing to export: give --subscription ID, --subscriptions-file FILE, "
            "--management-group ID or --all-subscriptions"
        )
    rules = load_rules(find_packs(args.rules_path))
    types = {t for spec in rules for t in spec.all_types}
    live = collect(args, scope, types, full=True, changes=not args.no_resource_changes)
    write_text(args.output, lambda stream: write_envelope(live.envelope, stream))
    if live.collection.errors and not args.allow_incomplete:
        return EXIT_INCOMPLETE
    return 0
