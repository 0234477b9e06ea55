"""Two sides in, one DriftReport out: the finding diff always; the configuration diff, RBAC
drift and secret notes only when both sides are snapshots (a report holds no resources)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from amlaudit.drift.attribution import Attributor
from amlaudit.drift.config import Readers, diff_config
from amlaudit.drift.coverage import Coverage
from amlaudit.drift.findings import diff_findings
from amlaudit.drift.model import (
    Attribution,
    Direction,
    DriftReport,
    FindingChange,
    ResourceChange,
    SideInfo,
)
from amlaudit.drift.rbac import diff_rbac
from amlaudit.drift.sides import Side
from amlaudit.model import Finding

REPORT_NOTE = (
    "{side} is a report: only findings are compared (no configuration, RBAC or secret diff, "
    "which need a snapshot on both sides)"
)


@dataclass
class Drift:
    report: DriftReport
    regressions: list[Finding]  # NEW's findings that got worse, for the gate


def compare(old: Side, new: Side, readers: Readers) -> Drift:
    coverage = Coverage(old, new)
    finding_diff = diff_findings(old, new, coverage)
    notes = [REPORT_NOTE.format(side=s.label.upper()) for s in (old, new) if s.kind == "report"]
    resources: list[ResourceChange] = []
    roles, definitions, secrets = [], [], []
    attributions: dict[str, Attribution] = {}
    if old.index is not None and new.index is not None:
        config = diff_config(old.index, new.index, readers, coverage)
        resources, secrets = config.resources, config.secrets
        rbac = diff_rbac(old.index, new.index)
        roles, definitions = rbac.assignments, rbac.definitions
        # an assignment or custom role RBAC drift reports is not listed again as a resource
        told = {r.assignment_id.lower() for r in roles}
        told |= {d.definition_id.lower() for d in definitions}
        by_resource: dict[str, list[FindingChange]] = defaultdict(list)
        for finding in finding_diff.changes:
            by_resource[finding.resource_id.lower()].append(finding)
        resources = [
            _judged(c, by_resource[c.resource_id.lower()])
            for c in resources
            if c.resource_id.lower() not in told
        ]
        attributor = Attributor(old, new)
        if attributor.unavailable is not None:
            notes.append(f"who changed what is unknown: {attributor.unavailable}")
        regressed = {f.resource_id: None for f in finding_diff.regressions}
        regressed.update({c.resource_id: None for c in resources if c.direction is Direction.WORSE})
        attributions = {rid: attributor.attribute(rid) for rid in sorted(regressed, key=str.lower)}
    incomplete = [f"{s.label.upper()}: {reason}" for s in (old, new) for reason in s.incomplete]
    report = DriftReport(
        old=_info(old),
        new=_info(new),
        config_compared=old.index is not None and new.index is not None,
        findings=finding_diff.changes,
        still_failing=finding_diff.still_failing,
        unchanged=finding_diff.unchanged,
        resources=resources,
        roles=roles,
        role_definitions=definitions,
        coverage=coverage.notes,
        secrets=secrets,
        workspaces={**old.workspaces, **new.workspaces},
        notes=notes,
        incomplete=incomplete,
        attributions=attributions,
    )
    return Drift(report, finding_diff.regressions)


def _judged(change: ResourceChange, findings: list[FindingChange]) -> ResourceChange:
    """Mark a security-relevant change that fixed findings (of this resource) of the rules
    reading it and made none worse, so it reads as better, not worse."""
    if not change.security_relevant:
        return change
    moved = {f.direction for f in findings if f.rule_id in change.readers}
    if Direction.BETTER in moved and Direction.WORSE not in moved:
        return replace(change, fixes=True)
    return change


def _info(side: Side) -> SideInfo:
    return SideInfo(
        side.path, side.kind, side.collected_at, len(side.rule_ids), side.resource_count
    )
