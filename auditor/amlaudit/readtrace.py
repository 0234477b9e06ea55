"""Trace which (resource type, dotted path) each rule reads, by running its fixtures.

Nobody has to declare read paths by hand, so they cannot go stale: while a rule judges its
`fixtures/rules/<ID>/*.json`, the resource it judges and every resource the Context hands it
are traced views whose raw JSON records each key looked up. Only the deepest paths are kept
(`properties.encryption.status`, not also `properties.encryption`); array items are `[*]`.
The result is package data (`amlaudit.reads` loads it): the overlap meta-test, the catalog
and the drift capability build on it. `python reports/generate.py` regenerates it.

Tracing must not change a verdict: :func:`trace_rules` checks that every traced finding has
the status of the same finding without tracing, and raises otherwise.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from amlaudit import armid
from amlaudit.api import Context, RuleSpec, Verdict
from amlaudit.depscope import SCOPE_READS, Dependency, ScopeMode, Usage
from amlaudit.model import Finding
from amlaudit.reads import ReadPath, render
from amlaudit.resource import Resource
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import Snapshot, load

# Types whose instances are distinct settings told apart by name: each Defender plan is its own
# `Microsoft.Security/pricings/<plan>`, so two rules on two plans read different settings.
NAMED_SETTINGS = frozenset({"microsoft.security/pricings"})

# Where a read happened: (lower-case type, the type of the resource an extension resource sits
# on or "", the setting's name for NAMED_SETTINGS or "").
Subject = tuple[str, str, str]
Reads = set[tuple[Subject, str]]


def subject_of(resource: Resource) -> Subject:
    """What a read on this resource is about: its type, refined for extension resources (a
    vault's diagnostic settings are not a workspace's) and for named settings."""
    scope = armid.extension_scope(resource.id)
    scope_type = armid.type_from_id(scope) if scope else None
    name = resource.name if resource.type_key in NAMED_SETTINGS else ""
    return (resource.type_key, scope_type or "", name)


class _Recorder:
    """The reads of the rule being traced: (lower-case type, dotted path)."""

    def __init__(self) -> None:
        self.reads: Reads = set()

    def wrap(self, value: Any, subject: Subject, path: str) -> Any:
        if isinstance(value, dict) and not isinstance(value, _TracingDict):
            return _TracingDict(value, self, subject, path)
        if isinstance(value, list) and not isinstance(value, _TracingList):
            return _TracingList(value, self, subject, f"{path}[*]")
        return value


class _TracingDict(dict[str, Any]):
    """A JSON object that records the path of every key a rule looks up."""

    def __init__(self, data: dict[str, Any], recorder: _Recorder, subject: Subject, path: str):
        super().__init__(data)
        self.original = data
        self._recorder = recorder
        self._type = subject
        self._path = path

    def _child(self, key: object) -> str:
        return f"{self._path}.{key}" if self._path else str(key)

    def _see(self, key: object) -> str:
        path = self._child(key)
        self._recorder.reads.add((self._type, path))
        return path

    def _whole(self) -> None:
        if self._path:
            self._recorder.reads.add((self._type, self._path))

    def get(self, key: str, default: Any = None) -> Any:
        path = self._see(key)
        return self._recorder.wrap(super().get(key, default), self._type, path)

    def __getitem__(self, key: str) -> Any:
        path = self._see(key)
        return self._recorder.wrap(super().__getitem__(key), self._type, path)

    def __contains__(self, key: object) -> bool:
        self._see(key)
        return super().__contains__(key)

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        self._whole()
        for key, value in super().items():
            yield key, self._recorder.wrap(value, self._type, self._child(key))

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        self._whole()
        for key, value in super().items():
            yield self._recorder.wrap(value, self._type, self._child(key))

    def __iter__(self) -> Iterator[str]:
        self._whole()
        return super().__iter__()


class _TracingList(list[Any]):
    """A JSON array whose items trace under `path[*]`."""

    def __init__(self, data: list[Any], recorder: _Recorder, subject: Subject, path: str):
        super().__init__(data)
        self._recorder = recorder
        self._type = subject
        self._path = path

    def __iter__(self) -> Iterator[Any]:
        self._recorder.reads.add((self._type, self._path))
        for value in super().__iter__():
            yield self._recorder.wrap(value, self._type, self._path)

    def __getitem__(self, index: Any) -> Any:
        self._recorder.reads.add((self._type, self._path))
        return self._recorder.wrap(super().__getitem__(index), self._type, self._path)


class _TracedResource(Resource):
    """A resource whose raw JSON traces, and whose tag lookups name the tag read."""

    __slots__ = ()

    def tag(self, name: builtins.str) -> builtins.str | None:
        raw = self.raw
        if isinstance(raw, _TracingDict):
            raw._recorder.reads.add((subject_of(self), f"tags.{name.lower()}"))
        return Resource.tag(_untraced(self), name)


def _view(resource: Resource, recorder: _Recorder) -> Resource:
    if isinstance(resource, _TracedResource):
        return resource
    traced = _TracedResource.__new__(_TracedResource)
    for slot in Resource.__slots__:
        setattr(traced, slot, getattr(resource, slot))
    traced.raw = _TracingDict(resource.raw, recorder, subject_of(resource), "")
    return traced


def _untraced(resource: Resource) -> Resource:
    plain = Resource.__new__(Resource)
    for slot in Resource.__slots__:
        setattr(plain, slot, getattr(resource, slot))
    raw = resource.raw
    plain.raw = raw.original if isinstance(raw, _TracingDict) else raw
    return plain


class _TracingContext(Context):
    """The rule's Context, handing out traced resources."""

    _recorder: _Recorder

    @classmethod
    def around(cls, context: Context, recorder: _Recorder) -> _TracingContext:
        traced = cls.__new__(cls)
        traced.__dict__.update(vars(context))
        traced._recorder = recorder
        return traced

    def _one(self, found: Resource | None) -> Resource | None:
        return None if found is None else _view(found, self._recorder)

    def _many(self, found: list[Resource]) -> list[Resource]:
        return [_view(r, self._recorder) for r in found]

    def get(self, resource_id: str) -> Resource | None:
        return self._one(super().get(resource_id))

    def resolve(self, resource_id: str, what: str) -> Resource:
        return _view(super().resolve(resource_id, what), self._recorder)

    def parent(self, resource: Resource) -> Resource:
        return _view(super().parent(resource), self._recorder)

    def children(self, resource: Resource | str, resource_type: str) -> list[Resource]:
        return self._many(super().children(resource, resource_type))

    def extensions(self, resource: Resource | str, resource_type: str) -> list[Resource]:
        return self._many(super().extensions(resource, resource_type))

    def of_type(self, resource_type: str) -> list[Resource]:
        return self._many(super().of_type(resource_type))

    def inherited(self, subscription: str, resource_type: str) -> list[Resource]:
        return self._many(super().inherited(subscription, resource_type))

    def with_value(self, resource_type: str, path: str, value: str) -> list[Resource]:
        self._recorder.reads.add(((resource_type.lower(), "", ""), path))
        return self._many(super().with_value(resource_type, path, value))

    def workspaces_using(
        self, resource: Resource, *usages: Usage, inherited: bool = True
    ) -> list[Resource]:
        self._record_scope_reads()
        return self._many(super().workspaces_using(resource, *usages, inherited=inherited))

    def uses_of(self, resource: Resource) -> list[Dependency]:
        self._record_scope_reads()
        return super().uses_of(resource)

    def _record_scope_reads(self) -> None:
        """Who uses a resource is computed from the settings the dependency scope reads."""
        for resource_type, path in SCOPE_READS:
            self._recorder.reads.add(((resource_type, "", ""), path))


