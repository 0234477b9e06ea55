"""The estate's own managed identities and the role assignments documented for them (item 6).

Shapes: the workspace identity block follows azure-rest-api-specs Machine Learning 2025-12-01
`Workspace/get.json` (`identity.type` `SystemAssigned,UserAssigned`, `userAssignedIdentities`
keyed by resource ID with `principalId`/`clientId`) and the SDK recording
`test_workspace.pyTestWorkspacetest_uai_workspace_create_update_and_delete.json`; role
assignments follow authorization `stable/2022-04-01/examples/RoleAssignments_Get.json`; the
compute and endpoint identities `Compute/get/ComputeInstance.json` and
`Workspace/OnlineEndpoint/get.json`. The AML164 fixtures are
fixtures/rules/AML164/{pass-own-user-assigned-identity,fail-system-identity-not-documented}.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from amlaudit.index import SnapshotIndex
from amlaudit.model import Status
from amlaudit.own_identities import IdentityKind, ScopeKind, documented_assignments
from amlaudit.registry import find_packs, find_rule, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES, write_json

RULES = load_rules(find_packs(use_entry_points=False))
SUB = "/subscriptions/00000000-1111-2222-3333-444444444444"
RG = f"{SUB}/resourceGroups/rg-ml"
WS = f"{RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw-case"
STORAGE = f"{RG}/providers/Microsoft.Storage/storageAccounts/stmlwcase"
REGISTRY = f"{RG}/providers/Microsoft.ContainerRegistry/registries/crmlwcase"
ROLE = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions"
CONTRIBUTOR = f"{ROLE}/b24988ac-6180-42a0-ab88-20f7382dd24c"
AI_ADMIN = f"{ROLE}/b78c5d69-af96-48a3-bf8d-a8b4d589de94"
ACR_PULL = f"{ROLE}/7f951dda-4ed3-4680-a7ca-43fe172d538d"
BLOB_READER = f"{ROLE}/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
SYSTEM = "6d0ee08b-c85c-1fcc-2454-e28cc8cec845"
USER = "0c7a3e5d-2b19-4f4e-9d8a-1e6f5b3c2a71"
COMPUTE = "9a4f6c2e-1d3b-4e5a-8c7f-2b0d9e1a3c54"
ENDPOINT = "4e8b1f0a-6c2d-4a9e-b7f3-5d1c0e2a9b86"


def _estate(tmp_path: Path, created: str | None = "2025-03-04T10:11:12.0000000Z") -> Path:
    workspace: dict[str, Any] = json.loads(
        (FIXTURES / "rules/AML164/pass-own-user-assigned-identity.json").read_text("utf-8")
    )[0]
    if created is not None:
        workspace["systemData"] = {"createdAt": created, "createdByType": "User"}
    compute = {
        "id": f"{WS}/computes/ci-alice",
        "name": "ci-alice",
        "type": "Microsoft.MachineLearningServices/workspaces/computes",
        "identity": {"type": "SystemAssigned", "principalId": COMPUTE},
        "properties": {"computeType": "ComputeInstance", "provisioningState": "Succeeded"},
    }
    endpoint = {
        "id": f"{WS}/onlineEndpoints/score",
        "name": "score",
        "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
        "identity": {"type": "SystemAssigned", "principalId": ENDPOINT},
        "properties": {"authMode": "AADToken", "provisioningState": "Succeeded"},
    }
    return write_json(tmp_path / "estate.json", [workspace, compute, endpoint])


def test_principals_of_workspaces_computes_and_endpoints(tmp_path: Path) -> None:
    identities = SnapshotIndex(load([str(_estate(tmp_path))])).own_identities
    kinds = {
        p: [i.kind for i in identities.of_principal(p.upper())]
        for p in (SYSTEM, USER, COMPUTE, ENDPOINT)
    }
    assert kinds == {
        SYSTEM: [IdentityKind.WORKSPACE_SYSTEM],
        USER: [IdentityKind.WORKSPACE_USER],
        COMPUTE: [IdentityKind.COMPUTE],
        ENDPOINT: [IdentityKind.ENDPOINT],
    }
    (user,) = identities.of_principal(USER)
    assert user.workspace_id == WS and user.identity_id is not None
    assert user.identity_id.endswith("/userAssignedIdentities/id-mlw-case")
    assert identities.of_principal("11111111-1111-1111-1111-111111111111") == []


def test_documented_rows_resolve_to_the_workspace_and_its_dependencies(tmp_path: Path) -> None:
    identities = SnapshotIndex(load([str(_estate(tmp_path))])).own_identities
    assert identities.documented(USER, CONTRIBUTOR, WS) is not None
    assert identities.documented(USER, CONTRIBUTOR, STORAGE) is not None
    assert identities.documented(COMPUTE, ACR_PULL, REGISTRY) is not None
    assert identities.documented(ENDPOINT, BLOB_READER, STORAGE) is not None
    # Beyond the table: still judged.
    assert identities.documented(SYSTEM, CONTRIBUTOR, WS) is None
    assert identities.documented(COMPUTE, CONTRIBUTOR, WS) is None
    assert identities.documented(USER, CONTRIBUTOR, SUB) is None
    assert identities.documented(COMPUTE, ACR_PULL, STORAGE) is None


def test_system_identity_role_on_the_resource_group_depends_on_the_creation_day(
    tmp_path: Path,
) -> None:
    new = SnapshotIndex(load([str(_estate(tmp_path, "2025-03-04T10:11:12Z"))])).own_identities
    assert new.documented(SYSTEM, AI_ADMIN, RG) is not None
    assert new.documented(SYSTEM, CONTRIBUTOR, RG) is None
    old = SnapshotIndex(load([str(_estate(tmp_path, "2024-06-01T08:00:00Z"))])).own_identities
    assert old.documented(SYSTEM, CONTRIBUTOR, RG) is not None
    assert old.documented(SYSTEM, AI_ADMIN, RG) is None
    unknown = SnapshotIndex(load([str(_estate(tmp_path, None))])).own_identities
    assert unknown.documented(SYSTEM, CONTRIBUTOR, RG) is not None
    assert unknown.documented(SYSTEM, AI_ADMIN, RG) is not None


def test_every_row_cites_a_microsoft_learn_machine_learning_document() -> None:
    rows = documented_assignments()
    assert len(rows) >= 10
    for row in rows:
        assert row.document.startswith("https://learn.microsoft.com/azure/machine-learning/")
        assert len(row.role_id) == 36 and row.why
    user_rows = {(r.role, r.scope) for r in rows if r.identity is IdentityKind.WORKSPACE_USER}
    assert ("Contributor", ScopeKind.WORKSPACE) in user_rows


def test_aml164_recognises_the_workspace_own_user_assigned_identity() -> None:
    """0.1.0 failed Contributor on mlw-case granted to mlw-case's own user-assigned identity."""
    spec = find_rule(RULES, "AML164")
    own = FIXTURES / "rules/AML164/pass-own-user-assigned-identity.json"
    finding = scan_snapshot(load([str(own)]), [spec]).findings[0]
    assert finding.status is Status.PASS, finding.message
    assert "workspace-user-assigned identity of 'mlw-case'" in finding.message
    system = FIXTURES / "rules/AML164/fail-system-identity-not-documented.json"
    assert scan_snapshot(load([str(system)]), [spec]).findings[0].status is Status.FAIL
