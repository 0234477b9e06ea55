"""ARM resource IDs: normalisation and the relations a rule needs (parent, scope, subscription).

Azure returns the same ID in different casings (`resourceGroups` vs `resourcegroups`), so every
comparison goes through :func:`key`. The ID as returned is kept for display.
"""

from __future__ import annotations

import re

_SUBSCRIPTION_RE = re.compile(r"^/subscriptions/([^/]+)", re.IGNORECASE)
_RESOURCE_GROUP_RE = re.compile(r"^/subscriptions/[^/]+/resourcegroups/([^/]+)", re.IGNORECASE)
_PROVIDERS = "/providers/"


# ARM's deepest real IDs (a child of a child of an extension resource) have about 20
# segments. Bounding the depth bounds the work per ID: walks up the parent chain memoise
# every prefix, which for one 40,000-segment ID needed 8 GB.
MAX_SEGMENTS = 64


def too_deep(resource_id: str) -> int | None:
    """The number of segments of an ID deeper than :data:`MAX_SEGMENTS`, else None."""
    if resource_id.count("/") <= MAX_SEGMENTS:
        return None
    count = sum(1 for part in resource_id.split("/") if part.strip())
    return count if count > MAX_SEGMENTS else None


_KEYS: dict[str, str] = {}
_KEYS_MAX = 1_000_000


def key(resource_id: str) -> str:
    """The comparison key of an ID: lower-cased, no trailing slash, single slashes.

    Memoised: rules look the same IDs up again and again (a vault for every workspace rule).
    """
    found = _KEYS.get(resource_id)
    if found is None:
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        found = _KEYS[resource_id] = _compute_key(resource_id)
    return found


def _compute_key(resource_id: str) -> str:
    text = resource_id.strip().lower()
    if "//" in text:
        text = re.sub(r"/{2,}", "/", text)
    return text.rstrip("/")


def subscription_id(resource_id: str) -> str | None:
    match = _SUBSCRIPTION_RE.match(resource_id.strip())
    return match.group(1).lower() if match else None


def resource_group(resource_id: str) -> str | None:
    match = _RESOURCE_GROUP_RE.match(resource_id.strip())
    return match.group(1) if match else None


def subscription_scope(subscription: str) -> str:
    return f"/subscriptions/{subscription.lower()}"


_SPLITS: dict[str, tuple[str, list[str]]] = {}


def split_scope(resource_id: str) -> tuple[str, list[str]]:
    """Split at the last `/providers/`: (scope, [namespace, type, name, type, name, ...]).

    For `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`
    the scope is the resource group; for a diagnostic setting it is the resource it extends.
    Memoised like :func:`key`; callers must not mutate the returned list.
    """
    found = _SPLITS.get(resource_id)
    if found is None:
        if len(_SPLITS) >= _KEYS_MAX:
            _SPLITS.clear()
        found = _SPLITS[resource_id] = _compute_split(resource_id)
    return found


def _compute_split(resource_id: str) -> tuple[str, list[str]]:
    text = resource_id.strip().rstrip("/")
    lowered = text.lower()
    index = lowered.rfind(_PROVIDERS)
    if index < 0:
        return text, []
    return text[:index], [part for part in text[index + len(_PROVIDERS) :].split("/") if part]


def parent_id(resource_id: str) -> str | None:
    """The parent of a child resource (`workspaces/ws/computes/c` -> the workspace), else None."""
    scope, parts = split_scope(resource_id)
    # namespace + (type, name) pairs; a child has at least two pairs.
    if len(parts) >= 5 and len(parts) % 2 == 1:
        return scope + _PROVIDERS + "/".join(parts[:-2])
    return None


def extension_scope(resource_id: str) -> str | None:
    """The resource an extension resource sits on (diagnostic settings, role assignments)."""
    scope, parts = split_scope(resource_id)
    if len(parts) != 3 or not scope:
        return None
    return scope


def type_from_id(resource_id: str) -> str | None:
    """`Microsoft.X/a/b` from an ID, for inputs whose `type` is missing."""
    _, parts = split_scope(resource_id)
    if len(parts) < 3 or len(parts) % 2 == 0:
        return None
    return "/".join([parts[0], *parts[1::2]])


def name_from_id(resource_id: str) -> str:
    return resource_id.strip().rstrip("/").rsplit("/", 1)[-1]


def is_within(resource_id: str, scope: str) -> bool:
    """True when `resource_id` is `scope` or lies below it (segment-aware, case-insensitive)."""
    rid, sc = key(resource_id), key(scope)
    return rid == sc or rid.startswith(sc + "/") or sc == ""


def to_uri_path(resource_id: str) -> str:
    """A scheme-less, relative, lower-cased path for tools that want a file-like location."""
    from urllib.parse import quote

    # `.` and `..` segments would make a consumer normalise the path to somewhere else: they
    # are percent-encoded (RFC 3986 leaves `%2E%2E` a plain segment).
    parts = [
        "%2E" * len(part) if part in (".", "..") else quote(part, safe="-_.~()")
        for part in key(resource_id).split("/")
    ]
    return "azure" + "/".join(parts)
