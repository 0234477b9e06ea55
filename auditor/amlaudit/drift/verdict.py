"""The diff's gate: exit 1 for something that got worse at or above --fail-on, 3 when a side
is incomplete (unless allowed), judged by the same `amlaudit.gate` as `scan` and `gate`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amlaudit.drift.compare import Drift
from amlaudit.gate import GatePolicy, exit_code, gating_findings


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
    incomplete = tuple(drift.report.incomplete)
    code = exit_code(drift.regressions, [], policy, extra_incomplete=bool(incomplete))
    gating = len(gating_findings(drift.regressions, policy))
    threshold = policy.fail_on.value if policy.fail_on else "never"
    word = {0: "passed", 1: "FAILED", 3: "INCOMPLETE"}.get(code, str(code))
    line = (
        f"amlaudit diff {word}: {gating} finding(s) got worse at or above {threshold}"
        + (f"; incomplete: {'; '.join(incomplete)}" if incomplete else "")
        + f" (exit {code})"
    )
    return DiffVerdict(code, gating, threshold, incomplete, line)
