"""The scan service: snapshot files in, a ScanResult out. No printing, no exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid
from amlaudit.api import RuleSpec
from amlaudit.config import rule_options
from amlaudit.depscope import ScopeMode
from amlaudit.engine import evaluate
from amlaudit.gcpause import paused_gc
from amlaudit.index import SnapshotIndex
from amlaudit.redact import printable, scrub_text
from amlaudit.result import EMPTY_WARNING, ScanResult, scan_time
from amlaudit.snapshot import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_RESOURCES, Snapshot, load


@dataclass
class ScanRequest:
    snapshots: list[str]
    rules: list[RuleSpec]
    options: dict[str, Any] = field(default_factory=dict)
    options_source: str = "configuration"
    max_input_size: int = DEFAULT_MAX_INPUT_BYTES
    max_resources: int = DEFAULT_MAX_RESOURCES
    allow_empty: bool = False
    dependency_scope: ScopeMode = ScopeMode.USED
    access: bool = False
    # Processes that judge the rules (amlaudit.parallel); the report is the same either way.
    jobs: int = 1


def run_scan(request: ScanRequest) -> ScanResult:
    with paused_gc():
        snapshot = load(request.snapshots, request.max_input_size, request.max_resources)
        return scan_snapshot(
            snapshot,
            request.rules,
            request.options,
            request.options_source,
            request.allow_empty,
            request.dependency_scope,
            access=request.access,
            jobs=request.jobs,
        )


def scan_snapshot(
    snapshot: Snapshot,
    rules: Sequence[RuleSpec],
    options: dict[str, Any] | None = None,
    options_source: str = "configuration",
    allow_empty: bool = True,
    dependency_scope: ScopeMode = ScopeMode.USED,
    access: bool = False,
    jobs: int = 1,
) -> ScanResult:
    """Evaluate rules on an already-loaded snapshot (the live path arrives here too)."""
    values = rule_options(list(rules), options or {}, options_source)
    with paused_gc():
        index = SnapshotIndex(snapshot)
        evaluation = evaluate(index, rules, values, dependency_scope, jobs)
    workspaces = [_workspace_summary(ws.raw, ws.id, ws.name) for ws in index.workspaces()]
    workspaces.sort(key=lambda w: str(w["id"]).lower())
    warnings = []
    if not workspaces and not allow_empty:
        warnings.append(EMPTY_WARNING)
    result = ScanResult(
        rules=list(rules),
        findings=evaluation.findings,
        errors=evaluation.errors,
        coverage=evaluation.coverage,
        sources=snapshot.sources,
        subscriptions=index.subscriptions,
        workspaces=workspaces,
        generated_at=scan_time(),
        warnings=warnings,
        out_of_scope=evaluation.out_of_scope,
    )
    if access:
        from amlaudit.access.report import access_document, build_report

        result.access = access_document(build_report(index))
    index.release()  # its last use: the snapshot is freed with the scan (SnapshotIndex.release)
    return result


def _workspace_summary(raw: dict[str, Any], resource_id: str, name: str) -> dict[str, Any]:
    """What reports show of a workspace; `kind` and `location` are resource-derived text, so
    they are redacted and made printable like names are."""
    kind = raw.get("kind")
    location = raw.get("location")
    return {
        "id": resource_id,
        "name": name,
        "subscription": armid.subscription_id(resource_id),
        "resource_group": armid.resource_group(resource_id),
        "kind": printable(scrub_text(kind)) if isinstance(kind, str) else None,
        "location": printable(scrub_text(location)) if isinstance(location, str) else None,
    }
