"""Secrets in a diff: never their values, only what non-secret indicators say.

Both sides are redacted the same way before comparing, so a secret value reads as the marker on
both. A rotation shows where Azure publishes a non-secret indicator: a storage account's
`keyCreationTime.key1|key2`, a Key Vault key's or secret's `attributes.updated`. A value that
is redacted on both sides with no indicator is "not comparable (redacted)".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from amlaudit.drift.model import SecretNote
from amlaudit.redact import MARKER

# lower-case type -> dotted paths whose change means a credential was rotated
ROTATION_INDICATORS: Mapping[str, tuple[str, ...]] = {
    "microsoft.storage/storageaccounts": (
        "properties.keyCreationTime.key1",
        "properties.keyCreationTime.key2",
    ),
    "microsoft.keyvault/vaults/keys": ("properties.attributes.updated",),
    "microsoft.keyvault/vaults/secrets": ("properties.attributes.updated",),
}


def rotation_paths(resource_type: str) -> tuple[str, ...]:
    return ROTATION_INDICATORS.get(resource_type.lower(), ())


def rotations(
    resource_id: str, resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[SecretNote]:
    """Rotations the indicators show between two flattened copies of a resource."""
    notes = []
    for path in rotation_paths(resource_type):
        before, after = old.get(path), new.get(path)
        if before is not None and after is not None and before != after:
            notes.append(SecretNote(resource_id, path, "rotated", str(before), str(after)))
    return notes


def redacted_on_both(
    resource_id: str,
    paths: Iterable[str],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    raw_old: Mapping[str, Any],
    raw_new: Mapping[str, Any],
) -> list[SecretNote]:
    """Paths redacted on both sides. Where both inputs still held the values (a hand-made
    snapshot), they are compared without being shown: "changed (redacted)" or nothing; where
    either input was already redacted, nothing can be said: "not comparable (redacted)"."""
    notes = []
    for path in paths:
        if old.get(path) != MARKER or new.get(path) != MARKER:
            continue
        before, after = raw_old.get(path), raw_new.get(path)
        if MARKER in (before, after) or before is None or after is None:
            notes.append(SecretNote(resource_id, path, "not_comparable_redacted"))
        elif before != after:
            notes.append(SecretNote(resource_id, path, "changed_redacted"))
    return notes
