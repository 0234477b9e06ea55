"""Secrets planted anywhere in a snapshot never reach any output: not a report of any
registered format, not stdout, not stderr — not even with --debug.

The demo estate gets secrets in properties, tags, resource names, values a rule quotes as
evidence, a reference a rule follows, collection error messages, and the message of a rule
that crashes (loaded with --rules-path). Each secret is a unique token; the test greps every
output for every token.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from amlaudit.redact import MARKER, printable, redact_tree, scrub_text
from amlaudit.reports import FORMATS
from conftest import load_fixture, run_cli, write_json

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrLXRva2VuLTAwMSJ9.c2lnbmF0dXJlLWxlYWstMDAx"
SECRETS = {
    "storage": "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=LEAK1storageKeyAAAA==;",
    "appinsights": "InstrumentationKey=LEAK2-ikey-0000;IngestionEndpoint=https://x/",
    "sas": "https://st.blob.core.windows.net/c?sv=2022-11-02&sig=LEAK3sasSignatureBBBB%3D",
    "jwt": JWT,
    "pem": "-----BEGIN RSA PRIVATE KEY-----\nLEAK4pemBody\n-----END RSA PRIVATE KEY-----",
    "password": "LEAK5-plain-password",
    "credentials": "LEAK6-datastore-client-secret",
    "admin": "LEAK7-compute-admin-password",
    "bearer": "Bearer LEAK8bearerTokenCCCCCCCCCC",
    "sql": "Server=tcp:db;User ID=sa;Password=LEAK9sqlPassword;",
}
TOKENS = ["LEAK1", "LEAK2", "LEAK3", "LEAK4", "LEAK5", "LEAK6", "LEAK7", "LEAK8", "LEAK9", JWT]

CRASHING_RULE = '''
from amlaudit.api import Context, Resource, Verdict, failed, rule


@rule(
    id="SEC901",
    name="test-quotes-secrets",
    title="A rule that quotes what it should not",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
)
def quotes_secrets(res: Resource, ctx: Context) -> Verdict:
    """## What it checks
    Nothing: it leaks on purpose."""
    if res.name == "mlw-forecast-x":
        raise RuntimeError("cannot parse " + str(res.raw["tags"]["connection"]))
    return failed(
        "tags are " + json.dumps(res.raw.get("tags")),
        path="tags",
        expected=None,
        actual=res.raw.get("tags"),
    )


import json
'''


def planted_estate() -> dict[str, Any]:
    document = copy.deepcopy(load_fixture("demo.json"))
    workspaces = [r for r in document["resources"] if r["type"] == WORKSPACE_TYPE]
    first, second = workspaces[0], workspaces[1]
    second["name"] = "mlw-forecast-x"
    for ws in (first, second):
        ws.setdefault("tags", {}).update(
            {"connection": SECRETS["storage"], "deploy-token": JWT, "owner-password": "LEAK5a"}
        )
    first["properties"]["publicNetworkAccess"] = SECRETS["sas"]  # quoted as evidence by AML001
    first["properties"]["description"] = SECRETS["bearer"]
    first["properties"]["encryption"] = {
        "status": "Enabled",
        "keyVaultProperties": {
            "keyVaultArmId": first["id"].rsplit("/providers/", 1)[0]
            + "/providers/Microsoft.KeyVault/vaults/kv?sig=LEAK3referenceSignature",
            "keyIdentifier": "https://kv.vault.azure.net/keys/k/1",
        },
    }
    document["resources"] += [
        {
            "id": first["id"] + "/datastores/blob",
            "name": "blob",
            "type": WORKSPACE_TYPE + "/datastores",
            "properties": {
                "datastoreType": "AzureBlob",
                "accountName": "st",
                "credentials": {
                    "credentialsType": "ServicePrincipal",
                    "clientId": "c",
                    "secrets": {
                        "secretsType": "ServicePrincipal",
                        "clientSecret": SECRETS["credentials"],
                    },
                },
            },
        },
        {
            "id": first["id"] + "/computes/ci",
            "name": "ci",
            "type": WORKSPACE_TYPE + "/computes",
            "properties": {
                "computeType": "AmlCompute",
                "properties": {
                    "userAccountCredentials": {
                        "adminUserName": "azureuser",
                        "adminUserPassword": SECRETS["admin"],
                        "adminUserSshPublicKey": SECRETS["pem"],
                    },
                    "remoteLoginPortPublicAccess": SECRETS["sql"],
                },
            },
        },
        {
            "id": first["id"] + "/providers/Microsoft.Insights/diagnosticSettings/" + JWT,
            "name": JWT,
            "type": "Microsoft.Insights/diagnosticSettings",
            "properties": {"workspaceId": SECRETS["appinsights"], "logs": "LEAK2 not a list"},
        },
    ]
    document["collected_at"] = "2026-11-01T08:00:00Z (via ?sig=LEAK3collectedAtSignature)"
    document["errors"] = [
        {
            "scope": first["id"] + "?sig=LEAK3errorScopeSignature",
            "operation": "list keys",
            "status": "403",
            "message": f"GET {SECRETS['sas']} failed; header was {SECRETS['bearer']}",
        }
    ]
    return document


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("secrets")
    write_json(base / "planted.json", planted_estate())
    (base / "rules").mkdir()
    (base / "rules" / "leaky.py").write_text(CRASHING_RULE, encoding="utf-8")
    return base


def assert_clean(text: str, where: str) -> None:
    leaked = [t for t in TOKENS if t in text]
    assert not leaked, f"{where} leaks {leaked}"


def test_no_secret_survives_in_any_report_format_or_stream(planted: Path) -> None:
    outputs = [f"{fmt}:{planted / ('report.' + fmt)}" for fmt in sorted(FORMATS) if fmt != "text"]
    result = run_cli(
        "--debug",
        "scan",
        "--snapshot",
        str(planted / "planted.json"),
        "--rules-path",
        str(planted / "rules"),
        "--fail-on",
        "never",
        *[arg for out in outputs for arg in ("-o", out)],
        "-o",
        "text",
        "-v",
    )
    assert result.code == 3, result.stderr  # the crashing rule and the collection error
    assert_clean(result.stdout, "text report on stdout")
    assert_clean(result.stderr, "stderr with --debug")
    for fmt in FORMATS:
        if fmt != "text":
            assert_clean((planted / f"report.{fmt}").read_text(encoding="utf-8"), fmt)
    report = json.loads((planted / "report.json").read_text(encoding="utf-8"))
    assert MARKER in json.dumps(report)
    crashed = [f for f in report["findings"] if f["rule_id"] == "SEC901" and f["status"] == "error"]
    assert crashed and "raised RuntimeError" in crashed[0]["message"]
    quoted = [f for f in report["findings"] if f["rule_id"] == "SEC901" and f["status"] == "fail"]
    planted_tags = [f["evidence"][0]["actual"] for f in quoted if "connection" in f["message"]]
    assert planted_tags and all(t["owner-password"] == MARKER for t in planted_tags)


def test_debug_traceback_of_an_input_error_is_redacted(tmp_path: Path) -> None:
    bad = write_json(tmp_path / "bad.json", [{"id": SECRETS["storage"], "type": "a/b"}])
    result = run_cli("--debug", "scan", "--snapshot", str(bad))
    assert result.code == 2
    assert "Traceback" in result.stderr  # --debug shows it ...
    assert_clean(result.stderr, "--debug traceback")  # ... redacted
    plain = run_cli("scan", "--snapshot", str(bad))
    assert plain.code == 2 and len(plain.stderr.strip().splitlines()) == 1
    assert_clean(plain.stderr, "one-line error")


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_each_secret_shape_is_recognised(name: str) -> None:
    """By shape (free text) or by key name (structured data): every planted kind is caught."""
    value = SECRETS[name]
    if name not in ("password", "credentials", "admin"):  # plain strings: only their key tells
        by_shape = scrub_text(f"observed: {value} (end)")
        assert_clean(by_shape, f"scrub_text of {name}")
        assert by_shape.startswith("observed: ") and by_shape.endswith(" (end)")
        assert redact_tree({"description": value})[0] == {"description": MARKER}
    by_name, paths = redact_tree({"password": value, "credentials": {"x": value}})
    assert by_name == {"password": MARKER, "credentials": {"x": MARKER}} and len(paths) == 2


def test_plain_values_are_left_alone() -> None:
    for text in ("Enabled", "status=Approved", "https://westeurope.api.azureml.ms/discovery"):
        assert scrub_text(text) == text
    document = {"properties": {"publicNetworkAccess": "Disabled", "keyVault": "/subscriptions/s"}}
    assert redact_tree(document) == (document, [])
    assert printable("mlw-prod ünïcødé") == "mlw-prod ünïcødé"
