"""The bad-input corpus: each case is a snapshot file built here; its expected outcome is in
expected.toml next to this file (tests/test_corpus.py checks both stay in step).

Cases are generated rather than checked in because several are large (100,000 levels of
nesting, a 5 MB string, a 3 GB sparse file) or are not valid text in any editor's eyes (UTF-16,
stray bytes, unpaired surrogates).
"""

from __future__ import annotations

import codecs
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333"
RG = f"{SUB}/resourceGroups/rg-corpus"
WS_TYPE = "Microsoft.MachineLearningServices/workspaces"
WS_ID = f"{RG}/providers/{WS_TYPE}/mlw-corpus"
VAULT_ELSEWHERE = (
    "/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-other/providers/"
    "Microsoft.KeyVault/vaults/kv-elsewhere"
)


def workspace(**props: Any) -> dict[str, Any]:
    """A plausible workspace as ARM returns it; keyword arguments replace properties."""
    body: dict[str, Any] = {
        "id": WS_ID,
        "name": "mlw-corpus",
        "type": WS_TYPE,
        "location": "westeurope",
        "kind": "Default",
        "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
        "sku": {"name": "Basic", "tier": "Basic"},
        "properties": {
            "publicNetworkAccess": "Disabled",
            "hbiWorkspace": True,
            "v1LegacyMode": False,
            "systemDatastoresAuthMode": "Identity",
            "allowPublicAccessWhenBehindVnet": False,
            "privateEndpointConnections": [],
            "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"},
        },
    }
    body["properties"].update(props)
    return body


def compute(properties: Any) -> dict[str, Any]:
    return {
        "id": f"{WS_ID}/computes/cpu-cluster",
        "name": "cpu-cluster",
        "type": f"{WS_TYPE}/computes",
        "location": "westeurope",
        "properties": properties,
    }


def diagnostic_setting(properties: Any) -> dict[str, Any]:
    return {
        "id": f"{WS_ID}/providers/Microsoft.Insights/diagnosticSettings/to-law",
        "name": "to-law",
        "type": "Microsoft.Insights/diagnosticSettings",
        "properties": properties,
    }


def with_properties(value: Any) -> list[dict[str, Any]]:
    ws = workspace()
    ws["properties"] = value
    return [ws]


def without(key: str) -> list[dict[str, Any]]:
    ws = workspace()
    del ws[key]
    return [ws]


def envelope(resources: Any, **extra: Any) -> dict[str, Any]:
    return {
        "format": "amlaudit-snapshot",
        "version": 1,
        "collected_at": "2026-11-01T00:00:00Z",
        "resources": resources,
        "errors": [],
        **extra,
    }


