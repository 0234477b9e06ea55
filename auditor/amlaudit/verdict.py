"""The verdict line every command ends with: why it exits the way it does, in one line.

`scan`, `gate`, `merge` (and `diff`) finish with :func:`verdict_line`, on stderr when stdout
carries a report, so a pipeline log always says pass or fail, the exit code, how many active
failing findings reached the threshold, how many are new since the baseline, suppressed or in
the baseline, whether the scan was complete, and which files were written. The HTML report
shows the same :class:`GateOutcome`, so the page and the exit code never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from amlaudit.gate import EXIT_FINDINGS, EXIT_OK, GatePolicy, exit_code, gating_findings
from amlaudit.model import Finding, Severity, Status


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 rule`, `2 rules`, `1,234 findings` (`many` for irregular plurals)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


@dataclass(frozen=True)
class GateOutcome:
    """What the gate decided and the counts behind it."""

    code: int
    fail_on: Severity | None  # None: --fail-on never, the gate is not applied
    failing: int  # failing findings, suppressed and baselined included
    active: int  # failing, neither suppressed nor in the baseline
    gating: int  # active, at or above the threshold, from a gating (stable) rule
    suppressed: int
    baselined: int
    new: int | None  # failing findings new since the baseline; None without a baseline
    incomplete: tuple[str, ...]  # what makes the scan incomplete ("2 rule errors")

    @property
    def word(self) -> str:
        """PASS, FAIL or INCOMPLETE, as the exit code says."""
        return {EXIT_OK: "PASS", EXIT_FINDINGS: "FAIL"}.get(self.code, "INCOMPLETE")

    @property
    def threshold(self) -> str:
        return self.fail_on.value if self.fail_on is not None else "never"


def judge(
    findings: Sequence[Finding],
    policy: GatePolicy,
    collection_errors: int = 0,
    no_workspace: bool = False,
    reasons: Iterable[str] = (),
    baseline: bool = False,
) -> GateOutcome:
    """The outcome of the gate on findings already marked suppressed/baselined.

    `reasons` are incompleteness reasons a caller already phrased (a report read back);
    otherwise collection errors, rule errors and a missing workspace are counted here.
    """
    failing = [f for f in findings if f.status is Status.FAIL]
    suppressed = sum(1 for f in failing if f.suppressed)
    baselined = sum(1 for f in failing if not f.suppressed and f.baseline_state == "unchanged")
    rule_errors = sum(1 for f in findings if f.status is Status.ERROR)
    why = list(reasons)
    if not why:
        if collection_errors:
            why.append(plural(collection_errors, "collection error"))
        if rule_errors:
            why.append(plural(rule_errors, "rule error"))
        if no_workspace:
            why.append("no ML workspace in the input")
    code = exit_code(list(findings), [], policy, extra_incomplete=bool(why))
    fresh = sum(1 for f in failing if f.baseline_state == "new" and not f.suppressed)
    return GateOutcome(
        code=code,
        fail_on=policy.fail_on,
        failing=len(failing),
        active=len(failing) - suppressed - baselined,
        gating=len(gating_findings(findings, policy)),
        suppressed=suppressed,
        baselined=baselined,
        new=fresh if baseline else None,
        incomplete=tuple(why),
    )


def verdict_line(
    command: str,
    outcome: GateOutcome,
    written: Sequence[str] = (),
    not_gated: str = "--fail-on never",
    noun: str = "active failing finding",
) -> str:
    """One line: `amlaudit scan: FAIL (exit 1): 3 active failing findings at or above high ...`.

    `not_gated` says why there is no gate when `fail_on` is None; `noun` names what the
    gate counts (`amlaudit diff` counts new failing findings).
    """
    if outcome.fail_on is None:
        head = f"gate not applied ({not_gated}), exit {outcome.code}"
        if outcome.code != EXIT_OK:
            head = f"{outcome.word} (exit {outcome.code}; gate not applied: {not_gated})"
        parts = [plural(outcome.active, noun)]
    else:
        head = f"{outcome.word} (exit {outcome.code})"
        parts = [f"{plural(outcome.gating, noun)} at or above {outcome.threshold}"]
    if outcome.new is not None:
        parts.append(f"{outcome.new:,} new since the baseline")
    parts.append(f"{outcome.suppressed:,} suppressed")
    if outcome.new is not None or outcome.baselined:
        parts.append(f"{outcome.baselined:,} in the baseline")
    if outcome.incomplete:
        label = "incomplete" if outcome.word == "INCOMPLETE" else "incomplete (allowed)"
        parts.append(f"{label}: " + ", ".join(outcome.incomplete))
    else:
        parts.append("complete")
    line = f"amlaudit {command}: {head}: " + "; ".join(parts)
    if written:
        line += "; wrote " + ", ".join(written)
    return line
