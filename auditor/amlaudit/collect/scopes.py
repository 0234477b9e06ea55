"""Which subscriptions a live scan covers: explicit IDs, a file, the tenant, management groups.

With many subscriptions, Resource Graph answers two questions in a few calls: which requested
subscriptions the identity can see, and which of them hold ML workspaces or registries (the
others are skipped: they have nothing to audit). A requested subscription that Graph does not
list and that a direct GET cannot read is recorded as a collection error, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from amlaudit import armid
from amlaudit.collect import graph
from amlaudit.collect.arm import ArmClient, ArmFailure
from amlaudit.collect.catalog import SUBSCRIPTION_API_VERSION
from amlaudit.errors import UsageError
from amlaudit.model import ScanError

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# With at least this many subscriptions, `--discovery auto` asks Resource Graph first.
GRAPH_MIN_SUBSCRIPTIONS = 10
_INACTIVE_STATES = frozenset({"disabled", "deleted"})


@dataclass(frozen=True)
class LiveScope:
    subscriptions: tuple[str, ...] = ()
    all_subscriptions: bool = False
    management_groups: tuple[str, ...] = ()
    resource_groups: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.subscriptions or self.all_subscriptions or self.management_groups)

    def describe(self) -> list[str]:
        """The requested scopes as ARM scope IDs (`/` for every subscription the identity sees)."""
        scopes = [f"/subscriptions/{s}" for s in sorted(self.subscriptions)]
        scopes += [
            f"/providers/Microsoft.Management/managementGroups/{g}"
            for g in sorted(self.management_groups)
        ]
        return ["/", *scopes] if self.all_subscriptions else scopes


@dataclass
class Targets:
    subscriptions: list[str]
    errors: list[ScanError] = field(default_factory=list)
    discovery: str = "arm"
    skipped_without_ml: int = 0
    verified: set[str] = field(default_factory=set)  # already known readable


def check_subscription_id(text: str, where: str) -> str:
    value = text.strip()
    if not GUID_RE.match(value):
        raise UsageError(f"{where}: {value[:80]!r} is not a subscription ID (a GUID)")
    return value.lower()


def read_subscriptions_file(path: str) -> list[str]:
    """One subscription ID per line; blank lines and `#` comments are ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(
            f"--subscriptions-file {path}: cannot read ({exc.strerror or exc})"
        ) from None
    except UnicodeDecodeError:
        raise UsageError(f"--subscriptions-file {path}: not UTF-8 text") from None
    ids = []
    for number, line in enumerate(text.splitlines(), 1):
        content = line.split("#", 1)[0].strip()
        if content:
            ids.append(check_subscription_id(content, f"{path} line {number}"))
    if not ids:
        raise UsageError(f"--subscriptions-file {path}: no subscription IDs in it")
    return ids


def resolve_targets(
    client: ArmClient, scope: LiveScope, discovery: str, deadline: float | None
) -> Targets:
    explicit = sorted(set(scope.subscriptions))
    errors: list[ScanError] = []
    found: set[str] = set()
    if scope.all_subscriptions:
        try:
            for page in client.pages("/subscriptions", SUBSCRIPTION_API_VERSION, deadline=deadline):
                found |= {
                    sub
                    for s in page
                    if (sub := _subscription_of(s))
                    and str(s.get("state", "")).lower() not in _INACTIVE_STATES
                }
        except ArmFailure as exc:
            errors.append(ScanError("/", "list subscriptions", exc.status, exc.message))
    if scope.management_groups:
        try:
            found |= graph.subscriptions_in_groups(client, list(scope.management_groups), deadline)
        except ArmFailure as exc:
            for group in scope.management_groups:
                errors.append(
                    ScanError(
                        f"/providers/Microsoft.Management/managementGroups/{group}",
                        "list subscriptions of the management group (Resource Graph)",
                        exc.status,
                        exc.message,
                    )
                )
    everything = sorted(found | set(explicit))
    use_graph = discovery == "graph" or (
        discovery == "auto"
        and (len(everything) >= GRAPH_MIN_SUBSCRIPTIONS or bool(scope.management_groups))
    )
    if not use_graph or not everything:
        return Targets(everything, errors, "arm", verified=set(found))
    try:
        visible = graph.visible_subscriptions(client, explicit, deadline) if explicit else set()
        with_ml = graph.subscriptions_with_ml(client, everything, deadline)
    except ArmFailure:
        # Graph unavailable: every subscription is read through ARM instead (complete, slower).
        return Targets(everything, errors, "arm (Resource Graph failed)", verified=set(found))
    unseen = [s for s in explicit if s not in visible]
    readable = _readable(client, unseen, deadline, errors)
    chosen = sorted(with_ml | set(readable))
    verified = (found | visible | set(readable)) & set(chosen)
    return Targets(chosen, errors, "resource-graph", len(everything) - len(chosen), verified)


def _subscription_of(item: dict[str, object]) -> str | None:
    sub = item.get("subscriptionId")
    if isinstance(sub, str) and sub:
        return sub.lower()
    resource_id = item.get("id")
    return armid.subscription_id(resource_id) if isinstance(resource_id, str) else None


def _readable(
    client: ArmClient, subscriptions: list[str], deadline: float | None, errors: list[ScanError]
) -> list[str]:
    readable = []
    for sub in subscriptions:
        try:
            client.get(f"/subscriptions/{sub}", SUBSCRIPTION_API_VERSION, deadline)
            readable.append(sub)
        except ArmFailure as exc:
            errors.append(
                ScanError(
                    f"/subscriptions/{sub}",
                    "read subscription",
                    exc.status,
                    f"not listed by Resource Graph and not readable: {exc.message}",
                )
            )
    return readable
