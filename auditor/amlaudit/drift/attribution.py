"""Who changed a regressed resource, from the Resource Graph `resourcechanges` rows `export`
stored in the NEW snapshot (`source.resource_changes`), and why that can be unknown.

Resource Graph keeps 14 days of changes and none for proxy children (datastores, connections,
schedules); when the OLD snapshot is older than that, the change may predate the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from amlaudit import armid
from amlaudit.drift.model import Attribution
from amlaudit.drift.sides import Side
from amlaudit.redact import printable, scrub_text

WINDOW_DAYS = 14


class Attributor:
    def __init__(self, old: Side, new: Side) -> None:
        block = (new.envelope_source or {}).get("resource_changes")
        self._status = "unavailable"
        self._note = (
            "the NEW snapshot holds no Resource Graph change data (`amlaudit export` stores it)"
        )
        self._latest: dict[str, Mapping[str, Any]] = {}
        if isinstance(block, Mapping):
            if block.get("status") == "collected" and isinstance(block.get("records"), list):
                self._status = "collected"
                for record in block["records"]:
                    if isinstance(record, Mapping) and isinstance(record.get("target_id"), str):
                        key = armid.key(record["target_id"])
                        if _newer(record, self._latest.get(key)):
                            self._latest[key] = record
            else:
                reason = block.get("message") or block.get("status") or "not collected"
                self._note = f"Resource Graph change data was not collected: {reason}"
        self._gap_days = _days_between(old.collected_at, new.collected_at)

    @property
    def unavailable(self) -> str | None:
        """Why no resource can be attributed at all, or None when change data was read."""
        return None if self._status == "collected" else self._note

    def attribute(self, resource_id: str) -> Attribution:
        if self._status != "collected":
            return Attribution("unavailable", self._note)
        record = self._latest.get(armid.key(resource_id))
        if record is not None:
            return Attribution(
                "found",
                "latest change recorded by Resource Graph",
                changed_by=_str(record.get("changed_by")),
                client_type=_str(record.get("client_type")),
                timestamp=_str(record.get("timestamp")),
                change_type=_str(record.get("change_type")),
            )
        if self._gap_days is not None and self._gap_days > WINDOW_DAYS:
            return Attribution(
                "older_than_window",
                f"no change record: the snapshots are {self._gap_days} days apart and Resource "
                f"Graph keeps {WINDOW_DAYS} days",
            )
        return Attribution(
            "none_in_window",
            f"no change recorded in the {WINDOW_DAYS} days before the NEW snapshot (Resource "
            "Graph keeps none for proxy children such as datastores, connections, schedules)",
        )


def _newer(record: Mapping[str, Any], current: Mapping[str, Any] | None) -> bool:
    if current is None:
        return True
    return str(record.get("timestamp") or "") > str(current.get("timestamp") or "")


def _str(value: Any) -> str | None:
    """Estate-derived text, cleaned like every name a report prints."""
    return printable(scrub_text(value)) if isinstance(value, str) and value else None


def _days_between(earlier: str | None, later: str | None) -> int | None:
    try:
        start = datetime.fromisoformat(str(earlier).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(later).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (end - start).days
