"""Run rules over an indexed snapshot: one finding per (rule, resource of its types).

The engine is where "never a silent pass" is enforced: a rule that raises, a resource without
`properties` (judged or reached through the Context), one still provisioning, a conflicting
duplicate, a lookup into a scope whose collection failed or whose type the input did not
collect all become *error* findings; a reference to a resource outside the snapshot becomes
*skipped*. Each gap is a coverage entry, listed once with the rules it affected. It is also
where the dependency scope applies: under `used`, a rule of a dependency family (or a
subscription rule) judges only the resources in scope, and the others are counted in
`out_of_scope`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from amlaudit.api import (
    Context,
    IncompleteData,
    MissingReference,
    NotCollected,
    NoUsableData,
    RuleSpec,
    Verdict,
)
from amlaudit.depscope import ScopeMode, scoped_type
from amlaudit.display import DisplayNames
from amlaudit.index import SnapshotIndex, absent_references, usable
from amlaudit.model import Evidence, Finding, RuleStatus, ScanError, Status
from amlaudit.redact import clean, clean_value
from amlaudit.resource import DataError, Resource
from amlaudit.snapshot import SUBSCRIPTION_TYPE


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A resource the scan could not judge, and why."""

    resource_id: str
    rule_id: str | None
    reason: str

    def __post_init__(self) -> None:
        # Reasons quote rule messages and IDs from the input (or from a merged report).
        object.__setattr__(self, "resource_id", clean(self.resource_id))
        object.__setattr__(self, "reason", clean(self.reason))
        if self.rule_id is not None:
            object.__setattr__(self, "rule_id", clean(str(self.rule_id)))

    def to_dict(self) -> dict[str, Any]:
        return {"resource_id": self.resource_id, "rule_id": self.rule_id, "reason": self.reason}


class _Gaps:
    """Coverage entries. A resource reached without data, or a type not collected at a scope,
    is one entry naming every rule it affected (`shared`); other gaps are one entry per rule."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str, str | None], set[str]] = {}

    def add(self, resource_id: str, rule_id: str | None, reason: str, shared: bool = False) -> None:
        key = (resource_id, reason, None if shared else rule_id)
        rules = self._rules.setdefault(key, set())
        if rule_id is not None:
            rules.add(rule_id)

    def known(self) -> set[str]:
        return {resource_id.lower() for resource_id, _, _ in self._rules}

    def entries(self) -> list[CoverageGap]:
        found = []
        for (resource_id, reason, _), rules in self._rules.items():
            if len(rules) > 1:
                shown = f"{reason} (affects {', '.join(sorted(rules))})"
                found.append(CoverageGap(resource_id, None, shown))
            else:
                found.append(CoverageGap(resource_id, next(iter(rules), None), reason))
        return found


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
    jobs: int = 1,
) -> Evaluation:
    """Findings in report order. With `jobs` > 1 the rules are shared among forked processes
    (amlaudit.parallel); the result is the same, byte for byte."""
    if jobs > 1 and len(rules) > 1:
        from amlaudit.parallel import judge_in_parallel

        judged = judge_in_parallel(index, rules, options, scope, jobs)
    else:
        texts = TextCleaner()
        names = DisplayNames(index)
        judged = [judge_rule(index, spec, options, scope, texts, names) for spec in rules]
    findings: list[Finding] = []
    coverage = _Gaps()
    out_of_scope: dict[str, int] = {}
    for rule in judged:  # in rule order, whichever process judged it
        findings += rule.findings
        for gap in rule.coverage:
            coverage.add(*gap)
        out_of_scope.update(rule.out_of_scope)
    if any(a.id > b.id for a, b in pairwise(rules)):  # rules given out of ID order
        findings.sort(key=Finding.sort_key)
    known = coverage.known()
    judged_types = frozenset(t for spec in rules for t in spec.all_types)
    for target, reason in absent_references(index, judged_types):
        if target.lower() not in known:
            coverage.add(target, None, reason)
    # Coverage entries and collection errors are cleaned when built (__post_init__).
    gaps = sorted(
        coverage.entries(), key=lambda gap: (gap.resource_id.lower(), gap.rule_id or "", gap.reason)
    )
    errors = sorted(index.errors, key=ScanError.sort_key)
    return Evaluation(list(rules), findings, gaps, errors, dict(sorted(out_of_scope.items())))


class _GapLog:
    """The coverage gaps one rule met, in order: `evaluate` adds them to its `_Gaps`."""

    def __init__(self) -> None:
        self.added: list[tuple[str, str | None, str, bool]] = []

    def add(self, resource_id: str, rule_id: str | None, reason: str, shared: bool = False) -> None:
        self.added.append((resource_id, rule_id, reason, shared))


@dataclass
class RuleJudgement:
    """One rule's findings in report order, its coverage gaps (`_Gaps.add` arguments), and
    the resources of each type left out of the dependency scope."""

    findings: list[Finding]
    coverage: list[tuple[str, str | None, str, bool]]
    out_of_scope: dict[str, int]


def judge_rule(
    index: SnapshotIndex,
    spec: RuleSpec,
    options: dict[str, Any],
    scope: ScopeMode,
    texts: TextCleaner,
    names: DisplayNames,
) -> RuleJudgement:
    """One rule on every resource of its types (in the dependency scope)."""
    findings: list[Finding] = []
    coverage = _GapLog()
    out_of_scope: dict[str, int] = {}
    gating = spec.status is RuleStatus.STABLE
    context = Context(index, options, spec.all_types)
    canonical = {t.lower(): t for t in spec.resource_types}
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
        findings.sort(key=Finding.sort_key)
    return RuleJudgement(findings, coverage.added, out_of_scope)


def _judged(index: SnapshotIndex, type_key: str, scope: ScopeMode) -> list[Resource]:
    """The resources of a type the rules judge: all of them, or under `used` those in the
    dependency scope."""
    if scope is ScopeMode.ALL:
        return index.of_type(type_key)
    if not scoped_type(type_key):
        return index.of_type(type_key)
    return index.dependency_scope.in_scope_of_type(type_key)


_SKIPPED = Status.SKIPPED


class TextCleaner:
    """Redacts and makes printable the text rules produce, once per distinct text: a
    1,000-workspace estate repeats the same few thousand messages 150,000 times."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        cleaned = self._seen.get(text)
        if cleaned is None:
            if len(self._seen) > 200_000:
                self._seen.clear()
            cleaned = self._seen[text] = clean(text)
        return cleaned


