"""How one resource type is collected: a :class:`Recipe`, and how IDs are found in resources.

A recipe says how ARM hands a type out: listed in a subscription or resource group, listed
under a parent, as an extension resource at a scope, or fetched by the ID another resource
references (an :data:`Extractor` finds those IDs in the referring resource's JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid

WORKSPACE = "microsoft.machinelearningservices/workspaces"
SUBSCRIPTION = "microsoft.resources/subscriptions"

Extractor = Callable[[dict[str, Any]], list[str]]


def at(*paths: str) -> Extractor:
    """IDs at dotted paths; `*` walks a list, `~keys` takes an object's keys (identity maps)."""

    def extract(raw: dict[str, Any]) -> list[str]:
        found: list[str] = []
        for path in paths:
            nodes: list[Any] = [raw]
            for part in path.split("."):
                if part == "*":
                    nodes = [i for n in nodes if isinstance(n, list) for i in n]
                elif part == "~keys":
                    nodes = [k for n in nodes if isinstance(n, dict) for k in n]
                else:
                    nodes = [n.get(part) for n in nodes if isinstance(n, dict)]
            found += [n for n in nodes if isinstance(n, str) and n.startswith("/")]
        return found

    return extract


@dataclass(frozen=True)
class Reference:
    source: str  # lower-case type of the referring resource
    extract: Extractor


@dataclass(frozen=True)
class Recipe:
    """How one resource type is collected. Several ways may apply to one type."""

    type: str
    api_version: str
    listed: bool = False  # GET {subscription or resource group}/providers/{type}
    subscription_level: bool = False  # listed at the subscription even when --resource-group
    queries: tuple[str, ...] = ("",)  # one list per query (role assignments add atScope())
    child_of: str | None = None  # GET {parent}/{last segment} for each collected parent
    extension_on: tuple[str, ...] = ()  # GET {resource}/providers/{type} on these types
    on_subscription: bool = False  # also GET /subscriptions/{id}/providers/{type}
    on_workspace_groups: bool = False  # also at the resource group of each ML workspace
    referenced_by: tuple[Reference, ...] = field(default=())
    child_path: str | None = None  # when the child collection is not `{parent}/{last segment}`
    singleton: bool = False  # `child_path` names one resource (GET), not a collection; 404: none
    # Keep only listed items whose string at this dotted path equals the value (any case):
    # system topics of ML workspaces, not every storage account's topic.
    keep_where: tuple[str, str] | None = None
    # An older api-version listed as well, for shapes only it returns (v1 SQL datastores).
    # Its items never replace what the current version returned for the same ID.
    legacy_version: str | None = None

    @property
    def key(self) -> str:
        return self.type.lower()

    @property
    def segment(self) -> str:
        return self.child_path or self.type.rsplit("/", 1)[1]

    def keeps(self, item: dict[str, Any]) -> bool:
        if self.keep_where is None:
            return True
        path, wanted = self.keep_where
        node: Any = item
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return isinstance(node, str) and node.lower() == wanted.lower()

    def prerequisites(self) -> set[str]:
        needs = {WORKSPACE}
        if self.child_of:
            needs.add(self.child_of.lower())
        needs.update(r.source for r in self.referenced_by)
        return needs


def id_type(resource_id: str) -> str | None:
    found = armid.type_from_id(resource_id)
    return found.lower() if found else None
