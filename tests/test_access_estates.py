"""The blast radius on estates built for it (tests/access_estate.py says which published
example each resource shape follows): the scenarios issue 15 and rbac.md §3.9 pin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import access_estate as e
from amlaudit.access.report import build_report, to_dict
from amlaudit.index import SnapshotIndex
from amlaudit.snapshot import load


def analyse(tmp_path: Path, resources: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(resources), encoding="utf-8")
    return to_dict(build_report(SnapshotIndex(load([str(path)])), **kwargs))


def grants(
    document: dict[str, Any], capability: str, workspace: str | None = None
) -> list[dict[str, Any]]:
    for ws in document["workspaces"]:
        if workspace is None or ws["name"] == workspace:
            return next(c["grants"] for c in ws["capabilities"] if c["id"] == capability)
    raise AssertionError(f"no workspace {workspace}")


def holders(
    document: dict[str, Any], capability: str, workspace: str | None = None
) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for grant in grants(document, capability, workspace):
        out.setdefault(grant["principal_id"], set()).add(grant["grade"])
    return out


ALICE = "aaaaaaaa-1111-4111-8111-000000000001"
BOB = "bbbbbbbb-1111-4111-8111-000000000002"
GROUP = "cccccccc-1111-4111-8111-000000000003"
SP = "dddddddd-1111-4111-8111-000000000004"
COMPUTE_MI = "eeeeeeee-1111-4111-8111-000000000005"


def test_owner_at_management_group_reaches_data_by_key_listing_unless_shared_keys_are_off(
    tmp_path: Path,
) -> None:
    resources = [
        *e.basic(e.SUB_A, "mlw-a", "stmla"),
        *e.basic(e.SUB_B, "mlw-b", "stmlb", shared_key=False),
        e.assignment(e.MG, e.OWNER, ALICE),
    ]
    doc = analyse(tmp_path, resources)
    reach = grants(doc, "data-read", "mlw-a")
    mine = [g for g in reach if g["principal_id"] == ALICE]
    assert {(g["grade"], g["route"], g["operation"]) for g in mine} == {
        ("via-credential", "key-listing", "Microsoft.Storage/storageAccounts/listkeys/action")
    }
    assert mine[0]["scope"] == e.MG
    assert "allowSharedKeyAccess absent ⇒ true" in mine[0]["facts"]
    # allowSharedKeyAccess: false on the other account: Owner's key listing reaches nothing.
    assert ALICE not in holders(doc, "data-read", "mlw-b")
    assert ALICE in holders(doc, "role-assign", "mlw-b")


def test_data_scientist_reads_datastore_secrets_but_cannot_create_compute(tmp_path: Path) -> None:
    resources = e.basic(shared_key=False)
    ws = resources[0]
    resources += [
        e.storage(e.SUB_A, "stlake", shared_key=True),
        e.datastore(ws, "lake_key", "stlake", "AccountKey"),
        e.datastore(ws, "lake_identity", "stmla", "None"),
        e.assignment(ws["id"], e.DATA_SCIENTIST, BOB),
    ]
    doc = analyse(tmp_path, resources)
    bob = [g for g in grants(doc, "data-read") if g["principal_id"] == BOB]
    assert [(g["grade"], g["operation"], g["target"]) for g in bob] == [
        (
            "via-credential",
            "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action",
            ws["id"],
        )
    ]
    assert "credential-based datastores: lake_key" in bob[0]["facts"]
    assert BOB in holders(doc, "job-submit")
    assert BOB not in holders(doc, "compute-change")


def test_access_policy_vault_is_readable_by_contributor_through_self_grant(tmp_path: Path) -> None:
    resources = [
        *e.basic(e.SUB_A, "mlw-a", "stmla", rbac_vault=None),
        *e.basic(e.SUB_B, "mlw-b", "stmlb", rbac_vault=True),
        e.assignment(f"/subscriptions/{e.SUB_A}", e.CONTRIBUTOR, SP, "ServicePrincipal"),
        e.assignment(f"/subscriptions/{e.SUB_B}", e.CONTRIBUTOR, SP, "ServicePrincipal"),
    ]
    doc = analyse(tmp_path, resources)
    policy_mode = [
        g
        for g in grants(doc, "secrets-read", "mlw-a")
        if g["principal_id"] == SP and g["route"] == "self-grant"
    ]
    assert policy_mode and policy_mode[0]["grade"] == "direct"
    assert "vault uses access policies" in policy_mode[0]["facts"]
    rbac_mode = [g for g in grants(doc, "secrets-read", "mlw-b") if g["principal_id"] == SP]
    assert all(g["route"] != "self-grant" for g in rbac_mode)
    assert all(g["target"].endswith("/workspaces/mlw-b") for g in rbac_mode)  # only via the ML APIs


def test_conditioned_role_assignment_write_is_conditional(tmp_path: Path) -> None:
    condition = (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] "
        f"ForAnyOfAnyValues:GuidEquals {{{e.BLOB_READER}}}))"
    )
    resources = [
        *e.basic(),
        e.assignment(e.rg(e.SUB_A), e.RBAC_ADMIN, ALICE, condition=condition),
        e.assignment(e.rg(e.SUB_A), e.RBAC_ADMIN, BOB),
    ]
    doc = analyse(tmp_path, resources)
    assign = {g["principal_id"]: g for g in grants(doc, "role-assign")}
    assert assign[ALICE]["grade"] == "conditional"
    assert assign[ALICE]["condition"] == condition
    assert "may assign only: Storage Blob Data Reader" in assign[ALICE]["facts"]
    assert assign[BOB]["grade"] == "direct"


def test_deny_assignment_removes_a_capability_except_for_excluded_principals(
    tmp_path: Path,
) -> None:
    resources = [
        *e.basic(),
        e.assignment(f"/subscriptions/{e.SUB_A}", e.CONTRIBUTOR, ALICE),
        e.assignment(f"/subscriptions/{e.SUB_A}", e.CONTRIBUTOR, SP, "ServicePrincipal"),
        e.deny(
            e.rg(e.SUB_A),
            "stack deny",
            ["*"],
            ["*/read"],
            [("00000000-0000-0000-0000-000000000000", "SystemDefined")],
            [(SP, "ServicePrincipal")],
        ),
    ]
    doc = analyse(tmp_path, resources)
    assert ALICE not in holders(doc, "compute-change")
    assert ALICE not in holders(doc, "data-read")  # listkeys is an action, and denied
    assert SP in holders(doc, "compute-change")
    denied = doc["workspaces"][0]["denied"]
    assert {d["deny_name"] for d in denied} == {"stack deny"}
    assert {d["principal_id"] for d in denied} == {ALICE}


def test_compute_identity_gives_job_submitters_indirect_data_read(tmp_path: Path) -> None:
    resources = e.basic(shared_key=False)
    ws = resources[0]
    account = resources[1]["id"]
    resources += [
        e.compute(ws, "cpu-cluster", COMPUTE_MI),
        e.assignment(account, e.BLOB_READER, COMPUTE_MI, "ServicePrincipal"),
        e.assignment(ws["id"], e.DATA_SCIENTIST, BOB),
    ]
    doc = analyse(tmp_path, resources)
    reach = holders(doc, "data-read")
    assert reach[COMPUTE_MI] == {"direct"}
    assert reach[BOB] == {"indirect"}
    bob = next(g for g in grants(doc, "data-read") if g["principal_id"] == BOB)
    assert bob["operation"] == "Microsoft.MachineLearningServices/workspaces/jobs/write"
    assert bob["via"]["principal_id"] == COMPUTE_MI
    assert bob["via"]["role"] == "Storage Blob Data Reader"
    assert f"runs code as the identity of {ws['id']}/computes/cpu-cluster" in bob["facts"]


def test_unknown_role_is_a_coverage_entry_never_no_permissions(tmp_path: Path) -> None:
    mystery = "99999999-9999-4999-8999-999999999999"
    resources = [*e.basic(), e.assignment(e.rg(e.SUB_A), mystery, ALICE)]
    doc = analyse(tmp_path, resources)
    assert doc["complete"] is False
    entry = next(c for c in doc["coverage"] if c["kind"] == "unknown-role")
    assert mystery in entry["message"] and "unknown, not empty" in entry["message"]
    assert doc["workspaces"][0]["unknown_roles"][0]["principal_id"] == ALICE


def test_snapshot_definitions_win_over_the_catalog(tmp_path: Path) -> None:
    """A custom role reusing a name, and a built-in the snapshot redefines: the snapshot's
    definition is the one evaluated; the catalog only fills in what the snapshot lacks."""
    narrowed = e.custom_role(e.SUB_A, e.CONTRIBUTOR, "Contributor", ["*/read"])
    resources = [
        *e.basic(),
        narrowed,
        e.assignment(e.rg(e.SUB_A), e.CONTRIBUTOR, ALICE),
        e.assignment(e.rg(e.SUB_A), e.OWNER, BOB),
    ]
    doc = analyse(tmp_path, resources)
    assert ALICE not in holders(doc, "compute-change")
    assert BOB in holders(doc, "compute-change")
    assert [r["role"] for r in doc["role_catalog"]["used_for"]] == ["Owner"]


def test_custom_role_with_incomplete_exclusion_keeps_datastore_secrets(tmp_path: Path) -> None:
    role = "12121212-3434-4545-8989-000000000001"
    resources = [
        *e.basic(shared_key=False),
        e.custom_role(
            e.SUB_A,
            role,
            "ML all but keys",
            ["Microsoft.MachineLearningServices/workspaces/*"],
            ["Microsoft.MachineLearningServices/workspaces/*/listKeys/action"],
        ),
    ]
    ws = resources[0]
    resources += [
        e.datastore(ws, "blob_key", "stmla", "AccountKey"),
        e.assignment(ws["id"], role, ALICE),
    ]
    doc = analyse(tmp_path, resources)
    alice = [g for g in grants(doc, "data-read") if g["principal_id"] == ALICE]
    assert [g["operation"] for g in alice] == [
        "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action"
    ]


def test_groups_eligibility_lighthouse_and_readers_are_labelled(tmp_path: Path) -> None:
    lighthouse_principal = "f98d86a2-4cc4-4e9d-ad47-b3e80a1bcdfc"
    resources = [
        *e.basic(),
        e.assignment(f"/subscriptions/{e.SUB_A}", e.OWNER, GROUP, "Group"),
        e.eligibility(f"/subscriptions/{e.SUB_A}", e.OWNER, BOB),
        e.lighthouse(e.SUB_A, lighthouse_principal, e.CONTRIBUTOR),
        e.assignment(e.rg(e.SUB_A), e.READER, ALICE),
    ]
    doc = analyse(tmp_path, resources)
    assign = {g["principal_id"]: g for g in grants(doc, "role-assign")}
    assert assign[GROUP]["principal_type"] == "Group"
    assert assign[BOB]["grade"] == "eligible" and assign[BOB]["assignment"] == "eligible"
    compute = {g["principal_id"]: g for g in grants(doc, "compute-change")}
    assert compute[lighthouse_principal]["principal_type"] == "Lighthouse"
    assert (
        "Azure Lighthouse: managed by tenant 83abe5cd-bcc3-441a-bd86-e6a75360cecc"
        in compute[lighthouse_principal]["facts"]
    )
    reader = [g for g in grants(doc, "secrets-read") if g["principal_id"] == ALICE]
    assert [(g["grade"], g["operation"]) for g in reader] == [
        ("possible", "Microsoft.MachineLearningServices/workspaces/metadata/secrets/read")
    ]
    assert doc["workspaces"][0]["counts"]["groups"] == 1


def test_container_scope_blob_role_is_partial(tmp_path: Path) -> None:
    resources = e.basic(shared_key=False)
    container = f"{resources[1]['id']}/blobServices/default/containers/raw"
    resources.append(e.assignment(container, e.BLOB_READER, ALICE))
    doc = analyse(tmp_path, resources)
    alice = next(g for g in grants(doc, "data-read") if g["principal_id"] == ALICE)
    assert alice["partial"] == container and alice["grade"] == "direct"


def test_principal_filter_answers_the_reverse_question(tmp_path: Path) -> None:
    resources = [
        *e.basic(),
        e.assignment(e.rg(e.SUB_A), e.OWNER, ALICE),
        e.assignment(e.rg(e.SUB_A), e.READER, BOB),
    ]
    doc = analyse(tmp_path, resources, principal=BOB.upper())
    principals = {
        g["principal_id"] for c in doc["workspaces"][0]["capabilities"] for g in c["grants"]
    }
    assert principals == {BOB}


def test_unreadable_authorization_scope_is_a_coverage_entry(tmp_path: Path) -> None:
    envelope = {
        "format": "amlaudit-snapshot",
        "version": 1,
        "collected_at": "2026-01-05T10:00:00Z",
        "source": {"kind": "live"},
        "resources": [*e.basic(), e.assignment(e.rg(e.SUB_A), e.OWNER, ALICE)],
        "errors": [
            {
                "scope": e.MG,
                "operation": "list Microsoft.Authorization/roleAssignments",
                "status": "403",
                "message": "AuthorizationFailed",
                "resource_type": "Microsoft.Authorization/roleAssignments",
            }
        ],
    }
    path = tmp_path / "envelope.json"
    path.write_text(json.dumps(envelope), encoding="utf-8")
    doc = to_dict(build_report(SnapshotIndex(load([str(path)]))))
    assert [c["kind"] for c in doc["coverage"]] == ["unreadable-scope"]
    assert doc["coverage"][0]["scope"] == e.MG


def test_registry_authorization_mode_decides_which_roles_pull(tmp_path: Path) -> None:
    acr_pull = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
    repo_reader = "b93aa761-3e63-49ed-ac28-beffa264f7ac"
    resources = [*e.basic(e.SUB_A, "mlw-a", "stmla"), *e.basic(e.SUB_B, "mlw-b", "stmlb")]
    resources[7]["properties"]["roleAssignmentMode"] = (
        "AbacRepositoryPermissions"  # mlw-b's registry
    )
    for ws_resources in (resources[3], resources[7]):
        resources += [
            e.assignment(ws_resources["id"], acr_pull, ALICE),
            e.assignment(ws_resources["id"], repo_reader, BOB),
            e.assignment(ws_resources["id"], e.READER, SP, "ServicePrincipal"),
        ]
    doc = analyse(tmp_path, resources)
    assert set(holders(doc, "image-pull", "mlw-a")) == {ALICE, SP}  # RBAC mode: */read pulls too
    assert set(holders(doc, "image-pull", "mlw-b")) == {BOB}  # ABAC mode: repository data actions


def test_dependency_outside_the_snapshot_makes_grants_possible_and_is_a_gap(tmp_path: Path) -> None:
    resources = [r for r in e.basic() if r["type"] != "Microsoft.Storage/storageAccounts"]
    resources.append(e.assignment(f"/subscriptions/{e.SUB_A}", e.CONTRIBUTOR, ALICE))
    doc = analyse(tmp_path, resources)
    keys = [g for g in grants(doc, "data-read") if g["operation"].endswith("listkeys/action")]
    assert [g["grade"] for g in keys] == ["possible"]
    assert [c["kind"] for c in doc["coverage"]] == ["missing-dependency"]
    assert doc["workspaces"][0]["missing_dependencies"] == [e.basic()[1]["id"]]


def test_deny_excluding_a_group_leaves_the_grant_with_a_membership_caveat(tmp_path: Path) -> None:
    resources = [
        *e.basic(),
        e.assignment(f"/subscriptions/{e.SUB_A}", e.CONTRIBUTOR, ALICE),
        e.deny(
            e.rg(e.SUB_A),
            "stack deny",
            ["*"],
            ["*/read"],
            [("00000000-0000-0000-0000-000000000000", "SystemDefined")],
            [(GROUP, "Group")],
        ),
    ]
    doc = analyse(tmp_path, resources)
    alice = next(g for g in grants(doc, "compute-change") if g["principal_id"] == ALICE)
    assert any("'stack deny' involves a group" in fact for fact in alice["facts"])
    assert doc["workspaces"][0]["denied"] == []


def test_management_group_ancestry_and_root_scope(tmp_path: Path) -> None:
    """With `managementGroupAncestorsChain` recorded (Resource Graph resourcecontainers), an MG
    assignment reaches only subscriptions under it; a root `/` assignment reaches all."""

    def subscription(sub: str, group: str) -> dict[str, Any]:
        return {
            "id": f"/subscriptions/{sub}",
            "type": "Microsoft.Resources/subscriptions",
            "name": sub,
            "properties": {
                "managementGroupAncestorsChain": [{"name": group}, {"name": "tenant-root"}]
            },
        }

    uaa = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
    resources = [
        *e.basic(e.SUB_A, "mlw-a", "stmla"),
        *e.basic(e.SUB_B, "mlw-b", "stmlb"),
        subscription(e.SUB_A, "mg-ml"),
        subscription(e.SUB_B, "mg-other"),
        e.assignment(e.MG, e.OWNER, ALICE),
        e.assignment("/", uaa, BOB),
    ]
    doc = analyse(tmp_path, resources)
    assert ALICE in holders(doc, "data-read", "mlw-a")
    assert ALICE not in holders(doc, "data-read", "mlw-b")
    assert BOB in holders(doc, "role-assign", "mlw-a") and BOB in holders(
        doc, "role-assign", "mlw-b"
    )
