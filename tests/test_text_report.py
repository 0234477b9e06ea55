"""The terminal summary tells the whole story: failing rules, the fix, and what it could not see."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_cli

WS = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
VAULT = "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/other/providers/Microsoft.KeyVault/vaults/kv-elsewhere"


def test_demo_summary_names_rules_resources_and_fixes() -> None:
    run = run_cli("scan", "--snapshot", str(FIXTURES / "demo.json"))
    assert run.code == 1
    assert "failing:" in run.stdout and "HIGH AML001" in run.stdout
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
