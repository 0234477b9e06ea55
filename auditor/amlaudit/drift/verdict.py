"""The diff's gate: exit 1 for something that got worse at or above --fail-on, 3 when a side
is incomplete (unless allowed), judged by the same `amlaudit.gate` as `scan` and `gate`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amlaudit.drift.compare import Drift
from amlaudit.gate import GatePolicy
from amlaudit.verdict import judge as gate_outcome
from amlaudit.verdict import verdict_line


@dataclass(frozen=True)
class DiffVerdict:
    exit_code: int
    gating: int  # findings that got worse at or above the threshold
    fail_on: str
    incomplete: tuple[str, ...]
    line: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "exit_code": self.exit_code,
            "fail_on": self.fail_on,
            "gating": self.gating,
            "incomplete": list(self.incomplete),
            "line": self.line,
        }


def judge(drift: Drift, policy: GatePolicy) -> DiffVerdict:
    """The gate on what got worse, ending in the verdict line `scan`, `gate` and `merge` use."""
    incomplete = tuple(drift.report.incomplete)
    outcome = gate_outcome(drift.regressions, policy, reasons=incomplete)
    line = verdict_line("diff", outcome, noun="new failing finding")
    return DiffVerdict(outcome.code, outcome.gating, outcome.threshold, incomplete, line)
