"""A thin, typed view over one ARM resource exactly as Azure returned it.

The raw JSON is never copied or rewritten: unknown properties stay, and reports quote values
as they were. Accessors walk dotted paths (`properties.encryption.status`) and tell three
cases apart, because a security rule must: the value is there; it is absent (Azure omitted
it); or the data is malformed (an object where a string belongs) — the last raises
:class:`DataError`, which the engine turns into an *error* finding, never a pass.

Property names match as Azure Policy aliases do, ignoring case: exports from PowerShell and
other tools write `Sku.Name` or `authorizedIpRanges` where ARM writes `sku.name` and
`authorizedIPRanges`. The exact spelling is tried first; the case-insensitive match is the
fallback. Two names of one object equal ignoring case make the read a DataError: which of
them Azure would use cannot be known.
"""

from __future__ import annotations

import builtins
from typing import Any

from amlaudit import armid
from amlaudit.redact import printable, scrub_text


class DataError(Exception):
    """Resource data has a shape the rule cannot judge (wrong type at a path it reads)."""


# Types whose settings sit in a nested object Azure leaves null until it reports them (a
# compute instance answered while `Creating`): a read below it is unreported, not absent.
NESTED_SETTINGS: dict[str, tuple[str, ...]] = {
    "microsoft.machinelearningservices/workspaces/computes": ("properties", "properties"),
}


_SPLITS: dict[str, tuple[str, ...]] = {}
_MISSING: Any = object()
_AMBIGUOUS = "\x00ambiguous"  # a folded-name entry: several names of the object share it


def _split(path: str) -> tuple[str, ...]:
    parts = _SPLITS[path] = tuple(path.split("."))
    return parts


Folded = tuple[dict[str, Any], dict[str, str], bool]  # (object, lowered -> name, no collision)
# What a resource remembers of an object it read: the object (kept alive, so its id() is not
# reused), its folded names once a read needed them, and whether no two names collide.
Seen = tuple[dict[str, Any], dict[str, str] | None, bool]


def fold(node: dict[str, Any]) -> Folded:
    """An object's names lower-cased -> as written (_AMBIGUOUS where two collide)."""
    try:
        names = dict(zip(map(str.lower, node), node, strict=True))  # C speed: JSON names are str
    except TypeError:
        names = {str(k).lower(): k for k in node}
    clean = len(names) == len(node)
    if not clean:
        seen: set[str] = set()
        for name in node:
            lowered = str(name).lower()
            if lowered in seen:
                names[lowered] = _AMBIGUOUS
            seen.add(lowered)
    return node, names, clean


def _distinct(node: dict[str, Any]) -> bool:
    """True when no two names of the object are equal ignoring case."""
    try:
        return len(set(map(str.lower, node))) == len(node)
    except TypeError:
        return len({str(k).lower() for k in node}) == len(node)


def pick(node: dict[str, Any], name: str, names: dict[str, str]) -> Any:
    """The member `name` of `node` whose folded names are `names`: exactly as spelled, else
    ignoring case; None when absent; DataError when two names equal ignoring case match."""
    found = names.get(name.lower())
    if found is _AMBIGUOUS:
        raise DataError(
            f"{name!r} is ambiguous: the object has several members named so, ignoring case"
        )
    value = node.get(name, _MISSING)
    if value is _MISSING:
        return node.get(found) if found is not None else None
    return value


