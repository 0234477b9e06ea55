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
        "sharedaccesssignature",
        "adminusersshprivatekey",
        "sshprivatekey",
        # v1 web services (ACI TLS) and v1 AKS inference clusters (`sslConfiguration`).
        "cert",
        "sslcertificate",
        "sslkey",
        # Event Grid webhooks: GET returns only `endpointBaseUrl`; the full URL carries a key.
        "endpointurl",
    }
)
# Objects whose every string value (except type discriminators) is secret: datastore
# `credentials`, compute `userAccountCredentials`, listKeys-style `keys` arrays.
# `environmentVariables` (v1 web-service images, deployments) routinely carry keys and tokens.
_SECRET_CONTAINERS = frozenset(
    {
        "secrets",
        "usercredentials",
        "keys",
        "credentials",
        "useraccountcredentials",
        "environmentvariables",
    }
)
_SECRET_SUFFIXES = (
    "password",
    "secret",
    "connectionstring",
    "connectionstrings",
    "accountkey",
    "accesskey",
    "masterkey",
    "privatekey",
    "sastoken",
    "accesstoken",
    "refreshtoken",
    "bearertoken",
)

_SHAPES = [
    # Connection strings (Storage, Service Bus, Event Hubs, App Insights, SQL, Redis...).
    re.compile(
        r"(?i)(AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey|AccessKey"
        r"|ClientSecret|Secret|Password|Pwd)\s*=\s*[^;\s\"'&]+"
    ),
    # SAS tokens: the signature, in a URL or on its own.
    re.compile(r"(?i)(^|[?&\s\"'])sig=[A-Za-z0-9%+/=_-]{10,}"),
    # OAuth in URLs and headers.
    re.compile(r"(?i)(client_secret|access_token|refresh_token|id_token)=[^&\s\"']{8,}"),
    re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]{16,}"),
    # A secret-named key quoted with its value, as a rule that formats a dict would print it:
    # `"adminPassword": "..."` (JSON) or `'clientSecret': '...'` (Python repr).
    re.compile(
        r"""(?i)["'][\w.-]*(password|passwd|secret|connectionstring|accountkey|accesskey"""
        r"""|sastoken|apikey|token)["']:\s*["'][^"']*["']"""
    ),
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"),
]
# Every shape above contains one of these; most text contains none, so it skips the regexes.
_HINTS = ("=", "eyJ", "PRIVATE KEY", "earer", '":', "':")


# Terminal controls (ESC sequences), NUL and bidi overrides: in a name or message they could
# repaint a terminal, break XML reports or make text read differently than it is.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Free text safe for any report: control characters become U+FFFD, as in JUnit XML."""
    if text.isprintable() or not _CONTROL_RE.search(text):  # isprintable: a fast C pre-check
        return text
    return _CONTROL_RE.sub("\ufffd", text)


def _is_secret_key(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES)


def looks_secret(text: str) -> bool:
    return any(hint in text for hint in _HINTS) and any(p.search(text) for p in _SHAPES)


def scrub_text(text: str) -> str:
    """Replace secret-shaped fragments inside free text (messages, log lines, tracebacks)."""
    if not text or not looks_secret(text):
        return text
    for pattern in _SHAPES:
        text = pattern.sub(MARKER, text)
    return text


# A date-time under a secret-sounding key is metadata, not a secret: storage accounts report
# `keyCreationTime: {key1: "2025-01-01T00:00:00Z"}`, which rotation audits need.
_TIMESTAMP_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)


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
            secret_key = _is_secret_key(key_text)
            secret_here = in_container and not key_text.lower().endswith("type")
            if (
                isinstance(item, str)
                and item
                and (
                    ((secret_here or secret_key) and not _TIMESTAMP_RE.match(item))
                    or looks_secret(item)
                )
            ) and item != MARKER:
                found.append(child_path)
                out[key] = MARKER
                changed = True
                continue
            new = _walk(
                item,
                child_path,
                # An object or array under a secret name (`password: {value: ...}`) is secret,
                # as is an object that says so (Event Grid `deliveryAttributeMappings`).
                in_container
                or secret_key
                or key_text.lower() in _SECRET_CONTAINERS
                or (isinstance(item, dict) and item.get("isSecret") is True),
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
