"""The gate as the HTML report tells it: the verdict, and how long each accepted risk lasts.

The verdict is computed by :mod:`amlaudit.gate` with the threshold the command line passed
(`fail_on` in the report settings), so the page and the exit code never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from amlaudit.errors import UsageError
from amlaudit.gate import GatePolicy, parse_fail_on
from amlaudit.model import Finding, Severity
from amlaudit.result import ScanResult
from amlaudit.suppress import EXPIRING_DAYS
from amlaudit.verdict import GateOutcome, judge


def verdict(result: ScanResult, extra: dict[str, Any]) -> GateOutcome:
    """The gate's outcome, as the command judged it (threshold from the command line,
    default high): the page shows the same counts and line the terminal printed."""
    fail_on = extra.get("fail_on", Severity.HIGH)
    if isinstance(fail_on, str):
        try:
            fail_on = parse_fail_on(fail_on)
        except ValueError as exc:
            raise UsageError(f"html report: fail_on: {exc}") from None
    policy = GatePolicy(
        fail_on=fail_on,
        allow_incomplete=bool(extra.get("allow_incomplete", False)),
        include_preview=bool(extra.get("include_preview", False)),
    )
    return judge(
        result.findings,
        policy,
        collection_errors=len(result.errors),
        no_workspace=not result.workspaces and not extra.get("allow_empty", False),
        baseline=bool(extra.get("baseline"))
        or any(f.baseline_state is not None for f in result.findings),
    )


@dataclass(frozen=True)
class SuppressionView:
    finding: Finding
    days_left: int | None
    state: str  # expired, expiring, active or unknown


def suppressions(listed: list[Finding], today: date) -> list[SuppressionView]:
    """Suppressed findings, soonest to expire first; `today` is the scan's generated_at."""
    out = []
    for finding in listed:
        if finding.suppression is None:
            continue
        days = _days_until(finding.suppression.expires, today)
        if days is None:
            state = "unknown"
        elif days < 0:
            state = "expired"
        elif days <= EXPIRING_DAYS:
            state = "expiring"
        else:
            state = "active"
        out.append(SuppressionView(finding, days, state))
    out.sort(
        key=lambda s: (
            s.days_left is None,
            s.days_left or 0,
            (-s.finding.severity.rank, s.finding.rule_id, s.finding.resource_id.lower()),
        )
    )
    return out


def _days_until(expires: str | None, today: date) -> int | None:
    if not expires:
        return None
    try:
        return (date.fromisoformat(str(expires)[:10]) - today).days
    except ValueError:
        return None