def _where(raw: Any, path: str) -> str:
    """The dotted prefix of `path` whose value is not an object, for DataError messages."""
    node = raw
    parts = _split(path)
    for step, part in enumerate(parts):
        if node is not None and not isinstance(node, dict):
            return ".".join(parts[:step]) or "resource"
        node = pick(node, part, fold(node)[1]) if node is not None else None
    return path


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class Resource:
    """One ARM resource: its raw JSON plus the normalised keys the index needs."""

    __slots__ = ("_folds", "id", "key", "name", "raw", "type", "type_key")

    def __init__(self, raw: dict[str, Any], resource_id: str, resource_type: str) -> None:
        self.raw = raw
        self.key = armid.key(resource_id)
        # `id` and `name` are what reports print: a hostile snapshot must not smuggle a secret
        # through them. Lookups use `key`, computed from the ID as given.
        self.id = printable(scrub_text(resource_id))
        self.type = resource_type
        self.type_key = resource_type.lower()
        name = raw.get("name")
        shown = name if isinstance(name, str) and name else armid.name_from_id(resource_id)
        self.name = printable(scrub_text(shown))
        # Folded names of each object read, by id(); an entry keeps its object alive, so an id
        # reused by a temporary object (read tracing wraps per access) never hits it.
        self._folds: dict[int, Seen] = {}

    def __repr__(self) -> str:
        return f"Resource({self.id!r})"

    # -- raw access -------------------------------------------------------------------------

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path, or `default` when any step is absent or null.

        Names match ignoring case when the exact spelling is absent; a name two members share
        ignoring case raises DataError, as does a step that must be an object and is something
        else. This is the hottest function of a scan (every rule reads through it), hence the
        exact-type test; each object read is checked once per resource for names that collide
        ignoring case, and folded (lower-cased name -> name) only when a read misses or
        collides, so an exact hit costs two lookups more and little memory.
        """
        node: Any = self.raw
        folds = self._folds
        parts = _SPLITS.get(path) or _split(path)
        for part in parts:
            if type(node) is dict or isinstance(node, dict):
                entry = folds.get(id(node))
                if entry is None or entry[0] is not node:
                    entry = folds[id(node)] = (node, None, _distinct(node))
                value = node.get(part, _MISSING)
                if value is _MISSING or not entry[2]:
                    names = entry[1]
                    if names is None:  # folded only when a read needs it: most never do
                        names = fold(node)[1]
                        folds[id(node)] = (node, names, entry[2])
                    value = pick(node, part, names)
                node = value
            elif node is None:
                return self._absent(parts, default)
            else:
                raise DataError(f"{_where(self.raw, path)} is {_kind(node)}, expected an object")
        return self._absent(parts, default) if node is None else node

    def _absent(self, parts: tuple[builtins.str, ...], default: Any) -> Any:
        """`default` for an absent value, unless it sits below nested settings Azure has not
        reported yet: then DataError, as nothing below them can be judged."""
        nested = NESTED_SETTINGS.get(self.type_key)
        if nested is None or parts[: len(nested)] != nested or len(parts) <= len(nested):
            return default
        node: Any = self.raw
        for part in nested:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            raise DataError(
                f"{'.'.join(nested)} is not reported (null): the settings below it are unknown"
            )
        return default

    def has(self, path: str) -> bool:
        return self.get(path) is not None

    @property
    def properties(self) -> dict[str, Any]:
        """`properties` as an object; DataError when null or of another type."""
        props = self.get("properties")
        if not isinstance(props, dict):
            raise DataError(f"properties is {_kind(props)}, expected an object")
        return props

    # -- typed access ------------------------------------------------------------------------

    def str(self, path: builtins.str) -> builtins.str | None:
        value = self.get(path)
        if value is None or isinstance(value, str):
            return value
        raise DataError(f"{path} is {_kind(value)}, expected a string")

    def bool(self, path: builtins.str) -> builtins.bool | None:
        """A boolean; the strings "true"/"false" (as some APIs and policies use) count too."""
        value = self.get(path)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise DataError(f"{path} is {_kind(value)}, expected a boolean")

    def int(self, path: builtins.str) -> builtins.int | None:
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, bool):
            raise DataError(f"{path} is boolean, expected a number")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        raise DataError(f"{path} is {_kind(value)}, expected an integer")

    def list(self, path: builtins.str) -> builtins.list[Any]:
        """An array; absent or null is the empty list."""
        value = self.get(path)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        raise DataError(f"{path} is {_kind(value)}, expected an array")

    def dict(self, path: builtins.str) -> builtins.dict[builtins.str, Any]:
        """An object; absent or null is the empty object."""
        value = self.get(path)
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        raise DataError(f"{path} is {_kind(value)}, expected an object")

    def tag(self, name: builtins.str) -> builtins.str | None:
        """A tag value, looked up case-insensitively as Azure treats tag names."""
        tags = self.raw.get("tags")
        if not isinstance(tags, dict):
            return None
        lowered = name.lower()
        for tag_name, value in tags.items():
            if isinstance(tag_name, str) and tag_name.lower() == lowered:
                return value if isinstance(value, str) else None
        return None


def same(value: Any, expected: str) -> bool:
    """Case-insensitive equality for ARM enum strings, as Azure Policy compares them."""
    return isinstance(value, str) and value.strip().lower() == expected.lower()


def one_of(value: Any, *expected: str) -> bool:
    return isinstance(value, str) and value.strip().lower() in {e.lower() for e in expected}


def item_get(item: Any, path: str) -> Any:
    """Dotted lookup inside an array item (private endpoint connection, NSG rule...); names
    match ignoring case as in Resource.get (DataError when ambiguous)."""
    node = item
    for part in _SPLITS.get(path) or _split(path):
        if not isinstance(node, dict):
            return None
        value = node.get(part, _MISSING)
        if value is _MISSING or (len(node) > 1 and not _distinct(node)):
            value = pick(node, part, fold(node)[1])
        node = value
    return node
