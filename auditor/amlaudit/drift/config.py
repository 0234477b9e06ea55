"""The configuration diff: per resource, on the normalised JSON, what was added, removed,
recreated or changed, with each changed path's old and new value.

Both copies are redacted the same way and normalised (`amlaudit.normalize`: casing, key order,
set-like arrays, empty values, the packaged volatile-field table) before comparing, and ARM IDs
inside values compare case-insensitively, so a copy from Resource Graph and one from a GET of
an unchanged resource show no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from amlaudit.drift.coverage import Coverage
from amlaudit.drift.model import PathChange, ResourceChange, ResourceChangeKind, SecretNote
from amlaudit.drift.secrets import redacted_on_both, rotation_paths, rotations
from amlaudit.index import SnapshotIndex
from amlaudit.normalize import normalize, recreation_markers
from amlaudit.redact import MARKER, redact_tree
from amlaudit.resource import Resource

_ID_PREFIXES = ("/subscriptions/", "/providers/")
_MARKER_BYTES = MARKER.encode()

# (resource type, changed path) -> IDs of the rules that read it (`amlaudit.reads.readers`)
Readers = Callable[[str, str], Sequence[str]]


@dataclass
class ConfigDiff:
    resources: list[ResourceChange] = field(default_factory=list)
    secrets: list[SecretNote] = field(default_factory=list)


def diff_config(
    old: SnapshotIndex, new: SnapshotIndex, readers: Readers, coverage: Coverage
) -> ConfigDiff:
    before = {r.key: r for r in old.snapshot.resources}
    after = {r.key: r for r in new.snapshot.resources}
    out = ConfigDiff()
    for key in sorted(before.keys() | after.keys()):
        o, n = before.get(key), after.get(key)
        if o is None or n is None:
            some = n or o
            assert some is not None
            if not coverage.comparable(some.id, some.type):
                continue  # the coverage notes say why; absent is not deleted
            index = new if n is not None else old
            kind = ResourceChangeKind.ADDED if n is not None else ResourceChangeKind.REMOVED
            out.resources.append(_change(kind, some, index.workspaces_affected(some)))
            continue
        if o.raw is n.raw or o.raw == n.raw or normalize(o.raw) == normalize(n.raw):
            # the same configuration (volatile fields, key order, casing aside); a secret kept
            # only as the redaction marker cannot be compared
            if _MARKER_BYTES in orjson.dumps(n.raw):
                flat = _flat_redacted(n.raw)
                out.secrets += _redacted_notes(n, flat, flat, n.raw, n.raw)
            continue
        change = _compare(o, n, readers, out.secrets)
        if change is not None:
            out.resources.append(
                ResourceChange(**{**change, "workspaces": new.workspaces_affected(n)})
            )
    return out


def _compare(
    o: Resource, n: Resource, readers: Readers, secrets: list[SecretNote]
) -> dict[str, Any] | None:
    flat_old, flat_new = _flat_redacted(o.raw), _flat_redacted(n.raw)
    secrets += rotations(n.id, n.type, flat_old, flat_new)
    secrets += _redacted_notes(n, flat_old, flat_new, o.raw, n.raw)
    skip = set(rotation_paths(n.type))
    paths = []
    for path in sorted(flat_old.keys() | flat_new.keys()):
        if path in skip:
            continue
        before, after = flat_old.get(path), flat_new.get(path)
        if _same(before, after):
            continue
        paths.append(PathChange(path, before, after, tuple(readers(n.type, path))))
    markers_old, markers_new = recreation_markers(o.raw), recreation_markers(n.raw)
    recreated = {
        name: [markers_old[name], markers_new[name]]
        for name in sorted(markers_old.keys() & markers_new.keys())
        if markers_old[name] != markers_new[name]
    }
    if not paths and not recreated:
        return None
    return {
        "kind": ResourceChangeKind.RECREATED if recreated else ResourceChangeKind.CHANGED,
        "resource_id": n.id,
        "resource_type": n.type,
        "resource_name": n.name,
        "paths": tuple(paths),
        "recreation": recreated,
    }


def _change(
    kind: ResourceChangeKind, resource: Resource, workspaces: tuple[str, ...]
) -> ResourceChange:
    return ResourceChange(kind, resource.id, resource.type, resource.name, workspaces)


def _redacted_notes(
    resource: Resource,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    raw_old: dict[str, Any],
    raw_new: dict[str, Any],
) -> list[SecretNote]:
    """Notes for the values redacted on both sides; the unredacted copies are flattened only
    when there are such values (most resources have none)."""
    marked = sorted(path for path, value in new.items() if value == MARKER)
    if not marked:
        return []
    unredacted_old = old if raw_old is raw_new else _flat(raw_old)
    unredacted_new = unredacted_old if raw_old is raw_new else _flat(raw_new)
    return redacted_on_both(resource.id, marked, old, new, unredacted_old, unredacted_new)


def _flat_redacted(raw: dict[str, Any]) -> dict[str, Any]:
    """The resource redacted, normalised and flattened to {dotted path: leaf value}."""
    clean, _ = redact_tree(raw)
    return _flat(clean)


def _flat(raw: dict[str, Any]) -> dict[str, Any]:
    return dict(_flatten(normalize(raw), ""))


def _flatten(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Objects by key; arrays of objects by position (`[n]`); arrays of plain values and
    other leaves as one value."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list) and any(isinstance(item, dict | list) for item in node):
        for position, item in enumerate(node):
            yield from _flatten(item, f"{path}[{position}]")
    else:
        yield path, node


def _same(before: Any, after: Any) -> bool:
    if before == after:
        return True
    return bool(_id_folded(before) == _id_folded(after))


def _id_folded(value: Any) -> Any:
    """ARM IDs inside values compare case-insensitively, as ARM itself does."""
    if isinstance(value, str) and value.lower().startswith(_ID_PREFIXES):
        return value.lower()
    if isinstance(value, list):
        return [_id_folded(item) for item in value]
    return value
