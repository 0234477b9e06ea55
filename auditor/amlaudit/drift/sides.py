"""One side of a diff: a snapshot scanned with the current rules, or an earlier JSON report
read as it is (its findings through `Finding.from_dict`, its rule list as it was then)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amlaudit import armid
from amlaudit.api import RuleSpec
from amlaudit.depscope import ScopeMode
from amlaudit.errors import InputError
from amlaudit.index import SnapshotIndex
from amlaudit.model import Finding, ScanError, Status
from amlaudit.snapshot import Snapshot, load

# Our JSON report starts with this key (reports/json_report.py); a snapshot never has it. A
# SARIF log is told by its version key and refused with a clear message.
_REPORT_MARKS = (b'"schema_version"', b'"runs"', b"sarif")
_SNIFF_BYTES = 512


@dataclass
class Side:
    """What one side of the diff can tell: findings always; resources only for a snapshot."""

    label: str  # "old" or "new"
    path: str
    kind: str  # "snapshot" or "report"
    findings: list[Finding]
    rule_ids: frozenset[str]
    incomplete: list[str] = field(default_factory=list)
    index: SnapshotIndex | None = None
    collected_at: str | None = None
    envelope_source: dict[str, Any] | None = None
    workspaces: dict[str, str] = field(default_factory=dict)  # id -> name

    @property
    def errors(self) -> list[ScanError]:
        return self.index.errors if self.index is not None else []

    @property
    def resource_count(self) -> int | None:
        return len(self.index.snapshot.resources) if self.index is not None else None


def is_report(path: str) -> bool:
    """An amlaudit JSON report (or a SARIF log, refused later), told from a snapshot by its
    first key; a snapshot's first keys are `format`, `value`, `data` or a resource's."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False  # the snapshot loader says precisely what is wrong
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{"):
        return False  # an array of resources
    return any(mark in start[:64] for mark in _REPORT_MARKS)


@dataclass(frozen=True)
class ScanSettings:
    """How a snapshot side is scanned: as `scan` would with the same options."""

    rules: Sequence[RuleSpec]
    options: dict[str, Any]
    options_source: str
    max_input_size: int
    dependency_scope: ScopeMode = ScopeMode.USED


def load_side(label: str, path: str, settings: ScanSettings) -> Side:
    if is_report(path):
        return _report_side(label, path)
    return _snapshot_side(label, load([path], settings.max_input_size), path, settings)


def _report_side(label: str, path: str) -> Side:
    from amlaudit.baseline import read_report

    report = read_report(path)
    if report.kind != "amlaudit-json":
        raise InputError(f"{path}: diff reads amlaudit JSON reports, not {report.kind}")
    workspaces: dict[str, str] = {}
    for finding in report.findings:
        for ws in finding.workspaces:
            workspaces.setdefault(ws, armid.name_from_id(ws))
    return Side(
        label=label,
        path=path,
        kind="report",
        findings=report.findings,
        rule_ids=frozenset(rule_id for rule_id, _ in report.rules),
        incomplete=list(report.incomplete),
        workspaces=workspaces,
    )


def _snapshot_side(label: str, snapshot: Snapshot, path: str, settings: ScanSettings) -> Side:
    from amlaudit.scan import scan_snapshot

    index = SnapshotIndex(snapshot)
    result = scan_snapshot(
        snapshot,
        settings.rules,
        settings.options,
        settings.options_source,
        allow_empty=True,
        dependency_scope=settings.dependency_scope,
        index=index,
    )
    incomplete = []
    if result.errors:
        incomplete.append(f"{len(result.errors)} collection error(s)")
    rule_errors = sum(1 for f in result.findings if f.status is Status.ERROR)
    if rule_errors:
        incomplete.append(f"{rule_errors} rule error(s)")
    source = snapshot.sources[0] if snapshot.sources else None
    return Side(
        label=label,
        path=path,
        kind="snapshot",
        findings=result.findings,
        rule_ids=frozenset(spec.id for spec in settings.rules),
        incomplete=incomplete,
        index=index,
        collected_at=source.collected_at if source else None,
        envelope_source=source.source if source else None,
        workspaces={str(w["id"]): str(w["name"]) for w in result.workspaces},
    )
