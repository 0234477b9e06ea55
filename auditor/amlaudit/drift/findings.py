"""The finding diff: both sides' verdicts compared on the stable fingerprints reports carry.

A rule the OLD side did not have (a report written by an older rule set) cannot have regressed:
its failures are "new rule". A finding whose resource type one side could not collect is "not
comparable", never fixed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from amlaudit import armid
from amlaudit.drift.coverage import Coverage
from amlaudit.drift.model import Direction, FindingChange, FindingChangeKind
from amlaudit.drift.sides import Side
from amlaudit.model import Finding, Status

_ORDER = {kind: n for n, kind in enumerate(FindingChangeKind)}
_JUDGED = (Status.PASS, Status.FAIL)


@dataclass
class FindingDiff:
    changes: list[FindingChange] = field(default_factory=list)
    regressions: list[Finding] = field(default_factory=list)  # NEW's findings that got worse
    still_failing: int = 0
    unchanged: int = 0


def diff_findings(old: Side, new: Side, coverage: Coverage) -> FindingDiff:
    before = {f.fingerprint: f for f in old.findings}
    after = {f.fingerprint: f for f in new.findings}
    new_resources = _resource_keys(new)
    out = FindingDiff()
    for fp in sorted(before.keys() | after.keys()):
        o, n = before.get(fp), after.get(fp)
        kind = _classify(o, n, old, new, new_resources, coverage)
        if kind is None:
            if o is not None and n is not None and o.status is Status.FAIL:
                out.still_failing += 1
            else:
                out.unchanged += 1
            continue
        change = _change(kind, o, n)
        out.changes.append(change)
        if change.direction is Direction.WORSE and n is not None:
            # judged afresh: a baseline state the NEW report carried must not hide it
            out.regressions.append(replace(n, baseline_state=None))
    out.changes.sort(
        key=lambda c: (_ORDER[c.kind], -c.severity.rank, c.rule_id, c.resource_id.lower())
    )
    return out


def _classify(
    o: Finding | None,
    n: Finding | None,
    old: Side,
    new: Side,
    new_resources: set[str],
    coverage: Coverage,
) -> FindingChangeKind | None:
    rule_id = (n or o).rule_id  # type: ignore[union-attr]  # one of them is set
    if rule_id not in new.rule_ids or (o is not None and rule_id not in old.rule_ids):
        return None  # a rule only the OLD report knows, or a rule OLD had but NEW dropped
    if n is not None and rule_id not in old.rule_ids:
        return FindingChangeKind.NEW_RULE if n.status is Status.FAIL else None
    failed_before = o is not None and o.status is Status.FAIL
    fails_now = n is not None and n.status is Status.FAIL
    if failed_before == fails_now:
        if failed_before and o is not None and n is not None and o.severity != n.severity:
            return FindingChangeKind.SEVERITY_CHANGED
        if (
            o is not None
            and n is not None
            and o.status is not n.status
            and Status.ERROR in (o.status, n.status)
        ):
            return FindingChangeKind.STATUS_CHANGED
        return None
    some = n or o
    assert some is not None
    if not coverage.comparable(some.resource_id, some.resource_type):
        return FindingChangeKind.NOT_COMPARABLE
    if fails_now:
        if o is not None and o.status is Status.ERROR:
            return FindingChangeKind.STATUS_CHANGED
        return FindingChangeKind.NEW_FAILING
    if n is None and armid.key(some.resource_id) not in new_resources:
        return FindingChangeKind.RESOURCE_REMOVED
    if n is not None and n.status not in _JUDGED and n.status is not Status.SKIPPED:
        return FindingChangeKind.STATUS_CHANGED
    return FindingChangeKind.FIXED


def _change(kind: FindingChangeKind, o: Finding | None, n: Finding | None) -> FindingChange:
    some = n or o
    assert some is not None
    return FindingChange(
        kind=kind,
        rule_id=some.rule_id,
        resource_id=some.resource_id,
        resource_type=some.resource_type,
        resource_name=some.resource_name,
        display_name=some.shown_name,
        fingerprint=some.fingerprint,
        old_status=o.status if o else None,
        new_status=n.status if n else None,
        old_severity=o.severity if o else None,
        new_severity=n.severity if n else None,
        message=some.message,
        workspaces=some.workspaces,
        gating=some.gating,
        suppressed=some.suppressed,
    )


def _resource_keys(side: Side) -> set[str]:
    """Resources the side holds: the snapshot's, or those a report has any finding on."""
    if side.index is not None:
        return {r.key for r in side.index.snapshot.resources}
    return {armid.key(f.resource_id) for f in side.findings}
