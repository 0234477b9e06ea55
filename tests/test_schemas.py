"""The documented JSON Schemas describe what amlaudit actually reads and writes."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from conftest import FIXTURES, run_cli


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((files("amlaudit") / "schemas" / name).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def _validate(schema: dict[str, Any], document: Any) -> None:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("name", ["demo.json", "hardened.json"])
def test_bundled_snapshots_match_the_envelope_schema(name: str) -> None:
    document = json.loads((FIXTURES / name).read_text("utf-8"))
    _validate(_schema("snapshot.schema.json"), document)


def test_envelope_schema_rejects_what_the_loader_rejects() -> None:
    schema = _schema("snapshot.schema.json")
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({"format": "amlaudit-snapshot", "version": 2, "resources": []})
    assert not validator.is_valid(
        {"format": "amlaudit-snapshot", "version": 1, "resources": [{"id": "x", "type": "a/b"}]}
    )


@pytest.mark.parametrize("name", ["demo.json", "hardened.json"])
def test_json_report_matches_its_schema(name: str) -> None:
    run = run_cli("scan", "--snapshot", str(FIXTURES / name), "-o", "json", "--fail-on", "never")
    assert run.code in (0, 3), run.stderr
    report = run.json()
    _validate(_schema("report.schema.json"), report)
    assert report["summary"]["findings"] == len(report["findings"]) > 0
