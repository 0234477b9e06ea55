"""`display_name`: every report names a resource so it can be told apart from its namesakes.

On fixtures/display/twins.json (shapes: its README): two workspaces `mlw-shared` in two
resource groups, a `cpu-cluster` in each, and a Contributor role assignment to a user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from amlaudit.model import Finding
from conftest import FIXTURES, ROOT, run_cli

TWINS = str(FIXTURES / "display" / "twins.json")
DEV_CLUSTER = "rg-dev/mlw-shared/cpu-cluster"
PROD_CLUSTER = "rg-prod/mlw-shared/cpu-cluster"
ASSIGNMENT = "Contributor for User ce2ce14e-85d7-4629-bdbc-454d0519d987 on rg-dev/mlw-shared"


def _scan(tmp_path: Path, *formats: str) -> tuple[dict[str, Any], dict[str, str]]:
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", *formats)}
    args = [arg for fmt, path in outputs.items() for arg in ("-o", f"{fmt}:{path}")]
    # A bare array proves no child or extension absent (exit 3): these tests are about names.
    run = run_cli("scan", "--snapshot", TWINS, "--fail-on", "never", "--allow-incomplete", *args)
    assert run.code == 0, run.stderr
    texts = {fmt: path.read_text("utf-8") for fmt, path in outputs.items()}
    return json.loads(texts["json"]), texts


def _names(report: dict[str, Any], resource_type: str) -> set[str]:
    return {f["display_name"] for f in report["findings"] if f["resource_type"] == resource_type}


def test_children_clashing_workspaces_and_role_assignments_are_told_apart(tmp_path: Path) -> None:
    report, _ = _scan(tmp_path)
    assert _names(report, "Microsoft.MachineLearningServices/workspaces/computes") == {
        DEV_CLUSTER,
        PROD_CLUSTER,
    }
    assert _names(report, "Microsoft.MachineLearningServices/workspaces") == {
        "rg-dev/mlw-shared",
        "rg-prod/mlw-shared",
    }
    assert _names(report, "Microsoft.Authorization/roleAssignments") == {ASSIGNMENT}
    # resource_name keeps its meaning: the ARM name
    assert {
        f["resource_name"] for f in report["findings"] if f["resource_type"].endswith("/computes")
    } == {"cpu-cluster"}


def test_json_schema_documents_display_name(tmp_path: Path) -> None:
    report, _ = _scan(tmp_path)
    schema = json.loads(
        (ROOT / "auditor" / "amlaudit" / "schemas" / "report.schema.json").read_text("utf-8")
    )
    jsonschema.validate(report, schema)
    finding = schema["$defs"]["finding"]
    assert "display_name" in finding["required"]
    assert "workspace-qualified" in finding["properties"]["display_name"]["description"]


def test_every_report_shows_the_display_name(tmp_path: Path) -> None:
    _, texts = _scan(tmp_path, "text", "html", "markdown", "sarif", "junit")
    for fmt in ("text", "html", "markdown", "sarif", "junit"):
        assert DEV_CLUSTER in texts[fmt], fmt
        assert PROD_CLUSTER in texts[fmt], fmt


def test_a_child_of_a_unique_workspace_is_qualified_by_the_workspace_only(tmp_path: Path) -> None:
    document = json.loads(Path(TWINS).read_text("utf-8"))
    kept = [r for r in document if "rg-prod" not in r["id"]]
    single = tmp_path / "single.json"
    single.write_text(json.dumps(kept), "utf-8")
    run = run_cli("scan", "--snapshot", str(single), "--fail-on", "never", "-o", "json")
    names = _names(run.json(), "Microsoft.MachineLearningServices/workspaces/computes")
    assert names == {"mlw-shared/cpu-cluster"}


def test_reports_from_before_display_name_read_back_with_the_arm_name() -> None:
    older = {
        "rule_id": "AML020",
        "resource_id": "/x/cpu",
        "resource_name": "cpu",
        "severity": "low",
    }
    assert Finding.from_dict(older).to_dict()["display_name"] == "cpu"


def test_a_built_in_role_is_named_without_its_definition_in_the_input(tmp_path: Path) -> None:
    """`az role assignment list` output alone: the packaged built-in catalog names the role."""
    resources = json.loads(Path(TWINS).read_text("utf-8"))
    without = [r for r in resources if r["type"] != "Microsoft.Authorization/roleDefinitions"]
    snapshot = tmp_path / "assignments-only.json"
    snapshot.write_text(json.dumps(without), "utf-8")
    out = tmp_path / "report.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(snapshot),
        "--fail-on",
        "never",
        "--allow-incomplete",
        "-o",
        f"json:{out}",
    )
    assert run.code == 0, run.stderr
    report = json.loads(out.read_text("utf-8"))
    assert _names(report, "Microsoft.Authorization/roleAssignments") == {ASSIGNMENT}
