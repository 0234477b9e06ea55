"""`export` stores Resource Graph `resourcechanges` records; `diff` names who changed a resource
that got worse. Live parts run against the fake ARM (real HTTPS, azure-core, the real CLI).

Change rows follow the `Microsoft.Resources/changes` payload of the Resource Graph docs
(MicrosoftDocs/azure-docs `articles/governance/resource-graph/changes/get-resource-changes.md`:
`targetResourceId`, `targetResourceType`, `changeType`, `changeAttributes {timestamp,
changedBy, changedByType, clientType, operation, changesCount, correlationId}`, `changes`
keyed by property path with `previousValue`/`newValue`).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import FIXTURES
from fakearm.faults import Fault
from fakearm.harness import export, fixture_resources, main_in_process, serving
from test_diff import ST_DEV, SUB, WS_DEV

SNAPSHOT_SCHEMA = json.loads(
    (FIXTURES.parent / "auditor/amlaudit/schemas/snapshot.schema.json").read_text("utf-8")
)


def change_row(target: str, timestamp: str, who: str, changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{target}/providers/Microsoft.Resources/changes/08584591447297934145_5ef2a2f1",
        "type": "microsoft.resources/changes",
        "properties": {
            "targetResourceId": target,
            "targetResourceType": target.split("/providers/", 1)[1].rsplit("/", 1)[0].lower(),
            "changeType": "Update",
            "changeAttributes": {
                "previousResourceSnapshotId": "08584591447297934145_1c5e7c3a_2188227411_1734547921",
                "newResourceSnapshotId": "08584591447297934145_5ef2a2f1_2188227411_1734547921",
                "correlationId": "3c4a7d3e-5d2a-4a1b-9f0e-2b7c1d9e8f00",
                "changedByType": "User",
                "changesCount": len(changes),
                "clientType": "Azure Portal",
                "changedBy": who,
                "operation": "microsoft.machinelearningservices/workspaces/write",
                "timestamp": timestamp,
            },
            "changes": changes,
        },
    }


ROWS = [
    change_row(
        WS_DEV,
        "2025-12-30T10:15:00.000Z",
        "alice@contoso.com",
        {"properties.publicNetworkAccess": {"previousValue": "Disabled", "newValue": "Enabled"}},
    ),
    # 20 days old: outside the 14-day window, dropped
    change_row(ST_DEV, "2025-12-12T09:00:00.000Z", "bob@contoso.com", {"tags.owner": {}}),
    # not a resource the export collected, dropped
    change_row(
        f"/subscriptions/{SUB}/resourceGroups/rg-other/providers/Microsoft.Compute/virtualMachines/vm1",
        "2025-12-31T10:00:00.000Z",
        "carol@contoso.com",
        {},
    ),
]


def opened() -> list[dict[str, Any]]:
    resources = copy.deepcopy(fixture_resources("hardened.json"))
    for resource in resources:
        if resource["id"].lower() == WS_DEV.lower():
            resource["properties"]["publicNetworkAccess"] = "Enabled"
    return resources


def test_export_stores_the_last_14_days_of_changes_of_exported_resources(
    tmp_path: Path,
) -> None:
    with serving(opened(), tmp_path, resource_changes=ROWS) as arm:
        run, document = export(
            arm, tmp_path / "new.json", "--discovery", "arm", subscriptions=[SUB]
        )
        assert arm.writes() == []
        assert any(r.method == "POST" for r in arm.log), "change data comes from Resource Graph"
    assert run.code == 0, run.stderr
    jsonschema.validate(document, SNAPSHOT_SCHEMA)
    block = document["source"]["resource_changes"]
    assert block["status"] == "collected" and block["window_days"] == 14
    assert block["since"] == "2025-12-18T00:00:00Z"
    assert block["records"] == [
        {
            "target_id": WS_DEV,
            "change_type": "Update",
            "timestamp": "2025-12-30T10:15:00.000Z",
            "changed_by": "alice@contoso.com",
            "changed_by_type": "User",
            "client_type": "Azure Portal",
            "operation": "microsoft.machinelearningservices/workspaces/write",
            "changed_paths": ["properties.publicNetworkAccess"],
        }
    ]
    assert "Disabled" not in json.dumps(block), "changed values are never stored"


def test_diff_names_who_changed_a_regressed_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.json"
    with serving(opened(), tmp_path, resource_changes=ROWS) as arm:
        run, _ = export(arm, new, "--discovery", "arm", subscriptions=[SUB])
    assert run.code == 0, run.stderr
    from amlaudit.app import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    capsys.readouterr()
    code = main(["diff", str(FIXTURES / "hardened.json"), str(new), "-o", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    by_id = {a["resource_id"]: a for a in document["attributions"]}
    assert by_id[WS_DEV]["status"] == "found"
    assert (
        by_id[WS_DEV]["changedBy"],
        by_id[WS_DEV]["clientType"],
        by_id[WS_DEV]["timestamp"],
    ) == (
        "alice@contoso.com",
        "Azure Portal",
        "2025-12-30T10:15:00.000Z",
    )
    main(["diff", str(FIXTURES / "hardened.json"), str(new)])
    assert "changed by alice@contoso.com via Azure Portal at 2025-12-30T10:15:00.000Z" in (
        capsys.readouterr().out
    )


def test_unreadable_change_data_is_said_not_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.json"
    with serving(opened(), tmp_path, resource_changes=ROWS) as arm:
        arm.faults.add(Fault("forbidden", match="microsoft.resourcegraph", method="POST"))
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(new),
            "--discovery",
            "arm",
            subscriptions=[SUB],
        )
    assert run.code == 0, run.stderr
    block = json.loads(new.read_text("utf-8"))["source"]["resource_changes"]
    assert block["status"] == "unavailable" and "records" not in block
    assert "403" in block["message"] or "AuthorizationFailed" in block["message"]
    from amlaudit.app import main

    capsys.readouterr()
    main(["diff", str(FIXTURES / "hardened.json"), str(new), "-o", "json"])
    attribution = json.loads(capsys.readouterr().out)["attributions"][0]
    assert attribution["status"] == "unavailable"
    assert "not collected" in attribution["note"]


def test_no_change_record_within_the_window_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.json"
    with serving(opened(), tmp_path, resource_changes=ROWS[1:]) as arm:
        run, _ = export(arm, new, "--discovery", "arm", subscriptions=[SUB])
    assert run.code == 0
    old = json.loads((FIXTURES / "hardened.json").read_text("utf-8"))
    from amlaudit.app import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    for collected, status in (
        ("2025-12-28T00:00:00Z", "none_in_window"),
        ("2025-11-01T00:00:00Z", "older_than_window"),
    ):
        old_path = tmp_path / f"old-{status}.json"
        old_path.write_text(json.dumps({**old, "collected_at": collected}), encoding="utf-8")
        capsys.readouterr()
        main(["diff", str(old_path), str(new), "-o", "json"])
        by_id = {a["resource_id"]: a for a in json.loads(capsys.readouterr().out)["attributions"]}
        assert by_id[WS_DEV]["status"] == status
        assert by_id[WS_DEV]["changedBy"] is None
