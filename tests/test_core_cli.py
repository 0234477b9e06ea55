"""Core behaviour through the real CLI (a subprocess per run): input shapes, bad input, crashing
rules, selection, configuration precedence, rule packs and the incomplete-scan cases.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Run, load_fixture, run_cli, write_json

DEMO = str(FIXTURES / "demo.json")
WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
GRAPH_EXTRA = {"subscriptionId": "x", "resourceGroup": "rg", "tenantId": "t"}


def findings_of(run: Run) -> list[tuple[str, str, str, str]]:
    report = run.json()
    return [
        (f["rule_id"], f["resource_id"].lower(), f["status"], f["message"])
        for f in report["findings"]
    ]


def scan_json(*args: str, cwd: Path | None = None) -> Run:
    return run_cli("scan", *args, "-o", "json", cwd=cwd)


def lowered_types(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for resource in copy.deepcopy(resources):
        if isinstance(resource.get("type"), str):
            resource["type"] = resource["type"].lower()
        out.append({**resource, **GRAPH_EXTRA})
    return out


def test_every_input_shape_gives_the_same_findings(tmp_path: Path) -> None:
    resources = load_fixture("demo.json")["resources"]
    graph_rows = lowered_types(resources)
    columns = sorted({key for row in graph_rows for key in row})
    shapes = {
        "array": resources,
        "arm-list": {"value": resources},
        "graph-objects": {"data": graph_rows, "count": len(graph_rows)},
        "graph-table": {
            "data": {
                "columns": [{"name": c, "type": "object"} for c in columns],
                "rows": [[row.get(c) for c in columns] for row in graph_rows],
            }
        },
    }
    reference = scan_json("--snapshot", DEMO)
    assert reference.code == 1, reference.stderr
    expected = findings_of(reference)
    assert len(expected) > 100
    for shape, document in shapes.items():
        path = write_json(tmp_path / f"{shape}.json", document)
        result = scan_json("--snapshot", str(path))
        assert result.code == 1, (shape, result.stderr)
        assert findings_of(result) == expected, shape


def test_several_files_merge_like_one(tmp_path: Path) -> None:
    demo = load_fixture("demo.json")
    resources = demo["resources"]
    half = len(resources) // 2
    # Envelopes speak for their subscriptions; a bare half would prove nothing absent alone.
    first = write_json(tmp_path / "a.json", {**demo, "resources": resources[:half]})
    second = write_json(tmp_path / "b.json", {**demo, "resources": resources[half:]})
    merged = scan_json("--snapshot", str(first), "--snapshot", str(second))
    assert findings_of(merged) == findings_of(scan_json("--snapshot", DEMO))


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(Path(DEMO).read_bytes()[:5000])
    result = run_cli("scan", "--snapshot", str(path))
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(path) in result.stderr and "JSON" in result.stderr


CRASHING = '''
from amlaudit.api import Context, Resource, Verdict, rule


@rule(
    id="TST900",
    name="test-always-crashes",
    title="Crashes on every workspace",
    severity="critical",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
)
def always_crashes(res: Resource, ctx: Context) -> Verdict:
    """## What it checks
    Nothing."""
    return 1 / 0
'''


def test_a_crashing_rule_is_an_error_finding_and_the_scan_finishes(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "crash.py").write_text(CRASHING, encoding="utf-8")
    result = scan_json("--snapshot", DEMO, "--rules-path", str(tmp_path / "rules"))
    assert result.code == 3, result.stderr
    report = result.json()
    crashed = [f for f in report["findings"] if f["rule_id"] == "TST900"]
    workspaces = report["scope"]["workspaces"]
    assert len(crashed) == len(workspaces) > 0
    assert all(f["status"] == "error" and "ZeroDivisionError" in f["message"] for f in crashed)
    assert {g["resource_id"] for g in report["coverage"] if g["rule_id"] == "TST900"} == {
        w["id"] for w in workspaces
    }
    others = {f["rule_id"] for f in report["findings"]} - {"TST900"}
    assert len(others) == len(report["rules"]) - 1  # every other rule still ran
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--select", "AML001"], {"AML001"}),
        (["--select", "workspace-public-network-access-enabled"], {"AML001"}),
        (
            ["--select", "AML00*", "--ignore", "AML002,AML003"],
            {f"AML00{n}" for n in range(1, 10)} - {"AML002", "AML003"},
        ),
        (["--select", "aml001", "--select", "workspace-diagnostic-*"], {"AML001", "AML010"}),
    ],
)
def test_select_and_ignore_by_id_name_and_glob(flags: list[str], expected: set[str]) -> None:
    result = scan_json("--snapshot", DEMO, *flags)
    report = result.json()
    assert {r["id"] for r in report["rules"]} == expected
    assert {f["rule_id"] for f in report["findings"]} <= expected


def test_unknown_selection_is_a_usage_error() -> None:
    result = run_cli("scan", "--snapshot", DEMO, "--select", "NOPE999")
    assert result.code == 2 and "NOPE999" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_precedence_flags_then_amlaudit_toml_then_pyproject(tmp_path: Path) -> None:
    snapshot = str(Path(DEMO).resolve())
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.amlaudit]\nfail-on = "never"\nselect = ["AML001"]\n',
        encoding="utf-8",
    )
    from_pyproject = scan_json("--snapshot", snapshot, cwd=tmp_path)
    assert from_pyproject.code == 0
    assert {r["id"] for r in from_pyproject.json()["rules"]} == {"AML001"}
    (tmp_path / "amlaudit.toml").write_text(
        'fail-on = "high"\nselect = ["AML001", "AML010"]\n', encoding="utf-8"
    )
    from_toml = scan_json("--snapshot", snapshot, cwd=tmp_path)
    assert from_toml.code == 1  # amlaudit.toml wins over pyproject.toml entirely
    assert {r["id"] for r in from_toml.json()["rules"]} == {"AML001", "AML010"}
    from_flags = scan_json(
        "--snapshot", snapshot, "--fail-on", "never", "--select", "AML010", cwd=tmp_path
    )
    assert from_flags.code == 0
    assert {r["id"] for r in from_flags.json()["rules"]} == {"AML010"}
    explicit = tmp_path / "ci.toml"
    explicit.write_text('ignore = ["AML001"]\n', encoding="utf-8")
    chosen = scan_json("--snapshot", snapshot, "--config", str(explicit), cwd=tmp_path)
    assert "AML001" not in {r["id"] for r in chosen.json()["rules"]}
    assert "AML002" in {r["id"] for r in chosen.json()["rules"]}


def test_unknown_config_key_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "amlaudit.toml").write_text('fail_onn = "high"\n', encoding="utf-8")
    result = run_cli("scan", "--snapshot", str(Path(DEMO).resolve()), cwd=tmp_path)
    assert result.code == 2 and "fail_onn" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _install_pack(site: Path, dist: str, module: str, source: str) -> None:
    """A distribution with an `amlaudit.rules` entry point, as pip would leave it."""
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[amlaudit.rules]\n{dist} = {module}\n")


PACK_RULE = CRASHING.replace("TST900", "EXT001").replace("test-always-crashes", "ext-rule")
PACK_RULE = PACK_RULE.replace("return 1 / 0", 'return passed("fine")').replace(
    "import Context, Resource, Verdict, rule", "import Context, Resource, Verdict, passed, rule"
)


def test_entry_point_packs_load_and_a_broken_one_names_itself(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install_pack(site, "good-pack", "good_pack_rules", PACK_RULE)
    env = {"PYTHONPATH": str(site)}
    listed = run_cli("rules", "--format", "json", env=env)
    assert listed.code == 0, listed.stderr
    assert "EXT001" in listed.stdout
    scanned = run_cli("scan", "--snapshot", DEMO, "--select", "EXT001", "-o", "json", env=env)
    assert {f["status"] for f in scanned.json()["findings"]} == {"pass"}
    _install_pack(site, "broken-pack", "broken_pack_rules", "import not_a_module_anywhere\n")
    broken = run_cli("scan", "--snapshot", DEMO, env=env)
    assert broken.code == 2
    assert len(broken.stderr.strip().splitlines()) == 1 and "Traceback" not in broken.stderr
    assert "broken-pack" in broken.stderr and "ModuleNotFoundError" in broken.stderr


def test_empty_estate_warns_and_is_incomplete_unless_allowed(tmp_path: Path) -> None:
    empty = write_json(tmp_path / "empty.json", [])
    result = run_cli("scan", "--snapshot", str(empty))
    assert result.code == 3 and "no Azure ML workspace" in result.stdout + result.stderr
    allowed = run_cli("scan", "--snapshot", str(empty), "--allow-empty")
    assert allowed.code == 0


def _demo_with(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(load_fixture("demo.json"))
    change(document)
    return document


def _first_workspace(document: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in document["resources"] if r["type"] == WORKSPACE_TYPE)


def test_null_properties_nextlink_and_conflicts_are_never_silent(tmp_path: Path) -> None:
    def null_properties(doc: dict[str, Any]) -> None:
        _first_workspace(doc)["properties"] = None

    nulled = write_json(tmp_path / "null.json", _demo_with(null_properties))
    report = scan_json("--snapshot", str(nulled)).json()
    target = _first_workspace(load_fixture("demo.json"))["id"]
    statuses = {f["status"] for f in report["findings"] if f["resource_id"] == target}
    assert statuses == {"error"}

    listing = {"value": load_fixture("demo.json")["resources"], "nextLink": "https://next"}
    truncated = scan_json("--snapshot", str(write_json(tmp_path / "list.json", listing)))
    assert truncated.code == 3
    assert any(e["status"] == "truncated" for e in truncated.json()["errors"])

    def conflict(doc: dict[str, Any]) -> None:
        twin = copy.deepcopy(_first_workspace(doc))
        twin["properties"]["hbiWorkspace"] = not twin["properties"].get("hbiWorkspace")
        doc["resources"].append(twin)

    clashing = scan_json("--snapshot", str(write_json(tmp_path / "dup.json", _demo_with(conflict))))
    assert clashing.code == 3
    report = clashing.json()
    assert any(e["status"] == "conflict" for e in report["errors"])
    assert {f["status"] for f in report["findings"] if f["resource_id"] == target} == {"error"}
