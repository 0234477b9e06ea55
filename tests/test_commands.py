"""The informational commands: rules, explain, controls, new-rule (through the real CLI)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_cli


def test_rules_json_lists_every_rule_with_metadata() -> None:
    run = run_cli("rules", "--format", "json")
    assert run.code == 0, run.stderr
    rules = run.json()
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and "AML001" in ids
    first = next(r for r in rules if r["id"] == "AML001")
    assert first["azure_policy"] == [
        "438c38d2-3772-465a-a9cc-7a6666a275ce",
        "a10ee784-7409-4941-b091-663697637c0f",
    ]
    assert "MCSB-v1:NS-2" in first["controls"]


def test_rules_select_by_glob() -> None:
    run = run_cli("rules", "--select", "workspace-*", "--ignore", "AML00[2-9]")
    assert run.code == 0
    listed = [line.split()[0] for line in run.stdout.splitlines() if line.strip()]
    assert "AML001" in listed and "AML002" not in listed


def test_explain_by_id_and_name() -> None:
    by_id = run_cli("explain", "AML001")
    by_name = run_cli("explain", "workspace-public-network-access-enabled")
    assert by_id.code == by_name.code == 0
    assert by_id.stdout == by_name.stdout
    assert "## How to fix" in by_id.stdout and "438c38d2" in by_id.stdout


def test_explain_unknown_rule_is_a_usage_error() -> None:
    run = run_cli("explain", "AML999")
    assert run.code == 2
    assert run.stderr.count("\n") == 1 and "unknown rule" in run.stderr


def test_controls_shows_pass_fail_and_uncovered_controls() -> None:
    run = run_cli("controls", "--snapshot", str(FIXTURES / "demo.json"), "--format", "json")
    assert run.code == 0, run.stderr
    table = run.json()
    mcsb = {row["id"]: row for row in table["MCSB-v1"]}
    assert len(mcsb) >= 86  # every MCSB v1 control is listed, covered or not
    assert mcsb["NS-2"]["state"] == "fail" and "AML001" in mcsb["NS-2"]["rules"]
    assert any(row["state"] == "no-rule" for row in mcsb.values())
    assert {"ASB-v1"} <= set(table)


def test_controls_on_hardened_estate_has_no_failing_control() -> None:
    run = run_cli("controls", "--snapshot", str(FIXTURES / "hardened.json"), "--format", "json")
    states = {row["state"] for rows in run.json().values() for row in rows}
    assert "fail" not in states and "error" not in states


def test_new_rule_scaffold_loads_as_a_rule_pack(tmp_path: Path) -> None:
    run = run_cli(
        "new-rule",
        "AML990",
        "example-setting-disabled",
        "--family",
        "example",
        "--resource-type",
        "Microsoft.Example/things",
        "--root",
        str(tmp_path),
    )
    assert run.code == 0, run.stderr
    module = tmp_path / "auditor/amlaudit/rules/example/example_setting.py"
    assert module.is_file()
    from amlaudit.commands.new_rule import next_minor

    assert 'status="preview"' in module.read_text()
    assert f'since="{next_minor()}"' in module.read_text()
    assert "python reports/generate.py" in run.stdout
    assert json.loads((tmp_path / "fixtures/rules/AML990/pass.json").read_text())
    listed = run_cli("rules", "--rules-path", str(module.parent), "--format", "json")
    assert listed.code == 0, listed.stderr
    assert "AML990" in [r["id"] for r in listed.json()]


def test_new_rule_refuses_a_used_id(tmp_path: Path) -> None:
    run = run_cli(
        "new-rule",
        "AML001",
        "something-else",
        "--family",
        "x",
        "--resource-type",
        "A/b",
        "--root",
        str(tmp_path),
    )
    assert run.code == 2 and "never reused" in run.stderr


def test_scaffolded_module_names_follow_the_setting() -> None:
    from amlaudit.commands.new_rule import module_name, next_minor

    assert module_name("workspace-public-network-access-enabled", "workspace") == (
        "public_network_access"
    )
    assert module_name("key-vault-purge-protection-disabled", "keyvault") == "purge_protection"
    assert module_name("defender-for-containers-off", "governance") == "defender_containers"
    assert module_name("storage-blob-public-access-allowed", "storage") == "blob_public_access"
    assert next_minor("0.1.0") == "0.2.0" and next_minor("1.9.3") == "1.10.0"


def test_new_rule_keeps_ids_in_their_family_block(tmp_path: Path) -> None:
    run = run_cli(
        "new-rule", "AML239", "workspace-thing-missing", "--family", "workspace",
        "--resource-type", "Microsoft.MachineLearningServices/workspaces", "--root", str(tmp_path),
    )  # fmt: skip
    assert run.code == 2 and "outside the workspace family's IDs (AML001-AML019)" in run.stderr
