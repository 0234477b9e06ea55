"""Who changed what in the last 14 days: Resource Graph `resourcechanges`, stored by `export`.

Resource Graph keeps 14 days of ARM property changes (`Microsoft.Resources/changes` rows: target
ID, change type, timestamp, `changedBy`, `clientType`, `operation`, changed property paths) and
none for proxy children. `export` reads them when the identity can, keeps the records of the
resources it exported, and stores them in the envelope's `source.resource_changes`; `amlaudit
diff` then names who changed a resource that got worse. Changed values are not stored (they
may be secrets): only the paths that changed. Unreadable change data is not a collection error:
the block says why it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from amlaudit import armid
from amlaudit.collect.arm import ArmClient, ArmFailure
from amlaudit.collect.graph import BATCH, query
from amlaudit.redact import printable, scrub_text
from amlaudit.result import format_time, scan_time

WINDOW_DAYS = 14
CHANGES_QUERY = (
    "resourcechanges "
    "| extend changeTime = todatetime(properties.changeAttributes.timestamp) "
    f"| where changeTime > ago({WINDOW_DAYS}d) "
    "| project id, properties"
)


def collect_changes(
    client: ArmClient,
    subscriptions: list[str],
    resource_ids: Iterable[str],
    deadline: float | None = None,
) -> dict[str, Any]:
    """The `source.resource_changes` block: records for the exported resources, or why none."""
    wanted = {armid.key(rid) for rid in resource_ids}
    since = scan_time() - timedelta(days=WINDOW_DAYS)
    records: list[dict[str, Any]] = []
    try:
        for start in range(0, len(subscriptions), BATCH):
            rows = query(
                client, CHANGES_QUERY, subscriptions[start : start + BATCH], deadline=deadline
            )
            records += [r for row in rows if (r := _record(row, wanted, since)) is not None]
    except ArmFailure as exc:
        return {"status": "unavailable", "window_days": WINDOW_DAYS, "message": exc.message}
    records.sort(key=lambda r: (r["target_id"].lower(), r["timestamp"], r["change_type"]))
    return {
        "status": "collected",
        "window_days": WINDOW_DAYS,
        "since": format_time(since),
        "records": records,
    }


def _record(row: Mapping[str, Any], wanted: set[str], since: datetime) -> dict[str, Any] | None:
    props = row.get("properties")
    if not isinstance(props, Mapping):
        return None
    target = props.get("targetResourceId")
    if not isinstance(target, str) or armid.key(target) not in wanted:
        return None
    attributes = props.get("changeAttributes")
    attributes = attributes if isinstance(attributes, Mapping) else {}
    timestamp = _text(attributes.get("timestamp"))
    if timestamp is None or _parse(timestamp) < since:
        return None
    changes = props.get("changes")
    return {
        "target_id": printable(scrub_text(target)),
        "change_type": _text(props.get("changeType")),
        "timestamp": timestamp,
        "changed_by": _text(attributes.get("changedBy")),
        "changed_by_type": _text(attributes.get("changedByType")),
        "client_type": _text(attributes.get("clientType")),
        "operation": _text(attributes.get("operation")),
        "changed_paths": sorted(str(p) for p in changes) if isinstance(changes, Mapping) else [],
    }


def _text(value: Any) -> str | None:
    return printable(scrub_text(value)) if isinstance(value, str) and value else None


def _parse(timestamp: str) -> datetime:
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=scan_time().tzinfo)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=scan_time().tzinfo)
    return moment
