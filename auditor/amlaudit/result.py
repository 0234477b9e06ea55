"""A finished scan: what every report format renders and what the gate judges."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from amlaudit._version import __version__
from amlaudit.api import RuleSpec
from amlaudit.engine import CoverageGap
from amlaudit.model import Finding, ScanError, Severity, Status
from amlaudit.snapshot import SnapshotSource

if TYPE_CHECKING:  # suppress.py loads YAML: only scans with suppressions need it
    from amlaudit.suppress import SuppressionEntry

# An empty input is incomplete unless allowed: every report format says so (SARIF as an
# unsuccessful execution), and `gate` exits 3 on it like `scan`.
EMPTY_WARNING = (
    "no Azure ML workspace found in the input: nothing was audited "
    "(pass --allow-empty if that is expected)"
)
# SARIF: the notification kind of that warning, and the run property counting workspaces.
EMPTY_KIND = "no-workspace"
WORKSPACES_KEY = "amlaudit/workspaces"


def scan_time() -> datetime:
    """'Now' for reports and expiries: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            pass
    return datetime.now(tz=UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ScanResult:
    rules: list[RuleSpec]
    findings: list[Finding]
    errors: list[ScanError]
    coverage: list[CoverageGap]
    sources: list[SnapshotSource]
    subscriptions: list[str]
    workspaces: list[dict[str, Any]]
    generated_at: datetime
    warnings: list[str] = field(default_factory=list)
    # `scan --access`: the access report (amlaudit-access document), for the HTML section.
    access: dict[str, Any] | None = None
    tool_version: str = __version__
    # The suppression entries in force for this scan (expired ones too), for the reports.
    suppression_entries: list[SuppressionEntry] = field(default_factory=list)
    # Resources of a dependency family (or subscriptions) not judged under
    # `--dependency-scope used`, by type.
    out_of_scope: dict[str, int] = field(default_factory=dict)

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.FAIL]

    def summary(self) -> dict[str, Any]:
        by_status = Counter(f.status.value for f in self.findings)
        failing = [f for f in self.findings if f.status is Status.FAIL]
        active = [f for f in failing if not f.suppressed]
        by_severity = Counter(f.severity.value for f in active)
        return {
            "resources": len({f.resource_id.lower() for f in self.findings}),
            "workspaces": len(self.workspaces),
            "rules": len(self.rules),
            "findings": len(self.findings),
            "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
            "failing_by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
            "suppressed": sum(1 for f in failing if f.suppressed),
            "new": sum(1 for f in active if f.baseline_state == "new"),
            "collection_errors": len(self.errors),
            "complete": not self.errors and by_status.get(Status.ERROR.value, 0) == 0,
            "out_of_scope": dict(sorted(self.out_of_scope.items())),
        }
