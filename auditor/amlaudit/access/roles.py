"""Role definitions as evaluable data: permission blocks, and what one block grants.

A definition reads from either shape it comes in: the ARM GET body (`properties.roleName`,
`properties.permissions`) or the flattened `az role definition list` item (`roleName`,
`permissions`, `roleType`). Definitions are keyed by their lower-cased GUID, the last segment
of the ID, because assignments reference `/subscriptions/{s}/providers/…/roleDefinitions/{g}`
while built-ins list as `/providers/…/roleDefinitions/{g}` (rbac.md §1, §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amlaudit.access.model import shown
from amlaudit.access.wildcard import allowed


def guid_of(role_definition_id: str | None) -> str:
    """The lower-cased GUID at the end of a role definition ID ('' when there is none)."""
    if not isinstance(role_definition_id, str):
        return ""
    return role_definition_id.strip().rstrip("/").rsplit("/", 1)[-1].lower()


@dataclass(frozen=True, slots=True)
class PermissionBlock:
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    data_actions: tuple[str, ...]
    not_data_actions: tuple[str, ...]
    condition: str | None = None

    def grants(self, operation: str, is_data: bool) -> bool:
        if is_data:
            return allowed(self.data_actions, self.not_data_actions, operation)
        return allowed(self.actions, self.not_actions, operation)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "actions": list(self.actions),
            "notActions": list(self.not_actions),
            "dataActions": list(self.data_actions),
            "notDataActions": list(self.not_data_actions),
        }
        if self.condition:
            out["condition"] = self.condition
        return out


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """A definition grants an operation; `condition` is the definition's own ABAC text."""

    condition: str | None


@dataclass(frozen=True)
class RoleDefinition:
    guid: str
    name: str
    kind: str  # BuiltInRole / CustomRole
    blocks: tuple[PermissionBlock, ...]
    source: str  # "snapshot" or "catalog"
    updated_on: str | None = None

    def grants(self, operation: str, is_data: bool) -> RoleGrant | None:
        """The first block granting `operation` (unconditioned blocks first), else None."""
        found: RoleGrant | None = None
        for block in self.blocks:
            if block.grants(operation, is_data):
                if not block.condition:
                    return RoleGrant(None)
                found = found or RoleGrant(block.condition)
        return found


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def parse_block(raw: Any) -> PermissionBlock | None:
    if not isinstance(raw, dict):
        return None
    condition = raw.get("condition")
    return PermissionBlock(
        actions=_strings(raw.get("actions")),
        not_actions=_strings(raw.get("notActions")),
        data_actions=_strings(raw.get("dataActions")),
        not_data_actions=_strings(raw.get("notDataActions")),
        condition=shown(condition) if isinstance(condition, str) and condition.strip() else None,
    )


def parse_definition(raw: dict[str, Any], source: str) -> RoleDefinition | None:
    """A definition from an ARM body or an `az role definition list` item; None when it has
    no GUID or no permissions array (it cannot be evaluated, and is reported as unknown)."""
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else raw
    assert isinstance(props, dict)
    guid = guid_of(raw.get("name") if isinstance(raw.get("name"), str) else raw.get("id"))
    if not guid or guid == "roledefinitions":
        guid = guid_of(raw.get("id"))
    permissions = props.get("permissions")
    if not guid or not isinstance(permissions, list):
        return None
    blocks = tuple(b for b in (parse_block(p) for p in permissions) if b is not None)
    name = props.get("roleName")
    name = shown(name) if isinstance(name, str) else None
    kind = props.get("type") if "properties" in raw else props.get("roleType")
    updated = props.get("updatedOn")
    return RoleDefinition(
        guid=guid,
        name=name if isinstance(name, str) and name else guid,
        kind=kind if isinstance(kind, str) else "",
        blocks=blocks,
        source=source,
        updated_on=updated if isinstance(updated, str) else None,
    )
