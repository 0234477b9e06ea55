"""Which resource-log categories make a diagnostic setting an audit trail, per resource type.

A vault exporting only `AzurePolicyEvaluationDetails`, or a cluster exporting only
`kube-apiserver`, keeps logs but no audit trail. The package table
`data/audit_log_categories.json` lists, per type, the categories and category groups that
count, each row citing Azure Monitor's "supported resource log categories" page; every
diagnostic-settings rule reads it through :func:`audit_categories`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class AuditCategories:
    """What counts for one resource type. `categories` None: any enabled category counts."""

    resource_type: str
    categories: tuple[str, ...] | None
    groups: tuple[str, ...]
    document: str
    why: str

    def counts(self, category: str | None, group: str | None) -> bool:
        """True when a `logs[]` entry naming this category or category group counts."""
        if group is not None:
            return group.strip().lower() in {g.lower() for g in self.groups}
        if category is None:
            return False
        if self.categories is None:
            return True
        return category.strip().lower() in {c.lower() for c in self.categories}

    def expected(self) -> str:
        """The categories and groups that count, as a message names them."""
        named = list(self.categories or ("any category",))
        return f"{' or '.join(named)} (or the {'/'.join(self.groups)} group)"


@cache
def _table() -> dict[str, AuditCategories]:
    text = (files("amlaudit") / "data" / "audit_log_categories.json").read_text(encoding="utf-8")
    found = {}
    for resource_type, row in json.loads(text)["types"].items():
        categories = row["categories"]
        found[resource_type.lower()] = AuditCategories(
            resource_type=resource_type,
            categories=tuple(categories) if categories is not None else None,
            groups=tuple(row["groups"]),
            document=row["document"],
            why=row["why"],
        )
    return found


def audit_categories(resource_type: str) -> AuditCategories:
    """The row for a resource type; a type without one counts any category or group (the
    Azure Policy existence test), so a new diagnostic rule is never stricter by accident."""
    row = _table().get(resource_type.lower())
    if row is None:
        return AuditCategories(resource_type, None, ("audit", "allLogs"), "", "no table row")
    return row


def table_types() -> tuple[str, ...]:
    """The resource types the table has a row for, as spelled there."""
    return tuple(sorted(row.resource_type for row in _table().values()))
