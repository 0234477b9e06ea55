"""ARM's read semantics over a list of resources: what each GET (or Graph query) returns.

Routing follows ARM: `/subscriptions`, `/subscriptions/{id}`; a resource ID returns the
resource; `{scope}/providers/{ns}/{type}` at a subscription or resource group lists that type
there (extension types such as diagnostic settings and pricings only at exactly that scope,
role and policy assignments also below it, and with `$filter=atScope()` at or above it);
`{parent}/{childType}` and `{resource}/providers/{ns}/{type}` list children and extensions.
Unknown scopes are 404, as in ARM.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from amlaudit import armid

# Listed at a subscription/resource group, these return only what sits exactly at that scope.
EXACT_SCOPE_TYPES = frozenset(
    {
        "microsoft.insights/diagnosticsettings",
        "microsoft.security/pricings",
        "microsoft.security/securitycontacts",
        "microsoft.consumption/budgets",
    }
)
# Unfiltered lists of these at a subscription include policy from management groups above.
INHERITED_TYPES = frozenset(
    {"microsoft.authorization/policyassignments", "microsoft.authorization/roledefinitions"}
)
_SCOPE_LIST = re.compile(
    r"^(/subscriptions/[^/]+(?:/resourcegroups/[^/]+)?)/providers/([^/]+/[^/]+)$"
)


class Missing(Exception):
    """404: ARM does not know this path."""


class FakeEstate:
    def __init__(
        self,
        resources: list[dict[str, Any]],
        extra_subscriptions: Sequence[str] = (),
        management_groups: dict[str, list[str]] | None = None,
        changes: Sequence[dict[str, Any]] = (),
    ) -> None:
        # Resource Graph `resourcechanges` rows (Microsoft.Resources/changes), as the service
        # returns them: {id, properties: {targetResourceId, changeType, changeAttributes, ...}}
        self.changes = list(changes)
        self.by_key: dict[str, dict[str, Any]] = {}
        self.by_collection: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.groups: set[str] = set()
        subs = {s.lower() for s in extra_subscriptions}
        for raw in resources:
            key = armid.key(raw["id"])
            self.by_key[key] = raw
            self.by_collection[key.rsplit("/", 1)[0]].append(raw)
            sub = armid.subscription_id(key)
            if sub:
                subs.add(sub)
                group = armid.resource_group(key)
                if group:
                    self.groups.add(f"/subscriptions/{sub}/resourcegroups/{group}")
        self.subscriptions = sorted(subs)
        self.management_groups = management_groups

    # -- subscriptions ---------------------------------------------------------------------

    def subscription(self, sub: str) -> dict[str, Any]:
        if sub.lower() not in self.subscriptions:
            raise Missing(f"subscription {sub}")
        stored = self.by_key.get(f"/subscriptions/{sub.lower()}")
        if stored is not None:
            return stored
        return {
            "id": f"/subscriptions/{sub}",
            "subscriptionId": sub,
            "displayName": f"subscription {sub[:8]}",
            "state": "Enabled",
            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        }

    def subscriptions_in(self, group: str) -> list[str]:
        if self.management_groups is None:
            return self.subscriptions
        return [s.lower() for s in self.management_groups.get(group, [])]

    # -- GET ---------------------------------------------------------------------------------

    def get(self, path: str, query: dict[str, str]) -> dict[str, Any] | list[dict[str, Any]]:
        """A resource (dict) or the full, unpaged content of a list (list)."""
        key = armid.key(path)
        parts = key.split("/")
        if key == "/subscriptions":
            return [self.subscription(s) for s in self.subscriptions]
        if len(parts) == 3 and parts[1] == "subscriptions":
            return self.subscription(parts[2])
        if key in self.by_key:
            return self.by_key[key]
        self._check_scope(key)
        match = _SCOPE_LIST.match(key)
        if match:
            return self._scope_list(match.group(1), match.group(2), query)
        owner, tail = armid.split_scope(key)
        if len(tail) % 2 == 1:  # namespace/type/name...: a resource ID that does not exist
            raise Missing(key)
        # {resource}/providers/{ns}/{type} lists extensions; {parent}/{childType} children.
        owner = armid.key(owner) if len(tail) == 2 else key.rsplit("/", 1)[0]
        if owner not in self.by_key and key not in self.by_collection:
            raise Missing(owner)
        return list(self.by_collection.get(key, []))

    def _check_scope(self, key: str) -> None:
        sub = armid.subscription_id(key)
        if sub and sub not in self.subscriptions:
            raise Missing(f"subscription {sub}")
        group = armid.resource_group(key)
        if (
            sub
            and group
            and f"/subscriptions/{sub}/resourcegroups/{group.lower()}" not in self.groups
        ):
            raise Missing(f"resource group {group}")

    def _scope_list(
        self, scope: str, resource_type: str, query: dict[str, str]
    ) -> list[dict[str, Any]]:
        at_scope = "atscope()" in query.get("$filter", "").lower()
        out = []
        for raw in self.by_key.values():
            if str(raw.get("type", "")).lower() != resource_type:
                continue
            key = armid.key(raw["id"])
            owner = armid.key(armid.split_scope(key)[0])
            above = not owner.startswith("/subscriptions/")  # management group or tenant root
            if at_scope:
                keep = owner == scope or above
            elif resource_type in EXACT_SCOPE_TYPES:
                keep = owner == scope
            else:
                keep = armid.is_within(key, scope) and armid.parent_id(key) is None
                keep = keep or (above and resource_type in INHERITED_TYPES)
            if keep:
                out.append(raw)
        return sorted(out, key=lambda r: armid.key(r["id"]))

    # -- Resource Graph -----------------------------------------------------------------------

    def graph(self, body: dict[str, Any], hidden: set[str]) -> list[dict[str, Any]]:
        text = str(body.get("query", "")).strip().lower()
        subs = {s.lower() for s in body.get("subscriptions") or []}
        for group in body.get("managementGroups") or []:
            subs |= set(self.subscriptions_in(group))
        subs = {s for s in subs if s in self.subscriptions and s not in hidden}
        types = set(re.findall(r"'([a-z0-9.]+/[a-z0-9./]+)'", text))
        if text.startswith("resourcechanges"):
            return [
                {**row, "subscriptionId": sub}
                for row in self.changes
                if (sub := armid.subscription_id(row["properties"]["targetResourceId"])) in subs
            ]
        if text.startswith("resourcecontainers"):
            return [
                {
                    **self.subscription(s),
                    "subscriptionId": s,
                    "type": "microsoft.resources/subscriptions",
                }
                for s in sorted(subs)
            ]
        rows = []
        for key, raw in sorted(self.by_key.items()):
            sub = armid.subscription_id(key)
            if sub in subs and str(raw.get("type", "")).lower() in types:
                rows.append(
                    {**raw, "subscriptionId": sub, "resourceGroup": armid.resource_group(key)}
                )
        return rows
