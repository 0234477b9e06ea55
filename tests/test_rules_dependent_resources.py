"""Datastore/connection, ML registry, Key Vault and Storage rules (AML050-AML099) beyond their
fixtures: the estates, the workspaces a finding names, secrets and the clock."""

from __future__ import annotations

import json
from pathlib import Path

from amlaudit.model import Finding, Status
from amlaudit.registry import find_packs, load_rules, select_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES, load_fixture, run_cli, write_json

SELECT = "AML05*,AML06*,AML07*,AML08*"
FAMILIES = {
    "datastores and connections": "AML05",
    "ML registries": "AML06",
    "Key Vault": ("AML065", "AML066", "AML067", "AML068", "AML069", "AML07"),
    "Storage": ("AML08", "AML09"),
}
RULES = load_rules(find_packs(use_entry_points=False))
OURS = [s for s in RULES if "AML050" <= s.id <= "AML099"]


def _scan(fixture: str, rule_id: str) -> list[Finding]:
    spec = select_rules(RULES, [rule_id])
    return scan_snapshot(load([str(FIXTURES / "rules" / fixture)]), spec).findings


def test_hardened_estate_has_no_fail_and_no_error() -> None:
    select = ",".join(s.id for s in OURS)
    run = run_cli(
        "scan",
        "--snapshot",
        str(FIXTURES / "hardened.json"),
        "--fail-on",
        "info",
        "--select",
        select,
        "-o",
        "json",
    )
    assert run.code == 0, run.stderr
    statuses = {f["status"] for f in run.json()["findings"]}
    assert statuses <= {"pass", "skipped"} and "pass" in statuses


def test_demo_estate_fails_in_every_family() -> None:
    select = ",".join(s.id for s in OURS)
    run = run_cli(
        "scan", "--snapshot", str(FIXTURES / "demo.json"), "--select", select, "-o", "json"
    )
    assert run.code == 1, run.stderr
    failing = {f["rule_id"] for f in run.json()["findings"] if f["status"] == "fail"}
    for family, prefixes in FAMILIES.items():
        assert any(r.startswith(prefixes) for r in failing), f"no failing {family} finding"
    assert not [f for f in run.json()["findings"] if f["status"] == "error"]


def test_datastore_target_account_names_the_workspace_of_the_datastore() -> None:
    findings = _scan("AML080/fail-datastore-target.json", "AML080")
    lake = next(f for f in findings if f.resource_name == "dlscontoso")
    assert lake.status is Status.FAIL
    assert [w.rsplit("/", 1)[-1] for w in lake.workspaces] == ["mlw-case"]


def test_storage_no_workspace_uses_is_out_of_scope_not_judged() -> None:
    spec = select_rules(RULES, ["AML081"])
    result = scan_snapshot(load([str(FIXTURES / "rules/AML081/pass.json")]), spec)
    assert "stfuncapp01" not in {f.resource_name for f in result.findings}
    assert result.out_of_scope == {"Microsoft.Storage/storageAccounts": 1}


def test_cmk_vault_in_another_subscription_is_a_coverage_gap() -> None:
    spec = select_rules(RULES, ["AML071"])
    result = scan_snapshot(load([str(FIXTURES / "rules/AML071/pass.json")]), spec)
    central = next(f for f in result.findings if f.resource_name == "mlw-central-key")
    assert central.status is Status.SKIPPED
    assert any("kv-central" in gap.resource_id for gap in result.coverage)


def test_secrets_in_a_connection_never_reach_the_output(tmp_path: Path) -> None:
    resources = load_fixture("rules/AML051/fail.json")
    token = "ghp_" + "Zq8" * 12
    resources[1]["properties"]["credentials"] = {"pat": token}
    resources[1]["properties"]["target"] = f"https://x:{token}@github.com/contoso/ml-models"
    snapshot = write_json(tmp_path / "leaky.json", resources)
    for fmt in ("text", "json"):
        run = run_cli(
            "scan", "--snapshot", str(snapshot), "--select", SELECT, "--fail-on", "low", "-o", fmt
        )
        assert run.code == 1, run.stderr
        assert token not in run.stdout and token not in run.stderr


def test_expiry_is_judged_at_the_scan_time_source_date_epoch_fixes(tmp_path: Path) -> None:
    resources = load_fixture("rules/AML053/pass.json")
    resources[1]["properties"]["expiryTime"] = "2026-06-30T00:00:00Z"
    snapshot = str(write_json(tmp_path / "pat.json", resources))
    args = ("scan", "--snapshot", snapshot, "--select", "AML053", "--fail-on", "low", "-o", "json")
    before = run_cli(*args, env={"SOURCE_DATE_EPOCH": "1767225600"})  # 2026-01-01
    after = run_cli(*args, env={"SOURCE_DATE_EPOCH": "1798761600"})  # 2027-01-01
    assert before.code == 0 and after.code == 1, (before.stderr, after.stderr)
    message = next(
        f["message"] for f in json.loads(after.stdout)["findings"] if f["status"] == "fail"
    )
    assert "expired on 2026-06-30" in message