def _clean_value(value: Any, texts: TextCleaner) -> Any:
    """Evidence values as reports may show them: scalars pass, text and JSON are redacted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if texts(value) == value else clean_value(value)
    return clean_value(value)


def _judge(
    spec: RuleSpec,
    resource: Resource,
    display_type: str,
    context: Context,
    index: SnapshotIndex,
    coverage: _GapLog,
    texts: TextCleaner,
) -> Finding:
    verdict: Verdict
    skip_reason: str | None = None
    try:
        if resource.key in index.conflicts:
            raise IncompleteData("the snapshot holds conflicting copies of this resource")
        if display_type != SUBSCRIPTION_TYPE:
            if not usable(resource):  # null properties (az resource list) cannot be judged
                raise NoUsableData(resource)
            _settled(resource)
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
        coverage.add(missing.resource_id, spec.id, f"{missing} (needed by {spec.id})")
    except NoUsableData as problem:
        verdict = Verdict(Status.ERROR, f"cannot judge: {problem}")
        coverage.add(problem.resource_id, spec.id, str(problem), shared=True)
    except NotCollected as problem:
        verdict = Verdict(Status.ERROR, f"cannot judge: {problem}")
        coverage.add(problem.scope, spec.id, str(problem), shared=True)
    except DataError as problem:
        verdict = Verdict(Status.ERROR, f"cannot judge: {problem}")
        coverage.add(resource.id, spec.id, str(problem))
    except IncompleteData as problem:
        verdict = Verdict(Status.ERROR, f"cannot judge: {problem}")
        coverage.add(resource.id, spec.id, str(problem))
    except Exception as crash:  # a crashing rule is an error result, never a pass
        message = f"rule {spec.id} raised {type(crash).__name__}: {crash}"
        verdict = Verdict(Status.ERROR, message[:500])
        coverage.add(resource.id, spec.id, message[:500])
    if verdict.status is _SKIPPED and skip_reason is None:
        skip_reason = verdict.message
    workspaces = (
        tuple(sorted(verdict.workspaces, key=str.lower))
        if verdict.workspaces is not None
        else index.workspaces_affected(resource)
    )
    evidence = (
        tuple(
            Evidence(e.path, _clean_value(e.expected, texts), _clean_value(e.actual, texts))
            for e in verdict.evidence
        )
        if verdict.evidence
        else ()
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


# A resource in one of these states reports settings that are about to change, or none yet.
TRANSITIONAL_STATES = frozenset({"creating", "updating", "deleting"})


def _settled(resource: Resource) -> None:
    """IncompleteData for a resource still provisioning: its settings are not final (a compute
    instance answered while `Creating` reports no nested properties at all)."""
    state = resource.properties.get("provisioningState")
    if isinstance(state, str) and state.strip().lower() in TRANSITIONAL_STATES:
        raise IncompleteData(
            f"provisioningState is {state.strip()}: its settings are not reported until it "
            "settles; scan again once it has"
        )
