"""Collection for the access analysis, through the fake ARM (real HTTPS, azure-core, CLI):
deny assignments, PIM eligibility instances, Lighthouse registration assignments, and role
definitions referenced by an assignment but absent from the subscription's list (a custom
role of a management group). What cannot be read is a coverage entry, never "nobody"."""

from __future__ import annotations

from pathlib import Path

import access_estate as e
from amlaudit import armid
from conftest import run_cli
from fakearm.faults import Fault
from fakearm.harness import export, serving

ALICE = "aaaaaaaa-1111-4111-8111-000000000001"
MSP = "f98d86a2-4cc4-4e9d-ad47-b3e80a1bcdfc"
MG_ROLE = "34343434-5656-4787-8989-000000000001"
OTHER_ROLE = "34343434-5656-4787-8989-000000000002"
BOB = "bbbbbbbb-1111-4111-8111-000000000002"


def _estate() -> list[dict[str, object]]:
    mg_role = e.custom_role(
        e.SUB_A, MG_ROLE, "MG data reader", ["Microsoft.Storage/storageAccounts/listkeys/action"]
    )
    mg_role["id"] = f"{e.MG}/providers/Microsoft.Authorization/roleDefinitions/{MG_ROLE}"
    assignment = e.assignment(e.rg(e.SUB_A), MG_ROLE, ALICE)
    assignment["properties"]["roleDefinitionId"] = mg_role["id"]  # type: ignore[index]
    # A definition the subscription's list does not return (it lives in another subscription):
    # the collector fetches it by the ID the assignment references.
    other = e.custom_role(
        e.SUB_B,
        OTHER_ROLE,
        "Compute creator",
        ["Microsoft.MachineLearningServices/workspaces/computes/write"],
    )
    other_assignment = e.assignment(e.rg(e.SUB_A), OTHER_ROLE, BOB)
    other_assignment["properties"]["roleDefinitionId"] = other["id"]  # type: ignore[index]
    return [
        *e.basic(),
        mg_role,
        other,
        other_assignment,
        assignment,
        e.deny(
            e.rg(e.SUB_A),
            "stack deny",
            ["*/delete"],
            [],
            [("00000000-0000-0000-0000-000000000000", "SystemDefined")],
            [],
        ),
        e.eligibility(f"/subscriptions/{e.SUB_A}", e.OWNER, ALICE),
        e.lighthouse(e.SUB_A, MSP, e.CONTRIBUTOR),
    ]


def test_export_collects_deny_pim_lighthouse_and_referenced_definitions(tmp_path: Path) -> None:
    resources = _estate()
    with serving(resources, tmp_path, page_size=2) as arm:
        run, document = export(arm, tmp_path / "out.json", subscriptions=[e.SUB_A])
        assert arm.writes() == []
    assert run.code == 0, run.stderr
    collected = {armid.key(r["id"]) for r in document["resources"]}
    for resource in resources:
        assert armid.key(str(resource["id"])) in collected, resource["id"]
    assert document["errors"] == []
    access = run_cli("access", "--snapshot", str(tmp_path / "out.json"), "-o", "json")
    assert access.code == 0, access.stderr
    grants = {
        (g["principal_id"], c["id"], g["grade"])
        for c in access.json()["workspaces"][0]["capabilities"]
        for g in c["grants"]
    }
    assert (ALICE, "data-read", "via-credential") in grants  # through the MG custom role
    assert (ALICE, "role-assign", "eligible") in grants
    assert (MSP, "compute-change", "direct") in grants
    assert (BOB, "compute-change", "direct") in grants
    assert any(r.path.lower().endswith(OTHER_ROLE) for r in arm.log)


def test_unreadable_eligibility_is_a_coverage_entry_and_exit_3(tmp_path: Path) -> None:
    with serving(_estate(), tmp_path) as arm:
        arm.faults.add(Fault("forbidden", match="roleeligibilityscheduleinstances"))
        run, document = export(arm, tmp_path / "out.json", subscriptions=[e.SUB_A])
    assert run.code == 3  # export records the gap
    failed = [
        x
        for x in document["errors"]
        if "roleEligibilityScheduleInstances" in x.get("resource_type", "")
    ]
    assert failed and failed[0]["status"] == "403"
    access = run_cli("access", "--snapshot", str(tmp_path / "out.json"), "-o", "json")
    assert access.code == 3
    coverage = access.json()["coverage"]
    assert [c["kind"] for c in coverage] == ["unreadable-scope"]
    assert coverage[0]["scope"].lower() == f"/subscriptions/{e.SUB_A}"
