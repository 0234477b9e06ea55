"""The name a report shows for a resource, so people can tell resources apart.

`resource_name` is the ARM name (`cpu-cluster`), which nine workspaces may share. The display
name says where a resource is:

- a child resource is named from its top-level resource down: `ws-a/cpu-cluster`,
  `ws-a/scoring/blue`, `vnet-ml/snet-train`;
- a top-level resource whose type and name occur more than once in the input gets its
  resource group first: `rg-dev/ws-a` and `rg-prod/ws-a`;
- a role assignment names its role, its principal and where it applies:
  `Owner for User 1f0c... on rg-ml`; other extension resources name what they sit on:
  `ws-a/diagnosticSettings/to-law`, `Containers on subscription 0000...`.

Everything shown is resource-derived text, so it is redacted and made printable.
"""

from __future__ import annotations

from collections import Counter

from amlaudit import armid
from amlaudit.index import SnapshotIndex
from amlaudit.redact import printable, scrub_text
from amlaudit.resource import Resource
from amlaudit.snapshot import SUBSCRIPTION_TYPE

ROLE_ASSIGNMENTS = "microsoft.authorization/roleassignments"
ROLE_DEFINITIONS = "microsoft.authorization/roledefinitions"
_SUBSCRIPTION = SUBSCRIPTION_TYPE.lower()


class DisplayNames:
    """Display names over one indexed snapshot, each computed once."""

    def __init__(self, index: SnapshotIndex) -> None:
        self._index = index
        self._names: dict[str, str] = {}
        self._clashes: dict[str, Counter[str]] = {}
        self._roles: dict[str, str] | None = None

    def __call__(self, resource: Resource) -> str:
        shown = self._names.get(resource.key)
        if shown is None:
            shown = self._names[resource.key] = printable(scrub_text(self._compute(resource)))
        return shown

    def _compute(self, resource: Resource) -> str:
        if resource.type_key == ROLE_ASSIGNMENTS:
            return self._role_assignment(resource)
        if resource.type_key == ROLE_DEFINITIONS:
            return self._role_name(resource.id)
        scope, parts = armid.split_scope(resource.id)
        if len(parts) < 3:
            return resource.name
        if armid.type_from_id(scope) is not None or (len(parts) == 3 and _is_extension(scope)):
            return self._extension(resource, scope, parts)
        names = parts[2::2]
        top = parts[0] + "/" + parts[1]
        if len(names) == 1:
            return self._top_level(resource, top)
        return "/".join([self._qualified_top(scope, top, names[0]), *names[1:]])

    def _top_level(self, resource: Resource, top_type: str) -> str:
        if self._clash(top_type, resource.name):
            group = armid.resource_group(resource.id)
            if group:
                return f"{group}/{resource.name}"
        return resource.name

    def _qualified_top(self, scope: str, top_type: str, name: str) -> str:
        if self._clash(top_type, name):
            group = armid.resource_group(scope)
            if group:
                return f"{group}/{name}"
        return name

    def _clash(self, top_type: str, name: str) -> bool:
        counts = self._clashes.get(top_type.lower())
        if counts is None:
            counts = Counter(r.name.lower() for r in self._index.of_type(top_type))
            self._clashes[top_type.lower()] = counts
        return counts[name.lower()] > 1

    def _extension(self, resource: Resource, scope: str, parts: list[str]) -> str:
        """`<what it sits on>/<type>/<name>`, or `<name> on <subscription...>`."""
        target = self._index.get(scope) if scope else None
        if target is None:
            return f"{resource.name} on {_scope_words(scope)}"
        if target.type_key == _SUBSCRIPTION:
            return f"{resource.name} on subscription {target.name}"
        return f"{self(target)}/{parts[-2]}/{resource.name}"

    def _role_assignment(self, resource: Resource) -> str:
        props = resource.raw.get("properties")
        props = props if isinstance(props, dict) else {}
        principal = str(props.get("principalId") or "unknown principal")
        kind = props.get("principalType")
        who = f"{kind} {principal}" if isinstance(kind, str) and kind else principal
        role = self._role_name(str(props.get("roleDefinitionId") or ""))
        scope = props.get("scope")
        where = scope if isinstance(scope, str) and scope else armid.split_scope(resource.id)[0]
        target = self._index.get(where) if where else None
        if target is None:
            on = _scope_words(where)
        elif target.type_key == _SUBSCRIPTION:
            on = f"subscription {target.name}"
        else:
            on = self(target)
        return f"{role} for {who} on {on}"

    def _role_name(self, definition_id: str) -> str:
        """The role's name (the input's definitions, then the built-ins), else `role <GUID>`."""
        if self._roles is None:
            from amlaudit.access.catalog import role_names

            self._roles = role_names(self._index)
        guid = definition_id.rstrip("/").rsplit("/", 1)[-1].lower()
        return self._roles.get(guid) or f"role {guid or 'unknown'}"


def _is_extension(scope: str) -> bool:
    """A three-part ID directly on a subscription, management group or the root."""
    return armid.resource_group(scope) is None


def _scope_words(scope: str) -> str:
    if not scope or scope == "/":
        return "the tenant root"
    group = armid.resource_group(scope)
    if group:
        return group
    subscription = armid.subscription_id(scope)
    if subscription:
        return f"subscription {subscription}"
    return f"management group {armid.name_from_id(scope)}"
