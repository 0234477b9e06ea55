"""Issue 12, items 1, 2, 9 and 15: secrets and terminal controls in places 0.1.0 missed.

Secrets under environment-variable names in any convention (`OPENAI_API_KEY`), passwords in
URL userinfo, collection-error fields other than the message, a foreign SARIF given to `gate`,
and bidi overrides inside structured evidence. The deployment shape follows the public example
azure-rest-api-specs `.../stable/2024-04-01/examples/OnlineDeployment/ManagedOnlineDeployment/
createOrUpdate.json` (`properties.environmentVariables`, a name-to-string map).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from amlaudit.cli import main
from amlaudit.redact import MARKER, redact_tree, scrub_text
from amlaudit.reports import FORMATS
from conftest import load_fixture, write_json
from fakearm.harness import by_id, export, fixture_resources, live, serving, subscriptions_of

ENVIRONMENT = {
    "OPENAI_API_KEY": "LEAKA-openai",
    "AWS_SECRET_ACCESS_KEY": "LEAKB-aws",
    "HF_TOKEN": "LEAKC-hf",
    "STORAGE_ACCOUNT_KEY": "LEAKD-storage",
    "DB_CONNECTION_STRING": "postgresql://app:LEAKE-db@db.example.net:5432/app",
    "DATABASE_PASSWORD": "LEAKF-password",
    "MODEL_NAME": "LEAKG-a plain value, still an environment variable",
}
LEAKS = [f"LEAK{c}" for c in "ABCDEFG"]


def test_secret_key_names_match_in_every_naming_convention() -> None:
    for key in ("OPENAI_API_KEY", "openai-api-key", "hf.token", "Storage_Account_Key"):
        assert redact_tree({"settings": {key: "value"}})[0] == {"settings": {key: MARKER}}, key
    assert redact_tree({"tokenType": "Bearer", "name": "x"})[1] == []


def test_credentials_in_url_userinfo_are_caught_by_value() -> None:
    text = "connect to postgresql://app:LEAKE-db@db.example.net:5432/app now"
    scrubbed = scrub_text(text)
    assert "LEAKE" not in scrubbed and "db.example.net" in scrubbed
    assert redact_tree({"note": "amqps://user:LEAKX@bus.example"})[0] == {"note": MARKER}
    for harmless in ("https://host:443/path@v2", "user@example.com", "https://ml.azure.com/"):
        assert scrub_text(harmless) == harmless


def test_quoted_secret_under_an_underscored_name_is_caught() -> None:
    assert "LEAK" not in scrub_text('env was {"OPENAI_API_KEY": "LEAKA-openai"}')


def test_export_redacts_every_environment_variable_of_a_deployment(tmp_path: Path) -> None:
    resources = copy.deepcopy(fixture_resources("demo.json"))
    deployment = next(
        r for r in resources if r["type"].lower().endswith("onlineendpoints/deployments")
    )
    deployment["properties"]["environmentVariables"] = dict(ENVIRONMENT)
    with serving(resources, tmp_path) as arm:
        run, document = export(
            arm, tmp_path / "out.json", subscriptions=subscriptions_of(resources)
        )
        saved = tmp_path / "saved.json"
        scan = live(
            arm,
            "scan",
            "-o",
            "json:" + str(tmp_path / "r.json"),
            "--save-snapshot",
            str(saved),
            "--fail-on",
            "never",
            subscriptions=subscriptions_of(resources),
        )
    assert run.code == 0, run.stderr
    assert scan.code in (0, 3), scan.stderr
    for written in (tmp_path / "out.json", saved):
        text = written.read_text(encoding="utf-8")
        assert not [leak for leak in LEAKS if leak in text], written.name
    stored = by_id(document["resources"])[deployment["id"].lower()]
    assert stored["properties"]["environmentVariables"] == {k: MARKER for k in ENVIRONMENT}
    paths = {r["path"] for r in document["source"]["redactions"] if r["id"] == deployment["id"]}
    assert {f"properties.environmentVariables.{k}" for k in ENVIRONMENT} <= paths


HOSTILE = "\x1b]8;;https://evil.example\x07x\x1b[2J\u202e\n::error::pwned\n::add-mask::x"
SECRET_FIELD = "AccountKey=LEAKH-key==;sig=LEAKI-signature0000"


def _hostile_envelope() -> dict[str, Any]:
    document = copy.deepcopy(load_fixture("demo.json"))
    scope = document["resources"][0]["id"]
    document["errors"] = [
        {
            "scope": scope,
            "operation": "list " + HOSTILE + " " + SECRET_FIELD,
            "status": "403" + HOSTILE,
            "resource_type": "Microsoft.Storage/storageAccounts " + SECRET_FIELD + HOSTILE,
            "message": "denied",
        }
    ]
    return document


def _assert_clean_output(text: str, where: str) -> None:
    for bad in ("\x1b", "\u202e", "\x07", "LEAKH", "LEAKI"):
        assert bad not in text, f"{where} holds {bad!r}"
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), f"{where}: workflow command {line!r}"


def test_every_collection_error_field_is_cleaned_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = write_json(tmp_path / "hostile.json", _hostile_envelope())
    outputs = [f"{fmt}:{tmp_path / ('report.' + fmt)}" for fmt in sorted(FORMATS) if fmt != "text"]
    code = main(
        ["scan", "--snapshot", str(snapshot), "--fail-on", "never", "-o", "text", "-v"]
        + [arg for out in outputs for arg in ("-o", out)]
    )
    captured = capsys.readouterr()
    assert code == 3
    _assert_clean_output(captured.out, "text report")
    _assert_clean_output(captured.err, "stderr")
    for fmt in FORMATS:
        if fmt != "text":
            raw = (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
            _assert_clean_output(raw, fmt)
            if fmt in ("json", "sarif"):  # and the decoded strings, not only their escapes
                _assert_clean_output(json.dumps(json.loads(raw), ensure_ascii=False), fmt)


def test_export_writes_collection_errors_cleaned() -> None:
    from amlaudit.model import ScanError

    error = ScanError("/subscriptions/s", "GET " + HOSTILE, "4\x1b03", SECRET_FIELD, HOSTILE)
    _assert_clean_output(json.dumps(error.to_dict(), ensure_ascii=False), "ScanError.to_dict")


def _foreign_sarif() -> dict[str, Any]:
    return {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "other\x1b[31m", "rules": [{"id": "X1"}]}},
                "results": [
                    {
                        "ruleId": "X1\n::error::rule",
                        "level": "error",
                        "message": {"text": "bad " + HOSTILE + " " + SECRET_FIELD},
                        "locations": [
                            {
                                "logicalLocations": [
                                    {"name": "name" + HOSTILE, "fullyQualifiedName": "/r/x"}
                                ]
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_gate_prints_a_foreign_sarif_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = write_json(tmp_path / "other.sarif", _foreign_sarif())
    code = main(["gate", str(report), "--allow-empty"])
    captured = capsys.readouterr()
    assert code == 1
    _assert_clean_output(captured.out, "gate stdout")
    _assert_clean_output(captured.err, "gate stderr")
    assert "\ufffd" in captured.out  # shown, not dropped


def test_bidi_override_inside_structured_evidence_is_replaced() -> None:
    from amlaudit.redact import clean, clean_value

    evidence = {"rules": [{"name": "allow\u202egnp.evil", "destination": "x.example"}]}
    cleaned = clean_value(evidence)
    assert "\u202e" not in json.dumps(cleaned, ensure_ascii=False)
    assert cleaned["rules"][0]["name"] == "allow\ufffdgnp.evil"
    assert clean_value({"a": ["plain"]}) is not None
    plain = {"a": ["plain"]}
    assert clean_value(plain) is plain  # nothing to change: no copy
    assert clean("x\u202ey") == "x\ufffdy"


def test_sarif_escapes_brackets_and_keeps_dot_segments_out_of_uris(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Items 16 and 17: a name that is Markdown link syntax, and an ID with `..` segments."""
    from corpus.cases import RG, WS_TYPE, workspace

    link = "[Fixed - see the approval](evil.example)"  # reports show the name from the ID
    ws = workspace(publicNetworkAccess="Enabled")
    ws["id"] = f"{RG}/providers/{WS_TYPE}/../../../../../.github/{link}"
    ws["name"] = link
    snapshot = write_json(tmp_path / "s.json", [ws])
    out = tmp_path / "r.sarif"
    # A bare array holds no child types: incomplete (exit 3) unless allowed.
    args = ["scan", "--snapshot", str(snapshot), "--allow-incomplete", "-o", f"sarif:{out}"]
    code = main(args)
    capsys.readouterr()
    assert code == 1
    results = json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]
    escaped = "\\[Fixed - see the approval\\](evil.example)"
    assert any(escaped in result["message"]["text"] for result in results)
    for result in results:
        text = result["message"]["text"]
        unescaped = text.replace("\\[", "").replace("\\]", "")
        assert "[" not in unescaped and "]" not in unescaped
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert "://" not in uri and uri.startswith("azure/")
        assert not {".", ".."} & set(uri.split("/"))
    assert any(
        "/%2E%2E/" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
    )
    code = main(["gate", str(out)])
    assert link in capsys.readouterr().out  # read back as written