def js(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


def _deep(opening: str, closing: str, depth: int = 100_000) -> bytes:
    return (opening * depth + closing * depth).encode()


def _in_properties(raw_value: str) -> bytes:
    """A workspace whose publicNetworkAccess is the given raw JSON text."""
    marker = '"__VALUE__"'
    text = json.dumps([workspace(publicNetworkAccess="__VALUE__")])
    return text.replace(marker, raw_value).encode()


def _conflict(second_id: str) -> list[dict[str, Any]]:
    other = workspace(publicNetworkAccess="Enabled")
    other["id"] = second_id
    return [workspace(), other]


def _same(second_id: str) -> list[dict[str, Any]]:
    twin = copy.deepcopy(workspace())
    twin["id"] = second_id
    return [workspace(), twin]


def _renamed(resource_id: str, name: str) -> list[dict[str, Any]]:
    ws = workspace()
    ws["id"], ws["name"] = resource_id, name
    return [ws]


def _sparse(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as handle:
            handle.write(b"[")
            handle.truncate(size)  # a hole: no disk used, no memory needed

    return write


_VALID = js([workspace()])


def _compute_nodes(raw_value: str) -> bytes:
    """A workspace and a cluster whose maxNodeCount and minNodeCount are the raw JSON text."""
    marker = '"__VALUE__"'
    scale = {"maxNodeCount": "__VALUE__", "minNodeCount": "__VALUE__"}
    cluster = compute({"computeType": "AmlCompute", "properties": {"scaleSettings": scale}})
    return json.dumps([workspace(), cluster]).replace(marker, raw_value).encode()


def _nested_twins(depth: int) -> bytes:
    """Two identical workspaces whose description is an array nested `depth` deep."""
    text = json.dumps(workspace(description="__VALUE__"))
    twin = text.replace('"__VALUE__"', "[" * depth + "]" * depth)
    return f"[{twin}, {twin}]".encode()


def _too_deep_id() -> list[dict[str, Any]]:
    cluster = compute({"computeType": "AmlCompute", "properties": {}})
    cluster["id"] = WS_ID + "/computes/c" * 40  # 88 segments
    return [workspace(), cluster]


# Text that could repaint a terminal, hide a link or start a GitHub workflow command.
HOSTILE_TEXT = "\x1b]8;;https://evil.example\x07\x1b[2J\u202e\n::error::pwned"


def _outbound_rule_named(name: str) -> list[dict[str, Any]]:
    rule = {"type": "FQDN", "category": "UserDefined", "destination": "*.com"}
    managed = {"isolationMode": "AllowOnlyApprovedOutbound", "outboundRules": {name: rule}}
    return [workspace(managedNetwork=managed)]


# name -> file content, or a function that writes the file (for sparse files).
CASES: dict[str, bytes | Callable[[Path], None]] = {
    # -- syntax and encoding -------------------------------------------------------------------
    "empty-file": b"",
    "whitespace-only": b" \n\t\r\n",
    "truncated-array": _VALID[: len(_VALID) // 2],
    "truncated-in-string": b'[{"id": "/subscriptions/abc',
    "truncated-envelope": js(envelope([workspace()]))[:-3],
    "invalid-trailing-comma": b'[{"id": "/x", "type": "a/b",}]',
    "invalid-single-quotes": b"[{'id': '/x'}]",
    "invalid-comment": b"// exported by az\n[]",
    "invalid-extra-data": b"[] []",
    "invalid-bare-word": b"resources",
    "nul-bytes": b"\x00\x00\x00\x00",
    "gzip-bytes": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    "latin1-text": json.dumps([workspace(description="café")], ensure_ascii=False).encode(
        "latin-1"
    ),
    "invalid-utf8-sequence": _VALID[:20] + b"\xc3\x28" + _VALID[20:],
    "utf8-bom": codecs.BOM_UTF8 + _VALID,
    "utf16-le-bom": _VALID.decode().encode("utf-16"),
    "utf16-be-bom": codecs.BOM_UTF16_BE + _VALID.decode().encode("utf-16-be"),
    "utf16-le-no-bom": _VALID.decode().encode("utf-16-le"),
    "utf16-odd-length": _VALID.decode().encode("utf-16")[:-1],
    # -- top level of every wrong type --------------------------------------------------------
    "top-string": b'"resources"',
    "top-number": b"42",
    "top-true": b"true",
    "top-null": b"null",
    "top-empty-object": b"{}",
    "top-object-without-shape": js({"resources": [workspace()]}),
    "value-not-array": js({"value": {"id": WS_ID}}),
    "top-empty-array": b"[]",
    "array-of-strings": js([WS_ID]),
    "array-of-arrays": js([[workspace()]]),
    "array-with-null": js([workspace(), None]),
    # -- resources missing what identifies them ------------------------------------------------
    "missing-id": js(without("id")),
    "id-number": js([{**workspace(), "id": 12345}]),
    "id-relative": js([{**workspace(), "id": WS_ID.lstrip("/")}]),
    "id-empty": js([{**workspace(), "id": ""}]),
    "missing-type": js(without("type")),
    "type-without-namespace": js([{**workspace(), "type": "workspaces"}]),
    "type-list": js([{**workspace(), "type": [WS_TYPE]}]),
    # -- properties of the wrong type at every level a rule reads ------------------------------
    "missing-properties": js(without("properties")),
    "properties-null": js(with_properties(None)),
    "properties-string": js(with_properties("Disabled")),
    "properties-list": js(with_properties([{"publicNetworkAccess": "Disabled"}])),
    "properties-number": js(with_properties(0)),
    "public-network-access-number": js([workspace(publicNetworkAccess=0)]),
    "public-network-access-object": js([workspace(publicNetworkAccess={"value": "Disabled"})]),
    "public-network-access-list": js([workspace(publicNetworkAccess=["Disabled"])]),
    "managed-network-string": js([workspace(managedNetwork="AllowOnlyApprovedOutbound")]),
    "isolation-mode-list": js([workspace(managedNetwork={"isolationMode": ["Disabled"]})]),
    "private-endpoints-object": js([workspace(privateEndpointConnections={"id": "x"})]),
    "private-endpoint-items-junk": js([workspace(privateEndpointConnections=[None, 1, "x", []])]),
    "encryption-list": js([workspace(encryption=[{"status": "Enabled"}])]),
    "compute-inner-properties-list": js([workspace(), compute({"properties": [1, 2]})]),
    "compute-inner-properties-string": js(
        [workspace(), compute({"computeType": "AmlCompute", "properties": "none"})]
    ),
    "diagnostic-logs-string": js(
        [workspace(), diagnostic_setting({"workspaceId": "/x", "logs": "allLogs"})]
    ),
    "diagnostic-properties-list": js([workspace(), diagnostic_setting([])]),
    "tags-string": js([{**workspace(), "tags": "env=prod"}]),
    "identity-string": js([{**workspace(), "identity": "SystemAssigned"}]),
    # -- duplicates and odd IDs ----------------------------------------------------------------
    "duplicate-identical": js([workspace(), workspace()]),
    "duplicate-conflicting": js(_conflict(WS_ID)),
    "duplicate-conflicting-other-case": js(_conflict(WS_ID.upper())),
    "duplicate-trailing-slash-identical": js(_same(WS_ID + "/")),
    "duplicate-odd-casing-identical": js(_same(WS_ID.replace("resourceGroups", "RESOURCEGROUPS"))),
    # A decoy: the workspace with only its type changed, placed first (issue 12 item 3).
    "duplicate-decoy-other-type": js(
        [{**workspace(), "type": "Microsoft.Storage/storageAccounts"}, workspace()]
    ),
    "duplicate-decoy-other-name": js([{**workspace(), "name": "mlw-decoy"}, workspace()]),
    "id-trailing-slash": js(_renamed(WS_ID + "/", "mlw-corpus")),
    "id-double-slashes": js(_renamed(WS_ID.replace("/providers/", "//providers//"), "x")),
    "id-unicode-and-spaces": js(
        _renamed(f"{RG}/providers/{WS_TYPE}/mlw ünïcødé ☃ name", "mlw ünïcødé ☃ name")
    ),
    "id-control-characters": js(_renamed(f"{RG}/providers/{WS_TYPE}/mlw\u0000\u001b[31m", "")),
    # -- nesting and sizes ---------------------------------------------------------------------
    "deep-arrays-100k": _deep("[", "]"),
    "deep-objects-100k": ('{"a":' * 100_000 + "1" + "}" * 100_000).encode(),
    "deep-in-properties-100k": _in_properties("[" * 100_000 + "]" * 100_000),
    "deep-in-properties-200": _in_properties("[" * 200 + "]" * 200),
    "huge-string-5mb": js([workspace(description="A" * 5_000_000)]),
    "huge-int-10k-digits": _in_properties("9" * 10_000),
    "large-int-4k-digits": _in_properties("9" * 4_000),
    "float-1e400": _in_properties("1e400"),
    "float-negative-1e400": _in_properties("-1e400"),
    "float-underflow": _in_properties("1e-400"),
    "nan-literal": _in_properties("NaN"),
    "infinity-literal": _in_properties("-Infinity"),
    "unpaired-surrogate": _in_properties('"Disabled\\ud800"'),
    "paired-surrogate": _in_properties('"\\ud83d\\ude00"'),
    "over-size-limit-sparse": _sparse(3 * 1024**3),
    "over-custom-size-limit": _VALID,
    # -- envelopes -----------------------------------------------------------------------------
    "envelope-newer-version": js({**envelope([workspace()]), "version": 2}),
    "envelope-version-string": js({**envelope([workspace()]), "version": "1"}),
    "envelope-version-zero": js({**envelope([workspace()]), "version": 0}),
    "envelope-wrong-format": js({**envelope([workspace()]), "format": "terraform-state"}),
    "envelope-resources-object": js(envelope({"ws": workspace()})),
    "envelope-errors-string": js(envelope([workspace()], errors="403 Forbidden")),
    "envelope-error-item-string": js(envelope([workspace()], errors=["403"])),
    "envelope-empty": js(envelope([])),
    "envelope-empty-allowed": js(envelope([])),
    "envelope-collection-error": js(
        envelope(
            [workspace()],
            errors=[
                {
                    "scope": WS_ID,
                    "operation": "list diagnostic settings",
                    "status": "403",
                    "message": "AuthorizationFailed",
                    "resource_type": "Microsoft.Insights/diagnosticSettings",
                }
            ],
        )
    ),
    # -- list and Resource Graph responses -----------------------------------------------------
    "arm-list-next-link": js({"value": [workspace()], "nextLink": "https://management/next"}),
    "graph-skip-token": js({"data": [workspace()], "$skipToken": "ew0KICAiJGlkIjogIjEiLA"}),
    "graph-result-truncated": js({"data": [workspace()], "resultTruncated": "true"}),
    "graph-rows-not-arrays": js({"data": {"columns": [{"name": "id"}], "rows": [{"id": 1}]}}),
    "graph-data-string": js({"data": "none"}),
    # -- references ----------------------------------------------------------------------------
    "reference-outside-snapshot": js(
        [
            workspace(
                encryption={
                    "status": "Enabled",
                    "keyVaultProperties": {
                        "keyVaultArmId": VAULT_ELSEWHERE,
                        "keyIdentifier": "https://kv-elsewhere.vault.azure.net/keys/cmk/0123",
                    },
                }
            )
        ]
    ),
    "reference-number": js([workspace(keyVault=7, storageAccount=[], containerRegistry={})]),
    "reference-not-an-id": js([workspace(keyVault="kv-name-only", containerRegistry="acr")]),
    # -- hardening (issue 12) ------------------------------------------------------------------
    "number-2-pow-64": _compute_nodes(str(2**64)),
    "number-negative-2-pow-64": _compute_nodes(str(-(2**64))),
    "number-1e300": _compute_nodes("1e300"),
    "number-30-digit-string": _compute_nodes('"' + "9" * 30 + '"'),
    "duplicate-identical-nested-1000": _nested_twins(1_000),
    "id-deeper-than-64-segments": js(_too_deep_id()),
    "collection-error-hostile-fields": js(
        envelope(
            [workspace()],
            errors=[
                {
                    "scope": WS_ID,
                    "operation": "list keys" + HOSTILE_TEXT,
                    "status": "403" + HOSTILE_TEXT,
                    "message": "denied",
                    "resource_type": "Microsoft.Storage/storageAccounts" + HOSTILE_TEXT,
                }
            ],
        )
    ),
    "outbound-rule-name-bidi": js(_outbound_rule_named("allow\u202egnp.evil")),
}


def write_case(name: str, directory: Path) -> Path:
    """Write one case under `directory` and return its path."""
    path = directory / f"{name}.json"
    content = CASES[name]
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    return path
