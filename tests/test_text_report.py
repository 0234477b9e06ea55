"""The terminal summary tells the whole story: failing rules, the fix, and what it could not see."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import FIXTURES, run_cli

WS = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
VAULT = "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/other/providers/Microsoft.KeyVault/vaults/kv-elsewhere"


def test_demo_summary_names_rules_resources_and_fixes() -> None:
    run = run_cli("scan", "--snapshot", str(FIXTURES / "demo.json"))
    assert run.code == 1
    assert re.search(r"failing, active \(not suppressed\): \d+ critical, \d+ high", run.stdout)
    assert "HIGH AML001" in run.stdout
    assert "fix: az ml workspace update" in run.stdout
    assert "docs: amlaudit explain AML001" in run.stdout


def test_referenced_resource_outside_snapshot_is_listed_not_silent(tmp_path: Path) -> None:
    workspace = {
        "id": WS,
        "type": "Microsoft.MachineLearningServices/workspaces",
        "name": "ws",
        "kind": "Default",
        "location": "westeurope",
        "properties": {
            "publicNetworkAccess": "Disabled",
            "managedNetwork": {"isolationMode": "Disabled"},
            "encryption": {
                "status": "Enabled",
                "keyVaultProperties": {
                    "keyVaultArmId": VAULT,
                    "keyIdentifier": "https://kv-elsewhere.vault.azure.net/keys/k/1",
                },
            },
        },
    }
    path = tmp_path / "snap.json"
    # An amlaudit envelope is complete for its scope: the vault is outside it.
    envelope = {"format": "amlaudit-snapshot", "version": 1, "source": {"tool": "amlaudit"}}
    path.write_text(json.dumps({**envelope, "resources": [workspace]}))
    run = run_cli("scan", "--snapshot", str(path), "--fail-on", "never")
    assert run.code == 0, run.stderr  # skipped is not incomplete: the vault is out of scope
    assert "Not in the input (1)" in run.stdout and "kv-elsewhere" in run.stdout


def test_hostile_kind_and_location_are_redacted(tmp_path: Path) -> None:
    secret = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0"
    workspace = {
        "id": WS,
        "type": "Microsoft.MachineLearningServices/workspaces",
        "name": "ws",
        "kind": secret,
        "location": "west\x1b[31meurope",
        "properties": {},
    }
    path = tmp_path / "snap.json"
    path.write_text(json.dumps([workspace]))
    run = run_cli("scan", "--snapshot", str(path), "-o", "json", "--fail-on", "never")
    summary = run.json()["scope"]["workspaces"][0]
    assert "c2VjcmV0" not in run.stdout and "\x1b" not in summary["location"]


def _failing(report: Path) -> int:
    findings = json.loads(report.read_text("utf-8"))["findings"]
    return sum(1 for f in findings if f["status"] == "fail")


def _baseline_without(tmp_path: Path, rule: str) -> Path:
    """A baseline in which every finding but `rule`'s is already known."""
    base = tmp_path / "base.json"
    run_cli(
        "scan", "--snapshot", str(FIXTURES / "demo.json"), "--ignore", rule, "-o", f"json:{base}"
    )
    return base


def test_baseline_shows_new_findings_first_and_collapses_known_ones(tmp_path: Path) -> None:
    base = _baseline_without(tmp_path, "AML001")
    run = run_cli("scan", "--snapshot", str(FIXTURES / "demo.json"), "--baseline", str(base))
    assert run.code == 1
    lines = run.stdout.splitlines()
    new_at = lines.index("New since the baseline: 5 failing findings")
    listed = [line for line in lines if line.startswith("  - NEW ")]
    assert len(listed) == 5 and not any(line.startswith("  - in baseline: ") for line in lines)
    assert lines[new_at + 2].startswith("HIGH AML001 ")
    assert lines[new_at + 2].endswith(": 5 resources, fails the gate (--fail-on high)")
    known = _failing(base)
    assert (
        f"{known} failing findings already in the baseline (not listed; --show-baselined lists "
        "them)" in lines
    )
    shown = run_cli(
        "scan",
        "--snapshot",
        str(FIXTURES / "demo.json"),
        "--baseline",
        str(base),
        "--show-baselined",
    )
    known_at = shown.stdout.index(f"Already in the baseline: {known} failing findings")
    assert shown.stdout.index("  - NEW mlw-forecast-prod") < known_at
    assert shown.stdout.count("  - in baseline: ") > 100


def test_suppressions_show_owner_reason_expiry_and_the_entries_ending(tmp_path: Path) -> None:
    rules = tmp_path / "suppressions.yaml"
    rules.write_text(
        "version: 1\nsuppressions:\n"
        "  - rule: AML022\n    resource: '*'\n    justification: SSH for the migration\n"
        "    owner: ml-platform@contoso.com\n    expires: 2026-01-20\n    ticket: OPS-12\n"
        "  - rule: AML024\n    resource: '*'\n    justification: old exception\n"
        "    owner: someone@contoso.com\n    expires: 2025-12-01\n",
        encoding="utf-8",
    )
    run = run_cli("scan", "--snapshot", str(FIXTURES / "demo.json"), "--suppressions", str(rules))
    assert run.code == 1
    assert "Suppressed (accepted risk): 3 findings" in run.stdout
    assert (
        "  - AML022 mlw-fraud-prod/ci-marc: until 2026-01-20, 19 days left, owner "
        "ml-platform@contoso.com [OPS-12]: SSH for the migration" in run.stdout
    )
    section = run.stdout.split("Suppressions expired or expiring within 30 days: 2 entries\n")[1]
    expired, expiring = section.splitlines()[:2]
    assert "entry 2: EXPIRED on 2025-12-01" in expired and "someone@contoso.com" in expired
    assert "entry 1: expires 2026-01-20 (19 days left): AML022" in expiring


def test_at_most_ten_resources_per_rule_unless_verbose(tmp_path: Path) -> None:
    from fixtures.estate import envelope, synthetic_plan

    snapshot = tmp_path / "twelve.json"
    snapshot.write_text(json.dumps(envelope(synthetic_plan(1, 12, 1.0))), "utf-8")
    brief = run_cli("scan", "--snapshot", str(snapshot), "--select", "AML001")
    assert "HIGH AML001 workspace-public-network-access-enabled: 12 resources" in brief.stdout
    assert brief.stdout.count("\n  - ") == 10
    assert "  ... and 2 more (-v lists them; the JSON and HTML reports have every finding)" in (
        brief.stdout
    )
    full = run_cli("scan", "--snapshot", str(snapshot), "--select", "AML001", "-v")
    assert full.stdout.count("\n  - ") == 12 and "... and" not in full.stdout
    assert full.stdout.count("/providers/Microsoft.MachineLearningServices/workspaces/") >= 12
