"""Checks several rules share (diagnostic settings, private endpoints, durations).

Part of the rule author's API, next to :mod:`amlaudit.api`: rules import from these two only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from amlaudit.api import Context, Evidence, Verdict, failed, item_get, passed, same
from amlaudit.resource import DataError, Resource

DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"
AUDIT_GROUPS = ("audit", "alllogs")

_DURATION_RE = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> timedelta:
    """An ISO-8601 duration (`PT30M`, `P1DT2H`) as used by ML idle-shutdown settings.

    Raises DataError for anything else, so a malformed value is an error, not a pass.
    """
    match = _DURATION_RE.match(text.strip())
    if not match or text.strip().upper() in ("P", "PT"):
        raise DataError(f"{text!r} is not an ISO-8601 duration")
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)


def approved_private_endpoints(
    res: Resource, path: str = "properties.privateEndpointConnections"
) -> list[dict[str, Any]]:
    """Private endpoint connections whose state is Approved (case-insensitive)."""
    return [
        conn
        for conn in res.list(path)
        if same(item_get(conn, "properties.privateLinkServiceConnectionState.status"), "Approved")
    ]


def enabled_log_entries(setting: Resource) -> list[dict[str, Any]]:
    """The enabled `logs[]` entries of a diagnostic setting that has a destination."""
    if not any(
        setting.get(f"properties.{sink}")
        for sink in (
            "workspaceId",
            "storageAccountId",
            "eventHubAuthorizationRuleId",
            "marketplacePartnerId",
        )
    ):
        return []
    entries = []
    for entry in setting.list("properties.logs"):
        if isinstance(entry, dict) and entry.get("enabled") in (True, "true", "True"):
            entries.append(entry)
    return entries


def diagnostic_logs_verdict(res: Resource, ctx: Context, what: str) -> Verdict:
    """Pass when a diagnostic setting sends resource logs (audit or all categories) somewhere.

    Mirrors the AuditIfNotExists built-ins: a setting with at least one enabled log category
    or category group and a destination counts. A missing setting is a fail: a snapshot is
    complete for its scope unless its errors say otherwise (then Context raises).
    """
    settings = ctx.extensions(res, DIAGNOSTIC_SETTINGS)
    for setting in settings:
        entries = enabled_log_entries(setting)
        if entries:
            names = sorted(str(e.get("categoryGroup") or e.get("category") or "?") for e in entries)
            return passed(
                f"diagnostic setting '{setting.name}' sends {', '.join(names)} logs",
                Evidence(f"{DIAGNOSTIC_SETTINGS}/{setting.name}", "enabled logs", names),
            )
    if settings:
        return failed(
            f"{what} has {len(settings)} diagnostic setting(s) but none sends resource logs "
            "to a destination",
            path=DIAGNOSTIC_SETTINGS,
            expected="a setting with enabled logs and a destination",
            actual=sorted(s.name for s in settings),
        )
    return failed(
        f"{what} has no diagnostic setting: its resource logs are not kept",
        path=DIAGNOSTIC_SETTINGS,
        expected="a setting with enabled logs",
        actual=None,
    )


def public_network_disabled(res: Resource, path: str = "properties.publicNetworkAccess") -> bool:
    return same(res.str(path), "Disabled")
