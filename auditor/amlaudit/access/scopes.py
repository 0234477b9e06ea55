"""Does an assignment made at one scope apply to a resource? (rbac.md §3.4)

Scopes are compared as normalised keys (`armid.key`; the tenant root `/` becomes `""`):
root applies everywhere; a management group applies when it is in the subscription's ancestor
chain (or, when the snapshot does not record the chain, whenever it was collected — the
collector reads them with `$filter=atScope()` at each subscription); anything else applies to
itself and below, on segment boundaries (`…/rg1` is not a prefix of `…/rg10`). An assignment
*below* a resource (a blob container, one secret) grants only on that child: partial.
"""

from __future__ import annotations

from amlaudit import armid
from amlaudit.index import SnapshotIndex

ROOT = ""
MANAGEMENT_GROUP_PREFIX = "/providers/microsoft.management/managementgroups/"


def scope_key(scope: str) -> str:
    return armid.key(scope)


def is_management_group(key: str) -> bool:
    return key.startswith(MANAGEMENT_GROUP_PREFIX)


def prefixes(target_key: str) -> list[str]:
    """`target_key` and every ancestor on a segment boundary, root first."""
    parts = target_key.split("/")
    return ["/".join(parts[:end]) for end in range(2, len(parts) + 1)]


def management_groups_of(index: SnapshotIndex, subscription: str | None) -> frozenset[str] | None:
    """Names (lower-case) of the subscription's ancestor management groups, or None when the
    snapshot does not record `managementGroupAncestorsChain` for it."""
    if not subscription:
        return None
    sub = index.get(armid.subscription_scope(subscription))
    props = sub.raw.get("properties") if sub is not None else None
    chain = props.get("managementGroupAncestorsChain") if isinstance(props, dict) else None
    if not isinstance(chain, list) or not chain:
        return None
    return frozenset(str(a.get("name", "")).lower() for a in chain if isinstance(a, dict))


def group_applies(key: str, groups: frozenset[str] | None) -> bool:
    return groups is None or key[len(MANAGEMENT_GROUP_PREFIX) :] in groups


def scope_kind(key: str) -> str:
    """root, management-group, subscription, resource-group or resource: for sorting by
    breadth and for the report."""
    if key == ROOT:
        return "root"
    if is_management_group(key):
        return "management-group"
    parts = key.split("/")
    if len(parts) == 3:
        return "subscription"
    if len(parts) == 5 and parts[3] == "resourcegroups":
        return "resource-group"
    return "resource"


BREADTH = {"root": 0, "management-group": 1, "subscription": 2, "resource-group": 3, "resource": 4}