def _traced(spec: RuleSpec, recorder: _Recorder) -> RuleSpec:
    function = spec.function

    def run(res: Resource, ctx: Context) -> Verdict:
        return function(_view(res, recorder), _TracingContext.around(ctx, recorder))

    return replace(spec, function=run)


def deepest(reads: Reads) -> Reads:
    """Drop each path another read of the same subject extends (`a.b` when `a.b.c` is read)."""
    return {
        (subject, path)
        for subject, path in reads
        if not any(
            other_subject == subject
            and (other.startswith(f"{path}.") or other.startswith(f"{path}["))
            for other_subject, other in reads
        )
    }


def fixture_paths(fixtures: Path, rule_id: str) -> list[Path]:
    return sorted((fixtures / rule_id).glob("*.json"))


def trace_rule(
    spec: RuleSpec, fixtures: Sequence[Path], casing: dict[str, str] | None = None
) -> list[ReadPath]:
    """The settings the rule reads while judging `fixtures`, types in `casing` (lower -> as
    declared; by default the rule's own declarations). RuntimeError if tracing changed a
    verdict: the trace would then describe another run than the real one."""
    recorder = _Recorder()
    traced = _traced(spec, recorder)
    for path in fixtures:
        snapshot = load([str(path)])
        # A rule's fixtures judge it alone, whether or not a workspace uses the resource.
        plain = [(f.resource_id, f.status) for f in _scan(snapshot, spec)]
        seen = [(f.resource_id, f.status) for f in _scan(snapshot, traced)]
        if plain != seen:
            raise RuntimeError(f"tracing changed the verdicts of {spec.id} on {path.name}")
    names = casing if casing is not None else _casing([spec])
    return sorted(
        ReadPath(names.get(kind, kind), path, names.get(on, on), name)
        for (kind, on, name), path in deepest(recorder.reads)
    )


def _scan(snapshot: Snapshot, spec: RuleSpec) -> list[Finding]:
    return scan_snapshot(snapshot, [spec], dependency_scope=ScopeMode.ALL).findings


def _casing(rules: Sequence[RuleSpec]) -> dict[str, str]:
    return {t.lower(): t for spec in rules for t in (*spec.resource_types, *spec.reads)}


def trace_rules(rules: Sequence[RuleSpec], fixtures: Path) -> dict[str, list[ReadPath]]:
    """Every rule's reads over `fixtures/<ID>/*.json`."""
    casing = _casing(rules)
    return {spec.id: trace_rule(spec, fixture_paths(fixtures, spec.id), casing) for spec in rules}


def main(argv: list[str]) -> int:
    """`python -m amlaudit.readtrace FIXTURES OUT`: write the traced reads of the built-ins."""
    from amlaudit.registry import find_packs, load_rules

    fixtures, out = Path(argv[0]), Path(argv[1])
    traced = trace_rules(load_rules(find_packs(use_entry_points=False)), fixtures)
    out.write_text(render(traced), encoding="utf-8", newline="\n")
    print(f"wrote the read paths of {len(traced)} rules to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
