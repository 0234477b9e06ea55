"""Keep secrets out of everything amlaudit writes: snapshots, reports and logs.

amlaudit never asks Azure for secrets (no listKeys, no listSecrets), but some plain GETs return
them anyway (App Insights returns its connection string and instrumentation key), and a
hand-made snapshot may hold anything. Two layers:

- by name: string values under keys that name a secret (`password`, `connectionString`,
  `instrumentationKey`, `clientSecret`...) or anywhere inside a `secrets` object;
- by shape: strings that look like a secret wherever they are (storage connection strings,
  SAS signatures, JWTs, PEM private keys).

The redacted value is replaced by :data:`MARKER` and its JSON path is recorded.
"""

from __future__ import annotations

import re
from typing import Any

MARKER = "***REDACTED***"

# Exact key names (lower-case) whose string values are secrets.
_SECRET_KEYS = frozenset(
    {
        "password",
        "adminpassword",
        "adminuserpassword",
        "administratorloginpassword",
        "clientsecret",
        "secret",
        "connectionstring",
        "primaryconnectionstring",
        "secondaryconnectionstring",
        "instrumentationkey",
        "accountkey",
        "primarykey",
        "secondarykey",
        "primarymasterkey",
        "secondarymasterkey",
        "key",
        "key1",
        "key2",
        "apikey",
        "accesskey",
        "secretaccesskey",
        "sas",
        "sastoken",
        "sasuri",
        "pat",
        "personalaccesstoken",
        "token",
        "accesstoken",
        "refreshtoken",
        "privatekeydata",
        "privatekey",
        "certificate",
        "certificatepassword",
        "thumbprint_secret",
        "storagekey",
        "sharedaccesskey",
    }
)
# Objects whose every string value (except type discriminators) is secret.
_SECRET_CONTAINERS = frozenset({"secrets", "usercredentials", "keys"})
_SECRET_SUFFIXES = ("password", "secret", "connectionstring", "accountkey", "sastoken")

_SHAPES = [
    re.compile(
        r"(?i)(AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey)\s*=\s*[^;\s\"']+"
    ),
    re.compile(r"(?i)[?&]sig=[A-Za-z0-9%+/=_-]{10,}"),
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"),
    re.compile(r"(?i)(password|pwd)\s*=\s*[^;\s\"']+"),
]


def _is_secret_key(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES)


def looks_secret(text: str) -> bool:
    return any(pattern.search(text) for pattern in _SHAPES)


def scrub_text(text: str) -> str:
    """Replace secret-shaped fragments inside free text (messages, log lines)."""
    if not text or not any(pattern.search(text) for pattern in _SHAPES):
        return text
    for pattern in _SHAPES:
        text = pattern.sub(MARKER, text)
    return text


def redact_tree(value: Any, path: str = "", in_container: bool = False) -> tuple[Any, list[str]]:
    """A copy of a JSON value with secrets replaced, and the paths that were redacted.

    Returns the original object (no copy) when nothing needed redacting.
    """
    found: list[str] = []
    result = _walk(value, path, in_container, found)
    return result, found


def _walk(value: Any, path: str, in_container: bool, found: list[str]) -> Any:
    if isinstance(value, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            child_path = f"{path}.{key}" if path else str(key)
            key_text = str(key)
            secret_here = in_container and not key_text.lower().endswith("type")
            if (
                isinstance(item, str)
                and item
                and (secret_here or _is_secret_key(key_text) or looks_secret(item))
            ) and item != MARKER:
                found.append(child_path)
                out[key] = MARKER
                changed = True
                continue
            new = _walk(
                item,
                child_path,
                in_container or key_text.lower() in _SECRET_CONTAINERS,
                found,
            )
            changed |= new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list):
        items = [_walk(item, f"{path}[{n}]", in_container, found) for n, item in enumerate(value)]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items
        return value
    if isinstance(value, str) and looks_secret(value):
        found.append(path)
        return MARKER
    return value
