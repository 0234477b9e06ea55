"""ABAC conditions (`conditionVersion` 2.0): which operations a condition constrains.

Conditions are not evaluated: their outcome depends on request and resource attributes (blob
path, tags, the role being assigned) that a snapshot does not hold. What can be read is the
shape `((!(ActionMatches{'<op>'} …)) OR (<expression>)) AND …`: an operation named by no
`ActionMatches`/`SubOperationMatches` clause is not restricted; one that is named makes the
grant *conditional*, never dropped (rbac.md §3.5). For `roleAssignments/write` the allowed
role GUIDs are read too, so "may assign only Key Vault data roles" can be shown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from amlaudit.access.wildcard import matches

_ACTION_RE = re.compile(r"ActionMatches\s*\{\s*'([^']+)'", re.IGNORECASE)
_ROLE_GUIDS_RE = re.compile(
    r"RoleDefinitionId\]\s*ForAnyOfAnyValues:GuidEquals\s*\{([^}]*)\}", re.IGNORECASE
)
_GUID_RE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


@lru_cache(maxsize=1024)
def constrained_actions(condition: str) -> tuple[str, ...]:
    """The operations (or patterns) a condition's `ActionMatches` clauses name."""
    return tuple(_ACTION_RE.findall(condition))


def constrains(condition: str | None, operation: str) -> bool:
    """True when the condition restricts `operation`. A condition naming no action at all
    (an unusual hand-written form) is taken to restrict everything: conditional, not dropped."""
    if not condition or not condition.strip():
        return False
    named = constrained_actions(condition)
    if not named:
        return True
    return any(
        matches(pattern, operation) or pattern.lower() == operation.lower() for pattern in named
    )


@lru_cache(maxsize=1024)
def assignable_roles(condition: str) -> tuple[str, ...]:
    """Role GUIDs a `roleAssignments/write` condition allows to be assigned (sorted, unique)."""
    found: set[str] = set()
    for group in _ROLE_GUIDS_RE.findall(condition):
        found.update(g.lower() for g in _GUID_RE.findall(group))
    return tuple(sorted(found))
