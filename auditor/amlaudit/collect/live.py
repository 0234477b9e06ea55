"""The live-collection command-line surface shared by `scan` and `export`, and the run itself.

Parsing the flags imports nothing from Azure; :func:`collect` imports the SDK when it starts.
Retry tuning for unusual networks (and fast tests) comes from the environment:
AMLAUDIT_RETRIES, AMLAUDIT_RETRY_BACKOFF, AMLAUDIT_RETRY_AFTER_CAP, AMLAUDIT_REQUEST_TIMEOUT.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from amlaudit.collect.clouds import CLOUD_CHOICES, resolve_cloud
from amlaudit.collect.credentials import AuthMethod
from amlaudit.collect.scopes import LiveScope, check_subscription_id, read_subscriptions_file
from amlaudit.errors import UsageError


@dataclass
class LiveRun:
    envelope: dict[str, Any]
    collection: Any  # amlaudit.collect.collector.Collection
    snapshot: Any  # amlaudit.snapshot.Snapshot


def add_live_arguments(parser: argparse.ArgumentParser, save_snapshot: bool = False) -> None:
    group = parser.add_argument_group("live collection (read-only ARM GETs)")
    add = group.add_argument
    if save_snapshot:
        add("--save-snapshot", metavar="PATH", help="also write the collected snapshot here")
    add(
        "--subscription",
        action="append",
        default=[],
        metavar="ID",
        help="subscription to collect (repeatable)",
    )
    add("--subscriptions-file", metavar="FILE", help="subscription IDs, one per line (# comments)")
    add("--all-subscriptions", action="store_true", help="every subscription the identity can read")
    add(
        "--management-group",
        action="append",
        default=[],
        metavar="ID",
        help="every subscription under this management group (repeatable)",
    )
    add(
        "--resource-group",
        action="append",
        default=[],
        metavar="NAME",
        help="only these resource groups of each subscription (repeatable)",
    )
    add(
        "--auth",
        default="default",
        choices=[m.value for m in AuthMethod],
        help="credential (default: default; 'token' reads $AMLAUDIT_ACCESS_TOKEN)",
    )
    add("--tenant", metavar="ID", help="Entra tenant to sign in to")
    add("--client-id", metavar="ID", help="client ID of a managed/workload identity or app")
    add(
        "--cloud",
        default="public",
        choices=CLOUD_CHOICES,
        metavar="CLOUD",
        help="public (default), china or usgov (az names accepted)",
    )
    add("--arm-endpoint", metavar="URL", help="send ARM requests here instead (https only)")
    add("--concurrency", type=int, default=16, metavar="N", help="parallel requests (default 16)")
    add(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop collecting after this long; keep what was read",
    )
    add(
        "--discovery",
        default="auto",
        choices=["auto", "graph", "arm"],
        help="find ML subscriptions with Resource Graph (auto: from 10 subscriptions)",
    )
    add("-q", "--quiet", action="store_true", help="no progress display or collection summary")


def live_scope(args: argparse.Namespace) -> LiveScope:
    subs = [check_subscription_id(s, "--subscription") for s in args.subscription]
    if args.subscriptions_file:
        subs += read_subscriptions_file(args.subscriptions_file)
    groups = [g.strip() for g in args.management_group if g.strip()]
    return LiveScope(
        tuple(dict.fromkeys(subs)),
        bool(args.all_subscriptions),
        tuple(groups),
        tuple(g.strip() for g in args.resource_group if g.strip()),
    )


def collect(
    args: argparse.Namespace, scope: LiveScope, types: Iterable[str], full: bool
) -> LiveRun:
    """Collect the scope for `types` (or every known type when `full`); never raises for
    what Azure answers, only for what stops collection from starting."""
    from amlaudit.collect.arm import ArmClient, ArmOptions
    from amlaudit.collect.collector import Collector
    from amlaudit.collect.credentials import check_credential, make_credential
    from amlaudit.collect.envelope import build_envelope, to_snapshot
    from amlaudit.collect.plan import full_plan, plan_for
    from amlaudit.collect.progress import Progress
    from amlaudit.collect.scopes import resolve_targets

    if args.concurrency < 1 or args.concurrency > 256:
        raise UsageError("--concurrency must be between 1 and 256")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    cloud = resolve_cloud(args.cloud, args.arm_endpoint)
    if not getattr(args, "debug", False):
        # azure-core and azure-identity log failures as warnings; amlaudit reports them itself.
        logging.getLogger("azure").setLevel(logging.CRITICAL)
    method = AuthMethod(args.auth)
    credential = make_credential(method, cloud, args.tenant, args.client_id)
    check_credential(credential, method, cloud)
    plan = full_plan(types) if full else plan_for(types)
    options = ArmOptions(
        retry_total=_env_number("AMLAUDIT_RETRIES", 4, int),
        retry_backoff=_env_number("AMLAUDIT_RETRY_BACKOFF", 0.8, float),
        retry_after_cap=_env_number("AMLAUDIT_RETRY_AFTER_CAP", 30.0, float),
        request_timeout=_env_number("AMLAUDIT_REQUEST_TIMEOUT", 60.0, float),
        pool_size=args.concurrency,
        max_response_bytes=_env_number("AMLAUDIT_MAX_RESPONSE_SIZE", 256 * 1024**2, int),
    )
    deadline = time.monotonic() + args.timeout if args.timeout else None
    client = ArmClient(cloud, credential, options)
    try:
        targets = resolve_targets(client, scope, args.discovery, deadline)
        progress = Progress(enabled=None if not args.quiet else False)
        limit = getattr(args, "max_resources", None)  # scan's --max-resources / config
        collector = Collector(client, plan, args.concurrency, deadline, progress, limit)
        collection = collector.run(targets.subscriptions, scope.resource_groups, targets.verified)
    finally:
        client.close()
    collection.errors = sorted({*collection.errors, *targets.errors}, key=lambda e: e.sort_key())
    envelope = build_envelope(
        collection,
        {
            "tenant": args.tenant,
            "cloud": cloud.name,
            "arm_endpoint": cloud.arm_endpoint,
            "auth": args.auth,
            "scopes": scope.describe(),
            "resource_groups": sorted(scope.resource_groups, key=str.lower),
            "discovery": targets.discovery,
            "subscriptions_without_ml": targets.skipped_without_ml,
            "api_versions": plan.api_versions,
        },
    )
    if not args.quiet:
        print(
            f"amlaudit: collected {len(collection.resources)} resources from "
            f"{len(collection.subscriptions)} subscriptions in {collection.elapsed:.1f}s "
            f"({collection.requests} requests, {client.attempts} HTTP attempts, "
            f"{len(collection.errors)} errors"
            + (
                f", {targets.skipped_without_ml} subscriptions without ML skipped"
                if targets.skipped_without_ml
                else ""
            )
            + ")",
            file=sys.stderr,
        )
    return LiveRun(envelope, collection, to_snapshot(envelope, collection.errors))


def _env_number(name: str, default: Any, kind: type) -> Any:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise UsageError(f"${name}={text!r} is not a number") from None
    if value < 0:
        raise UsageError(f"${name} must not be negative")
    return value


def scan_live(
    args: argparse.Namespace,
    scope: LiveScope,
    rules: list[Any],
    options: dict[str, Any],
    options_source: str,
    allow_empty: bool,
    dependency_scope: Any,
) -> Any:
    """`scan --subscription ...`: collect what the selected rules read (and, under
    `--dependency-scope used`, what the dependency scope is built from), then scan it."""
    from amlaudit.collect.envelope import write_envelope
    from amlaudit.depscope import SOURCE_TYPES, ScopeMode, scoped_type
    from amlaudit.output import write_text
    from amlaudit.scan import scan_snapshot

    types = {t for spec in rules for t in spec.all_types}
    judged = {t for spec in rules for t in spec.resource_types}
    if dependency_scope is ScopeMode.USED and any(scoped_type(t) for t in judged):
        types |= {t.lower() for t in SOURCE_TYPES}
    live = collect(args, scope, types, full=False)
    if args.save_snapshot:
        write_text(args.save_snapshot, lambda stream: write_envelope(live.envelope, stream))
    return scan_snapshot(
        live.snapshot,
        rules,
        options,
        options_source,
        allow_empty,
        dependency_scope,
        access=bool(getattr(args, "access", False)),
    )
