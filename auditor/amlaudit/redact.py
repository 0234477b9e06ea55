"""Keep secrets out of everything amlaudit writes: snapshots, reports and logs.

amlaudit never asks Azure for secrets (no listKeys, no listSecrets), but some plain GETs return
them anyway (App Insights returns its connection string and instrumentation key), and a
hand-made snapshot may hold anything. Two layers:

- by name: string values under keys that name a secret (`password`, `connectionString`,
  `instrumentationKey`, `clientSecret`...) or anywhere inside a `secrets` object or an
  environment-variable map. Key names are compared normalised (case, `_`, `-` and `.`
  dropped), so `DB_CONNECTION_STRING`, `openai-api-key` and `hf.token` match like camelCase;
- by shape: strings that look like a secret wherever they are (storage connection strings,
  SAS signatures, JWTs, PEM private keys, the password in a URL's userinfo).

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
# `credentials`, compute `userAccountCredentials`, listKeys-style `keys` arrays, and the
# environment-variable maps of deployments, computes, jobs, connections and v1 web-service
# images — people put API keys there under any name, so every value is treated as a secret.
_SECRET_CONTAINERS = frozenset(
    {
        "secrets",
        "usercredentials",
        "keys",
        "credentials",
        "useraccountcredentials",
        "environmentvariables",
        "envvariables",
        "envvars",
        "env",
    }
)
_SECRET_SUFFIXES = (
    "password",
    "passwd",
    "secret",
    "connectionstring",
    "connectionstrings",
    "accountkey",
    "accesskey",
    "apikey",
    "storagekey",
    "subscriptionkey",
    "masterkey",
    "privatekey",
    "token",  # sasToken, accessToken, HF_TOKEN, GITHUB_TOKEN...
)

_SHAPES = [
    # Connection strings (Storage, Service Bus, Event Hubs, App Insights, SQL, Redis...).
    re.compile(
        r"(?i)(AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey|AccessKey"
        r"|ClientSecret|Secret|Password|Pwd)\s*=\s*[^;\s\"'&]+"
    ),
    # SAS tokens: the signature, in a URL or on its own.
    re.compile(r"(?i)(^|[?&;\s\"'])sig=[A-Za-z0-9%+/=_-]{10,}"),
    # OAuth in URLs and headers.
    re.compile(r"(?i)(client_secret|access_token|refresh_token|id_token)=[^&\s\"']{8,}"),
    re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]{16,}"),
    # A secret-named key quoted with its value, as a rule that formats a dict would print it:
    # `"adminPassword": "..."` (JSON) or `'clientSecret': '...'` (Python repr).
    re.compile(
        r"""(?i)["'][\w.-]*(password|passwd|secret|connection[_.-]?string|account[_.-]?key"""
        r"""|access[_.-]?key|sas[_.-]?token|api[_.-]?key|token)["']:\s*["'][^"']*["']"""
    ),
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"),
    # The password in a URL's userinfo: `postgresql://app:PASSWORD@db...`, `amqps://u:p@h`.
    re.compile(r"(?<=://)[^/\s:@\"'?#]*:[^/\s@\"'?#]+(?=@)"),
]
# Every shape above contains one of these; most text contains none, so it skips the regexes.
_HINTS = ("=", "eyJ", "PRIVATE KEY", "earer", '":', "':", "@")


# Terminal controls (ESC sequences), NUL and bidi overrides: in a name or message they could
# repaint a terminal, break XML reports or make text read differently than it is.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Free text safe for any report: control characters become U+FFFD, as in JUnit XML."""
    if text.isprintable() or not _CONTROL_RE.search(text):  # isprintable: a fast C pre-check
        return text
    return _CONTROL_RE.sub("\ufffd", text)


_KEY_PUNCTUATION = str.maketrans("", "", "_-. ")


def clean(text: str) -> str:
    """Input-derived text as every output may show it: secrets redacted, controls replaced.
    The one treatment for every field of every record read from outside (resource names,
    collection errors, foreign SARIF, suppression files), whatever field it sits in."""
    return printable(scrub_text(text))


def normalise_key(name: str) -> str:
    """`DB_CONNECTION_STRING`, `db-connection-string` and `dbConnectionString` all become
    `dbconnectionstring`: secrets are named in every convention, not only camelCase."""
    return name.lower().translate(_KEY_PUNCTUATION)


def _is_secret_key(name: str) -> bool:
    normal = normalise_key(name)
    return normal in _SECRET_KEYS or normal.endswith(_SECRET_SUFFIXES)


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
            normal = normalise_key(key_text)
            secret_key = _is_secret_key(key_text)
            secret_here = in_container and not normal.endswith("type")
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
                or normal in _SECRET_CONTAINERS
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


def clean_value(value: Any) -> Any:
    """A JSON value as reports may quote it (evidence): a secret-shaped string becomes
    :data:`MARKER`, objects and arrays are redacted by key and shape, and every string in
    them — keys included — is made printable (a bidi override in an outbound rule's name)."""
    if isinstance(value, str):
        return MARKER if looks_secret(value) else printable(value)
    if isinstance(value, dict | list):
        return _printable_tree(redact_tree(value)[0])
    return value


def _printable_tree(value: Any) -> Any:
    """The same value with every string printable; the original object when nothing changed."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        # One pass over items(): no lookups by key, so a rule's evidence is only read once.
        pairs = [(k, v, printable(str(k)), _printable_tree(v)) for k, v in value.items()]
        if all(new_key == k and new is v for k, v, new_key, new in pairs):
            return value
        return {new_key: new for _, _, new_key, new in pairs}
    if isinstance(value, list):
        cleaned = [_printable_tree(item) for item in value]
        return value if all(a is b for a, b in zip(cleaned, value, strict=True)) else cleaned
    return value
