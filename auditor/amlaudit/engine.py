"""Run rules over an indexed snapshot: one finding per (rule, resource of its types).

The engine is where "never a silent pass" is enforced: a rule that raises, a resource without
`properties`, a conflicting duplicate or a lookup into a scope whose collection failed all
become *error* findings; a reference to a resource outside the snapshot becomes *skipped*
with a coverage note. It is also where the dependency scope applies: under `used`, a rule
of a dependency family (or a subscription rule) judges only the resources in scope, and the
others are counted in `out_of_scope`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from amlaudit.api import Context, IncompleteData, MissingReference, RuleSpec, Verdict
from amlaudit.depscope import ScopeMode, scoped_type
from amlaudit.display import DisplayNames
from amlaudit.index import SnapshotIndex
from amlaudit.model import Evidence, Finding, RuleStatus, ScanError, Status
from amlaudit.redact import MARKER, printable, redact_tree, scrub_text
from amlaudit.resource import DataError, Resource
from amlaudit.snapshot import SUBSCRIPTION_TYPE


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A resource the scan could not judge, and why."""

    resource_id: str
    rule_id: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"resource_id": self.resource_id, "rule_id": self.rule_id, "reason": self.reason}


@dataclass
class Evaluation:
    """What the engine produced: findings plus what it could not judge."""

    rules: list[RuleSpec]
    findings: list[Finding]
    coverage: list[CoverageGap] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    out_of_scope: dict[str, int] = field(default_factory=dict)


def evaluate(
    index: SnapshotIndex,
    rules: Sequence[RuleSpec],
    options: dict[str, Any],
    scope: ScopeMode = ScopeMode.USED,
) -> Evaluation:
    findings: list[Finding] = []
    coverage: list[CoverageGap] = []
    out_of_scope: dict[str, int] = {}
    texts = _TextCleaner()
    names = DisplayNames(index)
    for spec in rules:
        gating = spec.status is RuleStatus.STABLE
        context = Context(index, options, spec.all_types)
        canonical = {t.lower(): t for t in spec.resource_types}
        start = len(findings)
        for type_key, display_type in sorted(canonical.items()):
            judged = _judged(index, type_key, scope)
            skipped = len(index.of_type(type_key)) - len(judged)
            if skipped:
                out_of_scope[display_type] = skipped
            for resource in judged:
                finding = _judge(spec, resource, display_type, context, index, coverage, texts)
                finding.display_name = names(resource)
                finding.gating = gating
                findings.append(finding)
        if len(canonical) > 1:  # each type list is already in report order; interleave them
            findings[start:] = sorted(findings[start:], key=Finding.sort_key)
    if any(a.id > b.id for a, b in pairwise(rules)):  # rules given out of ID order
        findings.sort(key=Finding.sort_key)
    coverage = [
        replace(
            gap,
            resource_id=printable(scrub_text(gap.resource_id)),
            reason=printable(scrub_text(gap.reason)),
        )
        for gap in coverage
    ]
    coverage.sort(key=lambda gap: (gap.resource_id.lower(), gap.rule_id or ""))
    # Collection errors quote what Azure said, which may echo a SAS URL or a connection string.
    errors = sorted(
        (
            replace(
                e, scope=printable(scrub_text(e.scope)), message=printable(scrub_text(e.message))
            )
            for e in index.errors
        ),
        key=ScanError.sort_key,
    )
    return Evaluation(list(rules), findings, coverage, errors, dict(sorted(out_of_scope.items())))


def _judged(index: SnapshotIndex, type_key: str, scope: ScopeMode) -> list[Resource]:
    """The resources of a type the rules judge: all of them, or under `used` those in the
    dependency scope."""
    if scope is ScopeMode.ALL:
        return index.of_type(type_key)
    if not scoped_type(type_key):
        return index.of_type(type_key)
    return index.dependency_scope.in_scope_of_type(type_key)


_SKIPPED = Status.SKIPPED


class _TextCleaner:
    """Redacts and makes printable the text rules produce, once per distinct text: a
    1,000-workspace estate repeats the same few thousand messages 150,000 times."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        cleaned = self._seen.get(text)
        if cleaned is None:
            if len(self._seen) > 200_000:
                self._seen.clear()
            cleaned = self._seen[text] = printable(scrub_text(text))
        return cleaned


def _clean_value(value: Any, texts: _TextCleaner) -> Any:
    """Evidence values as reports may show them: scalars pass, text and JSON are redacted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if texts(value) == value else MARKER
    return redact_tree(value)[0]


def _judge(
    spec: RuleSpec,
    resource: Resource,
    display_type: str,
    context: Context,
    index: SnapshotIndex,
    coverage: list[CoverageGap],
    texts: _TextCleaner,
) -> Finding:
    verdict: Verdict
    skip_reason: str | None = None
    try:
        if resource.key in index.conflicts:
            raise IncompleteData("the snapshot holds conflicting copies of this resource")
        if display_type != SUBSCRIPTION_TYPE:
            _ = resource.properties  # null properties (az resource list) cannot be judged
        verdict = spec.function(resource, context)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"rule returned {type(verdict).__name__}, expected a Verdict")
    except MissingReference as missing:
        errors = index.errors_covering(missing.resource_id)
        if errors:
            verdict = Verdict(Status.ERROR, f"{missing}, and collection failed there")
        else:
            skip_reason = f"{missing}; it could not be judged"
            verdict = Verdict(Status.SKIPPED, skip_reason)
        coverage.append(
            CoverageGap(missing.resource_id, spec.id, f"{missing} (needed by {spec.id})")
        )
    except DataError as problem:
        verdict = Verdict(Status.ERROR, f"cannot judge: {problem}")
        coverage.append(CoverageGap(resource.id, spec.id, str(problem)))
    except IncompleteData as problem:
        verdict = Verdict(Status.ERROR, f"cannot judge: {problem}")
        coverage.append(CoverageGap(resource.id, spec.id, str(problem)))
    except Exception as crash:  # a crashing rule is an error result, never a pass
        message = f"rule {spec.id} raised {type(crash).__name__}: {crash}"
        verdict = Verdict(Status.ERROR, message[:500])
        coverage.append(CoverageGap(resource.id, spec.id, message[:500]))
    if verdict.status is _SKIPPED and skip_reason is None:
        skip_reason = verdict.message
    workspaces = (
        tuple(sorted(verdict.workspaces, key=str.lower))
        if verdict.workspaces is not None
        else index.workspaces_affected(resource)
    )
    evidence = tuple(
        Evidence(e.path, _clean_value(e.expected, texts), _clean_value(e.actual, texts))
        for e in verdict.evidence
    )
    return Finding(
        rule_id=spec.id,
        resource_id=resource.id,
        resource_type=display_type,
        resource_name=resource.name,
        status=verdict.status,
        severity=spec.severity,
        message=texts(verdict.message),
        evidence=evidence,
        skip_reason=texts(skip_reason) if skip_reason else skip_reason,
        workspaces=workspaces,
    )
