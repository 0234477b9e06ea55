"""Decide what several copies of one resource ID amount to: one resource, or a conflict.

The same resource reaches a scan twice when snapshots overlap: an `az resource list` entry
(`properties: null`) beside the `az resource show` body, or yesterday's export beside today's.
Copies are compared in the one normal form of :mod:`amlaudit.normalize` (ID and type casing,
key order, volatile read-only fields), so an etag or a provisioning state does not matter.
A copy without `properties` yields to a full one when everything both copies hold agrees.
Any other difference, `type` and `name` included, is a conflict: the scan cannot tell which
copy is current, and a decoy with a workspace's ID and another type must never hide it.
Which copy is kept never depends on input order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from amlaudit.normalize import canonical, normalize
from amlaudit.resource import Resource


@dataclass(frozen=True)
class Merged:
    """The copies to index: one, or (on a conflict) the first copy of each type."""

    kept: tuple[Resource, ...]
    conflict: bool
    types: tuple[str, ...]


def merge(copies: Sequence[Resource]) -> Merged:
    """Merge the copies of one resource ID (as many as the input holds, at least one)."""
    full = [c for c in copies if isinstance(c.raw.get("properties"), dict)]
    bare = [c for c in copies if not isinstance(c.raw.get("properties"), dict)]
    pool = full or bare
    forms = {canonical(c.raw) for c in pool}
    conflict = len(forms) > 1
    if not conflict and full:
        reference = normalize(full[0].raw)
        conflict = any(not _agrees(normalize(c.raw), reference) for c in bare)
    ranked = sorted(copies if conflict else pool, key=_rank)
    if not conflict:
        return Merged((ranked[0],), False, (ranked[0].type,))
    by_type: dict[str, Resource] = {}
    for copy in ranked:
        by_type.setdefault(copy.type_key, copy)
    kept = tuple(sorted(by_type.values(), key=lambda r: r.type_key))
    return Merged(kept, True, tuple(sorted({c.type for c in copies}, key=str.lower)))


def _agrees(bare: dict[str, object], full: dict[str, object]) -> bool:
    """A copy without properties agrees with a full one when every other field both hold
    (ID, type, name, location, tags, sku, identity...) is the same in normal form. Fields only
    one holds (`az resource list` adds `resourceGroup`, `changedTime`, `createdTime`) do not
    count."""
    return all(
        full[key] == value for key, value in bare.items() if key in full and key != "properties"
    )


_TRANSITIONAL = frozenset({"creating", "updating", "deleting"})


def _rank(resource: Resource) -> tuple[bool, str, str, str]:
    """Input-order-free preference: a settled copy over one still provisioning, then the
    lower-case type, the ID as given and the content."""
    props = resource.raw.get("properties")
    state = props.get("provisioningState") if isinstance(props, dict) else None
    return (
        isinstance(state, str) and state.strip().lower() in _TRANSITIONAL,
        resource.type_key,
        resource.id,
        json.dumps(resource.raw, sort_keys=True, default=str),
    )
