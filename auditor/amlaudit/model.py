"""The data amlaudit passes between its parts: severities, statuses, findings, errors.

Everything here is immutable and cheap: a 1,000-workspace estate yields ~100,000 findings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from amlaudit.redact import clean, clean_value


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 ... info=0."""
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Status(StrEnum):
    """The outcome of one rule on one resource."""

    PASS = "pass"
    FAIL = "fail"
    # A setting that is a choice, not a weakness: reported, never gating.
    INFO = "info"
    # Not applicable to this resource, or a referenced resource is outside the snapshot.
    SKIPPED = "skipped"
    # The rule raised, or data it needs is missing or malformed. Never a silent pass.
    ERROR = "error"


class RuleStatus(StrEnum):
    """Lifecycle of a rule: preview rules report but do not gate unless asked."""

    STABLE = "stable"
    PREVIEW = "preview"
    DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observed value next to the value the rule expects."""

    path: str
    expected: Any
    actual: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True, slots=True)
class ScanError:
    """Something the collection could not see, or a rule that could not run.

    `scope` is an ARM ID (or ID prefix) the error covers; `resource_type`, when set, narrows
    it to lookups of that type, so a failed budget listing does not taint a vault rule.
    """

    scope: str
    operation: str
    status: str
    message: str
    resource_type: str | None = None

    def __post_init__(self) -> None:
        # Errors quote what Azure or an input file said (a SAS URL, an escape sequence, a
        # `::error` line): every field is cleaned here, once, whoever builds the record.
        for name in ("scope", "operation", "status", "message"):
            object.__setattr__(self, name, clean(str(getattr(self, name))))
        if self.resource_type is not None:
            object.__setattr__(self, "resource_type", clean(str(self.resource_type)))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scope": self.scope,
            "operation": self.operation,
            "status": self.status,
            "message": self.message,
        }
        if self.resource_type:
            out["resource_type"] = self.resource_type
        return out

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.scope.lower(), self.operation, self.status, self.message)


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is accepted risk, who owns it and until when."""

    justification: str
    owner: str
    expires: str
    source: str = "file"
    ticket: str | None = None

    def active(self, today: date) -> bool:
        """Whether the record still applies: through its `expires` day, never after. A record
        without a date (another tool's SARIF) applies; an unreadable date does not."""
        if not self.expires:
            return self.source == "sarif"
        try:
            return date.fromisoformat(self.expires[:10]) >= today
        except ValueError:
            return False

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Suppression:
        """A suppression record read back from a report; unknown fields are ignored."""
        ticket = raw.get("ticket")
        return cls(
            justification=clean(str(raw.get("justification", ""))),
            owner=clean(str(raw.get("owner", ""))),
            expires=clean(str(raw.get("expires", ""))),
            source=clean(str(raw.get("source", "file"))),
            ticket=clean(str(ticket)) if ticket is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires,
            "source": self.source,
        }
        if self.ticket:
            out["ticket"] = self.ticket
        return out


def fingerprint(rule_id: str, resource_id: str) -> str:
    """A finding's identity across runs: stable under ID casing and trailing slashes."""
    key = f"amlaudit/v1|{rule_id}|{resource_id.rstrip('/').lower()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Finding:
    """The verdict of one rule on one resource, with what was seen and how to fix it."""

    rule_id: str
    resource_id: str
    resource_type: str
    resource_name: str
    status: Status
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()
    skip_reason: str | None = None
    workspaces: tuple[str, ...] = ()
    suppression: Suppression | None = None
    baseline_state: str | None = None
    gating: bool = True
    # What reports show: tells apart `cpu-cluster` in nine workspaces (amlaudit.display).
    display_name: str = ""
    _fingerprint: str | None = field(default=None, repr=False)

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.rule_id, self.resource_id)
        return self._fingerprint

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    @classmethod
    def from_dict(cls, item: dict[str, Any], gating: bool = True) -> Finding:
        """A finding read back from an amlaudit JSON report (merge, baseline, gate).

        Lenient about optional fields, so a report from an older minor release still reads;
        KeyError/ValueError for a row that is not a finding at all.
        """
        raw = item.get("suppression")
        skip = item.get("skip_reason")
        return cls(
            rule_id=clean(str(item["rule_id"])),
            resource_id=clean(str(item["resource_id"])),
            resource_type=clean(str(item.get("resource_type", ""))),
            resource_name=clean(str(item.get("resource_name", ""))),
            status=Status(item.get("status", "fail")),
            severity=Severity.parse(item["severity"]) if "severity" in item else Severity.HIGH,
            message=clean(str(item.get("message", ""))),
            evidence=tuple(
                Evidence(
                    clean(str(e["path"])),
                    clean_value(e.get("expected")),
                    clean_value(e.get("actual")),
                )
                for e in item.get("evidence") or ()
            ),
            skip_reason=clean(str(skip)) if skip is not None else None,
            workspaces=tuple(clean(str(w)) for w in item.get("workspaces") or ()),
            suppression=Suppression.from_dict(raw) if isinstance(raw, dict) else None,
            baseline_state=item.get("baseline_state"),
            gating=gating,
            display_name=str(item.get("display_name") or item.get("resource_name", "")),
            _fingerprint=str(item["fingerprint"]) if item.get("fingerprint") else None,
        )

    @property
    def shown_name(self) -> str:
        """The display name, or the ARM name for findings read from older reports."""
        return self.display_name or self.resource_name

    def sort_key(self) -> tuple[str, str]:
        """Report order: by rule, then resource ID (one finding per rule and resource)."""
        return (self.rule_id, self.resource_id.lower())

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "resource_id": self.resource_id,
            "resource_type": self.resource_type,
            "resource_name": self.resource_name,
            "display_name": self.shown_name,
            "status": self.status.value,
            "severity": self.severity.value,
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
            "skip_reason": self.skip_reason,
            "workspaces": list(self.workspaces),
            "fingerprint": self.fingerprint,
            "suppressed": self.suppressed,
            "suppression": self.suppression.to_dict() if self.suppression else None,
            "baseline_state": self.baseline_state,
        }
