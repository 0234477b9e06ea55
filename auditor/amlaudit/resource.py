"""A thin, typed view over one ARM resource exactly as Azure returned it.

The raw JSON is never copied or rewritten: unknown properties stay, and reports quote values
as they were. Accessors walk dotted paths (`properties.encryption.status`) and tell three
cases apart, because a security rule must: the value is there; it is absent (Azure omitted
it); or the data is malformed (an object where a string belongs) — the last raises
:class:`DataError`, which the engine turns into an *error* finding, never a pass.
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


def _split(path: str) -> tuple[str, ...]:
    parts = _SPLITS[path] = tuple(path.split("."))
    return parts


def _where(raw: Any, path: str) -> str:
    """The dotted prefix of `path` whose value is not an object, for DataError messages."""
    node = raw
    parts = _split(path)
    for step, part in enumerate(parts):
        if node is not None and not isinstance(node, dict):
            return ".".join(parts[:step]) or "resource"
        node = node.get(part) if node is not None else None
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

    __slots__ = ("id", "key", "name", "raw", "type", "type_key")

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

    def __repr__(self) -> str:
        return f"Resource({self.id!r})"

    # -- raw access -------------------------------------------------------------------------

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path, or `default` when any step is absent or null.

        Raises DataError when a step that must be an object is something else. This is the
        hottest function of a scan (every rule reads through it), hence the exact-type test.
        """
        node: Any = self.raw
        parts = _SPLITS.get(path) or _split(path)
        for part in parts:
            if type(node) is dict:
                node = node.get(part)
            elif node is None:
                return self._absent(parts, default)
            elif isinstance(node, dict):
                node = node.get(part)
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
        props = self.raw.get("properties")
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
    """Dotted lookup inside an array item (private endpoint connection, NSG rule...)."""
    node = item
    for part in _split(path):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node
