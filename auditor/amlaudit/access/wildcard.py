"""Azure RBAC permission strings: how `Actions`/`NotActions` patterns match an operation.

Azure compares the whole string, case-insensitively; `*` matches any run of characters,
`/` included; and a `/*/` segment also matches zero segments, so
`Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action` (Managed Identity Operator)
grants `…/userAssignedIdentities/assign/action`, and AzureML Data Scientist's NotAction
`…/workspaces/computes/*/write` removes `…/workspaces/computes/write`. A plain `*` → `.*`
reading gets both wrong (rbac.md, key finding 1 and §3.3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=4096)
def permission_pattern(text: str) -> re.Pattern[str]:
    """An RBAC permission string as a regex: `*` spans `/`, and `a/*/b` also matches `a/b`."""
    parts = re.split(r"(/\*/|\*)", text.strip())
    body = "".join("/(?:.*/)?" if p == "/*/" else ".*" if p == "*" else re.escape(p) for p in parts)
    return re.compile(f"^{body}$", re.IGNORECASE)


def matches(pattern: str, operation: str) -> bool:
    """True when the permission string `pattern` covers `operation`."""
    return permission_pattern(pattern).match(operation.strip()) is not None


def any_matches(patterns: Iterable[str], operation: str) -> bool:
    return any(matches(p, operation) for p in patterns)


def allowed(allow: Iterable[str], deny: Iterable[str], operation: str) -> bool:
    """`allow − deny` within one permission block (NotActions never cross blocks or roles)."""
    return any_matches(allow, operation) and not any_matches(deny, operation)
