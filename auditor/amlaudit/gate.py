"""The CI gate: one exit code from a scan, the same for every command.

0 gate passed; 1 an active failing finding at or above the threshold; 2 usage, config or input
error (raised as AmlauditError before we get here); 3 incomplete (collection errors or rule
errors) unless allowed. Precedence: 2, then 3, then 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from amlaudit.model import Finding, ScanError, Severity, Status

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3

NEVER = "never"


@dataclass(frozen=True)
class GatePolicy:
    fail_on: Severity | None = Severity.HIGH  # None means "never"
    allow_incomplete: bool = False
    include_preview: bool = False


def parse_fail_on(text: str) -> Severity | None:
    """A severity, or None for `never`; ValueError naming every accepted value."""
    if text.strip().lower() == NEVER:
        return None
    try:
        return Severity.parse(text)
    except ValueError:
        choices = ", ".join([*(s.value for s in Severity), NEVER])
        raise ValueError(f"unknown threshold {text!r} (choose from {choices})") from None


def gating_findings(findings: Iterable[Finding], policy: GatePolicy) -> list[Finding]:
    """Failing findings that are not accepted risk: unsuppressed, not baselined, gating rule."""
    if policy.fail_on is None:
        return []
    threshold = policy.fail_on.rank
    return [
        f
        for f in findings
        if f.status is Status.FAIL
        and f.suppression is None
        and f.baseline_state != "unchanged"
        and (f.gating or policy.include_preview)
        and f.severity.rank >= threshold
    ]


def exit_code(
    findings: list[Finding],
    errors: list[ScanError],
    policy: GatePolicy,
    extra_incomplete: bool = False,
) -> int:
    incomplete = extra_incomplete or bool(errors) or any(f.status is Status.ERROR for f in findings)
    if incomplete and not policy.allow_incomplete:
        return EXIT_INCOMPLETE
    if gating_findings(findings, policy):
        return EXIT_FINDINGS
    return EXIT_OK
