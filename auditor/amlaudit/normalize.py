"""One normal form for ARM resource JSON, so two copies of a resource can be compared.

The same resource reaches amlaudit from different sources (an `az resource show` today, an
export tomorrow, a Resource Graph row) with different ID casing, key order, array order of
unordered sets, and read-only fields that Azure changes on its own (etags, provisioning
states, `systemData.lastModified*`). The snapshot loader uses this module to decide whether
two copies are the same resource, and `amlaudit diff` to decide whether a resource changed.
The table of volatile fields is package data (`data/volatile_fields.json`), cited there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from amlaudit import armid

_ANY_DEPTH = "**"
_ANY_KEY = "*"


@dataclass(frozen=True)
class VolatileTable:
    """The packaged table: what to ignore, which arrays are sets, what marks a recreation."""

    everywhere: tuple[tuple[str, ...], ...]
    by_type: Mapping[str, tuple[tuple[str, ...], ...]]
    unordered: frozenset[tuple[str, ...]]
    recreation: tuple[str, ...]

    def ignored(self, type_key: str) -> tuple[tuple[str, ...], ...]:
        return self.everywhere + self.by_type.get(type_key, ())


@cache
def volatile_table() -> VolatileTable:
    """The packaged volatile-field table, read once."""
    text = resources.files("amlaudit").joinpath("data/volatile_fields.json").read_text("utf-8")
    data = json.loads(text)
    return VolatileTable(
        everywhere=_paths(data["all"]),
        by_type={key.lower(): _paths(paths) for key, paths in data["types"].items()},
        unordered=frozenset(_paths(data["unordered"])),
        recreation=tuple(data["recreation"]),
    )


def _paths(paths: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(path.split(".")) for path in paths)


def normalize(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The resource in normal form: ID as its comparison key (lower case, no trailing or double
    slash), type lower-cased, volatile fields removed, empty
    values (`null`, `[]`, `{}`) dropped, unordered arrays sorted. Keys keep their casing (ARM
    property names are case-sensitive in JSON even though Azure Policy aliases are not)."""
    table = volatile_table()
    type_key = str(raw.get("type", "")).lower()
    body: dict[str, Any] = dict(raw)
    if isinstance(body.get("id"), str):
        body["id"] = armid.key(body["id"])
    if isinstance(body.get("type"), str):
        body["type"] = body["type"].strip().lower()
    if isinstance(body.get("location"), str):
        body["location"] = body["location"].replace(" ", "").lower()
    for path in table.ignored(type_key):
        body = _without(body, path)
    cleaned = _clean(body, (), table.unordered)
    return cleaned if isinstance(cleaned, dict) else {}


def canonical(raw: Mapping[str, Any]) -> str:
    """A stable text of the normal form: equal exactly when the copies are the same resource."""
    return json.dumps(normalize(raw), sort_keys=True, separators=(",", ":"), default=str)


def recreation_markers(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose change means the resource was deleted and created again (creation
    time, immutable GUIDs), with the values this copy holds."""
    found: dict[str, Any] = {}
    for path in volatile_table().recreation:
        value = _dig(raw, path.split("."))
        if value not in (None, ""):
            found[path] = value
    return found


def _dig(node: Any, parts: Iterable[str]) -> Any:
    for part in parts:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _without(node: Any, path: tuple[str, ...]) -> Any:
    """`node` with every value at `path` removed; copies only along the way it changes."""
    if not path:
        return node
    head, rest = path[0], path[1:]
    if head == _ANY_DEPTH:
        return _without_anywhere(node, rest)
    if isinstance(node, list):
        if head != _ANY_KEY:
            return node
        return [_without(item, rest) for item in node]
    if not isinstance(node, Mapping):
        return node
    if head == _ANY_KEY:
        if not rest:
            return {}
        return {key: _without(value, rest) for key, value in node.items()}
    if head not in node:
        return node
    if not rest:
        return {key: value for key, value in node.items() if key != head}
    return {**node, head: _without(node[head], rest)}


def _without_anywhere(node: Any, path: tuple[str, ...]) -> Any:
    """Remove `path` at this level and at every depth below."""
    if isinstance(node, list):
        return [_without_anywhere(item, path) for item in node]
    if not isinstance(node, Mapping):
        return node
    trimmed = _without(node, path)
    if not isinstance(trimmed, Mapping):
        return trimmed
    return {key: _without_anywhere(value, path) for key, value in trimmed.items()}


def _clean(node: Any, path: tuple[str, ...], unordered: frozenset[tuple[str, ...]]) -> Any:
    """Drop empty values and sort the arrays the table lists as sets."""
    if isinstance(node, Mapping):
        out = {}
        for key, value in node.items():
            cleaned = _clean(value, (*path, key), unordered)
            if cleaned is not None and cleaned != [] and cleaned != {}:
                out[key] = cleaned
        return out
    if isinstance(node, list):
        items = [_clean(item, path, unordered) for item in node]
        if path in unordered:
            items.sort(key=lambda item: json.dumps(item, sort_keys=True, default=str))
        return items
    return node
