"""The packaged built-in role catalog: a dated fallback for snapshots without definitions.

Built-ins change (Contributor gained NotActions in 2024, Azure AI Developer NotDataActions in
2026), so the snapshot's definitions always win; this catalog only fills gaps, and every
report names the definitions it took from here with the catalog's source and date.
Regenerate with `amlaudit.access.catalog_build` (see fixtures/roles/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from amlaudit.access.roles import RoleDefinition, parse_definition

if TYPE_CHECKING:
    from amlaudit.index import SnapshotIndex

CATALOG_FILE = "builtin_roles.json"


@dataclass(frozen=True)
class Catalog:
    source: str
    date: str
    roles: dict[str, RoleDefinition]


@lru_cache(maxsize=1)
def builtin_catalog() -> Catalog:
    document = json.loads((files("amlaudit") / "data" / CATALOG_FILE).read_text(encoding="utf-8"))
    roles: dict[str, RoleDefinition] = {}
    for item in document["roles"]:
        definition = parse_definition({**item, "roleType": "BuiltInRole"}, "catalog")
        if definition is not None:
            roles[definition.guid] = definition
    return Catalog(str(document["source"]), str(document["date"]), roles)


ROLE_DEFINITIONS = "microsoft.authorization/roledefinitions"


def role_names(index: SnapshotIndex) -> dict[str, str]:
    """Role names by lower-case definition GUID: the snapshot's definitions, then the packaged
    built-ins (reports name `Contributor` even when the input holds no definitions)."""
    names = {guid: role.name for guid, role in builtin_catalog().roles.items()}
    for definition in index.of_type(ROLE_DEFINITIONS):
        props = definition.raw.get("properties")
        name = props.get("roleName") if isinstance(props, dict) else None
        if isinstance(name, str) and name:
            names[definition.name.lower()] = name
    return names
