"""A verdict rests only on data the input holds, on the shapes real inputs have.

Fixtures: fixtures/shapes/ (its README says which public example, SDK recording or CLI output
each follows). Each test here failed on 0.1.0: a datastore failed on a storage account seen
only through `az resource list`, a CMK key missing from a snapshot holding no keys failed
HIGH, a compute instance still `Creating` failed, a decoy with a workspace's ID hid it, and
CLI-flattened outputs were judged as if their settings were absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from amlaudit.model import Finding, Status
from amlaudit.registry import find_packs, load_rules
from amlaudit.result import ScanResult
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES, run_cli, write_json

SHAPES = FIXTURES / "shapes"
RULES = load_rules(find_packs(use_entry_points=False))
SUB = "00000000-1111-2222-3333-444444444444"
PROVIDERS = f"/subscriptions/{SUB}/resourceGroups/rg-shapes/providers"
WS = f"{PROVIDERS}/Microsoft.MachineLearningServices/workspaces/mlw-shapes"
STORAGE = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stshapes"
VAULT = f"{PROVIDERS}/Microsoft.KeyVault/vaults/kv-shapes"


def shape(name: str) -> Any:
    return json.loads((SHAPES / name).read_text(encoding="utf-8"))


def scan(*paths: Path | str, rules: list[str] | None = None) -> ScanResult:
    chosen = [r for r in RULES if rules is None or r.id in rules]
    return scan_snapshot(load([str(p) for p in paths]), chosen)


def findings(result: ScanResult, rule_id: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule_id]


def envelope(resources: list[Any], **source: Any) -> dict[str, Any]:
    return {"format": "amlaudit-snapshot", "version": 1, "source": source, "resources": resources}


# -- 1. a related resource without usable data -----------------------------------------------


def test_a_datastore_on_an_account_seen_only_through_resource_list_is_an_error() -> None:
    result = scan(SHAPES / "workspace-and-datastore.json", SHAPES / "resource-list-storage.json")
    (datastore,) = findings(result, "AML212")
    assert datastore.status is Status.ERROR, datastore.message
    assert "has no properties in the input" in datastore.message
    entries = [g for g in result.coverage if g.resource_id == STORAGE]
    assert len(entries) == 1  # listed once, with every rule it affected
    affected = {f.rule_id for f in result.findings if STORAGE in f.message}
    assert affected >= {"AML212"}
    if len(affected) > 1:
        assert entries[0].rule_id is None
        assert all(rule in entries[0].reason for rule in affected)
    else:
        assert entries[0].rule_id == "AML212"


def test_the_full_copy_wins_over_the_resource_list_copy_in_any_order() -> None:
    paths = [
        SHAPES / "workspace-and-datastore.json",
        SHAPES / "resource-list-storage.json",
        SHAPES / "resource-show-storage.json",
    ]
    forward, backward = scan(*paths), scan(*reversed(paths))
    (datastore,) = findings(forward, "AML212")
    assert datastore.status is Status.PASS, datastore.message
    assert not forward.errors
    assert not [g for g in forward.coverage if "has no properties" in g.reason]
    key = [(f.rule_id, f.resource_id, f.status, f.message) for f in forward.findings]
    assert key == [(f.rule_id, f.resource_id, f.status, f.message) for f in backward.findings]


# -- 2. absent is not the same as not collected ----------------------------------------------


def test_a_cmk_key_missing_from_an_input_without_keys_is_not_collected() -> None:
    result = scan(SHAPES / "cmk-workspace-and-vault.json", rules=["AML071"])
    (finding,) = findings(result, "AML071")
    assert finding.status is Status.ERROR, finding.message
    assert "Microsoft.KeyVault/vaults/keys" in finding.message
    (gap,) = [g for g in result.coverage if g.resource_id == VAULT]
    assert "amlaudit export" in gap.reason and "az rest --method get" in gap.reason


@pytest.mark.parametrize(
    "source",
    [
        {"tool": "amlaudit", "version": "0.1.0"},  # a v1 envelope: complete for its scopes
        {"tool": "other", "collected_types": ["Microsoft.KeyVault/vaults/keys"]},
    ],
    ids=["amlaudit-v1", "declared"],
)
def test_a_key_absent_where_keys_were_collected_still_fails(
    source: dict[str, Any], tmp_path: Path
) -> None:
    document = envelope(shape("cmk-workspace-and-vault.json"), **source)
    result = scan(write_json(tmp_path / "env.json", document), rules=["AML071"])
    (finding,) = findings(result, "AML071")
    assert finding.status is Status.FAIL and "deleted or never created" in finding.message


def test_a_foreign_envelope_without_collected_types_uses_the_per_file_heuristic(
    tmp_path: Path,
) -> None:
    document = envelope(shape("cmk-workspace-and-vault.json"), tool="someone else's exporter")
    result = scan(write_json(tmp_path / "env.json", document), rules=["AML071"])
    assert [f.status for f in findings(result, "AML071")] == [Status.ERROR]


def test_a_type_counts_as_collected_only_in_the_file_holding_one(tmp_path: Path) -> None:
    """The vault's diagnostic settings sit in another file: the vault's own file proves
    nothing absent, but a setting found is a setting found."""
    vault_only = write_json(tmp_path / "vault.json", shape("cmk-workspace-and-vault.json"))
    alone = scan(vault_only, rules=["AML070"])
    assert [f.status for f in findings(alone, "AML070")] == [Status.ERROR]
    joined = scan(vault_only, SHAPES / "diagnostic-settings-list.json", rules=["AML070"])
    assert [f.status for f in findings(joined, "AML070")] == [Status.PASS]
    other = shape("diagnostic-settings-list.json")
    other[0]["id"] = other[0]["id"].replace("kv-shapes", "kv-other")
    elsewhere = scan(vault_only, write_json(tmp_path / "other.json", other), rules=["AML070"])
    assert [f.status for f in findings(elsewhere, "AML070")] == [Status.ERROR]
    same_file = write_json(tmp_path / "both.json", [*shape("cmk-workspace-and-vault.json"), *other])
    assert [f.status for f in findings(scan(same_file, rules=["AML070"]), "AML070")] == [
        Status.FAIL
    ]


def test_a_missing_blob_service_is_never_not_applicable(tmp_path: Path) -> None:
    complete = envelope(
        [*shape("workspace-and-datastore.json")[:1], *shape("resource-show-storage.json")],
        tool="amlaudit",
    )
    path = write_json(tmp_path / "env.json", complete)
    for rule_id in ("AML086", "AML087"):
        (finding,) = findings(scan(path, rules=[rule_id]), rule_id)
        assert finding.status is Status.ERROR, finding.message
        assert "always exists in Azure" in finding.message
    complete["resources"][1]["kind"] = "FileStorage"
    path = write_json(tmp_path / "files.json", complete)
    (finding,) = findings(scan(path, rules=["AML086"]), "AML086")
    assert finding.status is Status.SKIPPED


def test_an_incomplete_bare_array_exits_3_unless_allowed() -> None:
    path = str(SHAPES / "cmk-workspace-and-vault.json")
    assert run_cli("scan", "--snapshot", path, "--select", "AML071").code == 3
    allowed = run_cli("scan", "--snapshot", path, "--select", "AML071", "--allow-incomplete")
    assert allowed.code == 0, allowed.stderr


# -- 3. dependencies outside the input are reported ------------------------------------------


def test_every_dependency_a_workspace_names_outside_the_input_is_listed(tmp_path: Path) -> None:
    path = write_json(tmp_path / "ws.json", shape("workspace-and-datastore.json")[:1])
    # One workspace rule that reads none of the dependencies: 0.1.0 listed nothing at all.
    result = scan(path, rules=["AML001"])
    missing = {g.resource_id for g in result.coverage if g.rule_id is None}
    assert missing == {
        STORAGE,
        VAULT,
        f"{PROVIDERS}/Microsoft.Insights/components/appi-shapes",
        f"{PROVIDERS}/Microsoft.ContainerRegistry/registries/crshapes",
    }
    report = tmp_path / "r"
    run = run_cli(
        "scan",
        "--snapshot",
        str(path),
        "--select",
        "AML001",
        *(
            f"-o={fmt}:{report}.{fmt}"
            for fmt in ("json", "sarif", "text", "markdown", "html", "junit")
        ),
    )
    assert run.code == 0, run.stderr
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {g["resource_id"] for g in document["coverage"]} == missing
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["properties"]["resource_id"] for n in notes} == missing
    text = (tmp_path / "r.text").read_text(encoding="utf-8")
    assert "Not in the input (4)" in text and all(target in text for target in missing)
    markdown = (tmp_path / "r.markdown").read_text(encoding="utf-8")
    listed = markdown.split("### Not in the input", 1)[1].strip().splitlines()
    assert len(listed) == 4 and all(line.startswith("- ") for line in listed)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Not in the input" in html and STORAGE in html
    junit = (tmp_path / "r.junit").read_text(encoding="utf-8")
    assert "<system-out>" in junit and VAULT in junit


# -- 4. resources still provisioning ---------------------------------------------------------


def test_a_compute_instance_answered_while_creating_is_not_judged() -> None:
    result = scan(SHAPES / "compute-instance-creating.json", rules=["AML023", "AML025", "AML027"])
    statuses = {f.rule_id: f for f in result.findings if "/computes/" in f.resource_id}
    assert set(statuses) == {"AML023", "AML025", "AML027"}
    for finding in statuses.values():
        assert finding.status is Status.ERROR, (finding.rule_id, finding.message)
        assert "provisioningState is Creating" in finding.message


def test_unreported_nested_properties_are_an_error_even_when_settled(tmp_path: Path) -> None:
    document = shape("compute-instance-creating.json")
    document[1]["properties"]["provisioningState"] = "Succeeded"
    document[1]["properties"]["properties"] = None
    result = scan(write_json(tmp_path / "ci.json", document), rules=["AML025", "AML027"])
    for finding in result.findings:
        assert finding.status is Status.ERROR, (finding.rule_id, finding.message)
        assert "properties.properties is not reported" in finding.message


# -- 5. duplicates, one normaliser -----------------------------------------------------------


def test_copies_differing_only_in_volatile_fields_are_one_resource(tmp_path: Path) -> None:
    first = shape("workspace-and-datastore.json")[0]
    second = json.loads(json.dumps(first))
    second["etag"] = 'W/"2"'
    second["properties"]["provisioningState"] = "Updating"
    second["systemData"]["lastModifiedAt"] = "2025-07-01T09:00:00.0000000Z"
    second["id"] = second["id"].upper().replace("/SUBSCRIPTIONS/", "/subscriptions/")
    a = write_json(tmp_path / "a.json", [first])
    b = write_json(tmp_path / "b.json", [second])
    result = scan(a, b, rules=["AML001"])
    assert not result.errors
    assert [f.status for f in result.findings] == [Status.PASS]


def test_a_decoy_with_the_workspace_id_and_another_type_is_a_conflict(tmp_path: Path) -> None:
    """Issue 12 item 3: the decoy is the workspace with only its `type` changed, placed first;
    0.1.0 kept it, never judged the failing workspace, and the gate passed on the other one."""
    workspace = shape("workspace-and-datastore.json")[0]
    workspace["properties"]["publicNetworkAccess"] = "Enabled"  # AML001 fails it
    decoy = {**workspace, "type": "Microsoft.Storage/storageAccounts"}
    other = json.loads(json.dumps(shape("workspace-and-datastore.json")[0]))
    other["id"], other["name"] = WS.replace("mlw-shapes", "mlw-other"), "mlw-other"
    outputs = []
    for order in ([decoy, workspace, other], [other, workspace, decoy]):
        path = write_json(tmp_path / "snap.json", order)
        run = run_cli("scan", "--snapshot", str(path), "--select", "AML001", "-o", "json")
        assert run.code == 3, run.stderr  # 0.1.0: exit 0
        outputs.append(run.stdout)
        report = run.json()
        statuses = {f["resource_name"]: f["status"] for f in report["findings"]}
        assert statuses == {"mlw-shapes": "error", "mlw-other": "pass"}
        assert any(e["status"] == "conflict" for e in report["errors"])
    assert outputs[0] == outputs[1]


def test_a_copy_with_another_name_is_a_conflict(tmp_path: Path) -> None:
    workspace = shape("workspace-and-datastore.json")[0]
    renamed = {**workspace, "name": "mlw-other"}
    result = scan(write_json(tmp_path / "snap.json", [workspace, renamed]), rules=["AML001"])
    assert [f.status for f in result.findings] == [Status.ERROR]


# -- 6. non-ARM shapes -----------------------------------------------------------------------


def test_flattened_pricing_and_diagnostic_settings_are_read_as_arm() -> None:
    pricing = load([str(SHAPES / "security-pricing-show.json")]).resources[0]
    assert pricing.raw["properties"]["pricingTier"] == "Standard"
    # Under the default dependency scope a subscription is judged when it holds ML resources.
    result = scan(
        SHAPES / "security-pricing-show.json",
        SHAPES / "workspace-and-datastore.json",
        rules=["AML184"],
    )
    assert [f.status for f in findings(result, "AML184")] == [Status.PASS]
    (setting,) = load([str(SHAPES / "diagnostic-settings-list.json")]).resources
    assert setting.raw["properties"]["workspaceId"].endswith("/law-shapes")
    assert "resourceGroup" not in setting.raw and "resourceGroup" not in setting.raw["properties"]


def test_flattened_storage_account_maps_the_sdk_names_back_to_arm() -> None:
    (account,) = load([str(SHAPES / "storage-account-show.json")]).resources
    props = account.raw["properties"]
    assert props["supportsHttpsTrafficOnly"] is True
    assert props["networkAcls"]["ipRules"] == [{"action": "Allow", "value": "0.0.0.0/0"}]
    assert props["networkAcls"]["virtualNetworkRules"][0]["id"].endswith("/snet-ml")
    assert props["encryption"]["keyvaultproperties"]["keyname"] == "cmk-storage"
    assert account.raw["sku"] == {"name": "Standard_ZRS", "tier": "Standard"}
    assert "networkRuleSet" not in props and "resourceGroup" not in props


@pytest.mark.parametrize(
    ("name", "command"),
    [("ml-workspace-show.json", "az ml workspace show"), ("ml-compute-list.json", "az ml compute")],
)
def test_the_ml_cli_entity_is_refused_with_the_command_that_gives_arm(
    name: str, command: str
) -> None:
    run = run_cli("scan", "--snapshot", str(SHAPES / name))
    assert run.code == 2
    (line,) = run.stderr.strip().splitlines()
    assert command in line and "az resource show --ids" in line
    assert WS in line  # the whole ID, never cut short
