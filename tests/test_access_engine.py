"""The permission engine: Azure's wildcard semantics (rbac.md §3.3 test vectors), conditions,
scopes, and the packaged built-in role catalog with the script that generates it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from amlaudit.access.catalog import builtin_catalog
from amlaudit.access.catalog_build import build_catalog, read_items
from amlaudit.access.conditions import assignable_roles, constrains
from amlaudit.access.scopes import prefixes, scope_kind
from amlaudit.access.wildcard import matches
from conftest import FIXTURES, ROOT

ML = "Microsoft.MachineLearningServices/workspaces"
CATALOG = builtin_catalog()


def naive(pattern: str, operation: str) -> bool:
    """The wrong reading: `*` → `.*` only, no zero-segment `/*/`."""
    body = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(body, operation, re.IGNORECASE) is not None


def role_named(name: str):  # type: ignore[no-untyped-def]
    return next(r for r in CATALOG.roles.values() if r.name == name)


# (role, operation, granted with the zero-segment rule) — rbac.md §3.3, for the roles it quotes.
VECTORS = [
    ("AzureML Data Scientist", f"{ML}/computes/write", False),
    ("AzureML Data Scientist", f"{ML}/computes/delete", False),
    ("AzureML Data Scientist", f"{ML}/read", True),
    ("Azure AI Developer", f"{ML}/read", True),
    (
        "Managed Identity Operator",
        "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        True,
    ),
    ("Managed Identity Operator", "Microsoft.ManagedIdentity/userAssignedIdentities/read", True),
    *(
        (name, "Microsoft.KeyVault/vaults/read", True)
        for name in (
            "Key Vault Administrator",
            "Key Vault Crypto Officer",
            "Key Vault Secrets Officer",
            "Key Vault Reader",
            "Key Vault Data Access Administrator",
        )
    ),
]


@pytest.mark.parametrize(("name", "operation", "granted"), VECTORS)
def test_reference_wildcard_vectors(name: str, operation: str, granted: bool) -> None:
    role = role_named(name)
    assert (role.grants(operation, is_data=False) is not None) is granted
    # The plain `.*` reading answers the opposite for every vector: the rule is what matters.
    block = role.blocks[0]
    plain = any(naive(p, operation) for p in block.actions) and not any(
        naive(n, operation) for n in block.not_actions
    )
    assert plain is not granted


@pytest.mark.parametrize(
    ("pattern", "operation", "expected"),
    [
        ("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", True),
        ("Microsoft.Storage/*", "Microsoft.StorageSync/storageSyncServices/read", False),
        ("Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaultsX/read", False),
        (
            "Microsoft.CostManagement/*/query/*",
            "Microsoft.CostManagement/exports/query/action",
            True,
        ),
        ("*/read", "Microsoft.Resources/subscriptions/resourceGroups/read", True),
        ("*/read", "Microsoft.MachineLearningServices/workspaces/metadata/secrets/read", True),
        (
            "Microsoft.Storage/storageAccounts/listKeys/action",
            "Microsoft.Storage/storageAccounts/listkeys/action",
            True,
        ),
        (
            "Microsoft.Storage/storageAccounts/listkeys/action",
            "Microsoft.Storage/storageAccounts/listkeys/actionX",
            False,
        ),
    ],
)
def test_wildcard_unit_cases(pattern: str, operation: str, expected: bool) -> None:
    assert matches(pattern, operation) is expected


def test_actions_never_yield_data_actions() -> None:
    owner = role_named("Owner")
    blob_read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
    assert owner.grants(blob_read, is_data=True) is None
    assert role_named("Storage Blob Data Reader").grants(blob_read, is_data=True) is not None


def test_notactions_stay_in_their_block_and_role() -> None:
    contributor = role_named("Contributor")
    assert contributor.grants("Microsoft.Authorization/roleAssignments/write", False) is None
    assert contributor.grants("Microsoft.Storage/storageAccounts/listkeys/action", False)


def test_condition_in_definition_is_kept_and_scoped_to_its_actions() -> None:
    kvdaa = role_named("Key Vault Data Access Administrator")
    grant = kvdaa.grants("Microsoft.Authorization/roleAssignments/write", False)
    assert grant is not None and grant.condition
    assert constrains(grant.condition, "Microsoft.Authorization/roleAssignments/write")
    assert not constrains(grant.condition, "Microsoft.KeyVault/vaults/read")
    allowed = assignable_roles(grant.condition)
    assert "4633458b-17de-408a-b874-0445c86b69e6" in allowed and len(allowed) == 8


def test_scope_prefixes_respect_segment_boundaries() -> None:
    target = "/subscriptions/s/resourcegroups/rg10/providers/microsoft.storage/storageaccounts/a"
    found = prefixes(target)
    assert "/subscriptions/s/resourcegroups/rg10" in found
    assert "/subscriptions/s/resourcegroups/rg1" not in found
    assert scope_kind("") == "root"
    assert scope_kind("/providers/microsoft.management/managementgroups/mg") == "management-group"


# -- the catalog and its generator -------------------------------------------------------------

SMALL_INPUT = [
    {
        "assignableScopes": ["/"],
        "description": "Test reader",
        "id": "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000002",
        "name": "aaaaaaaa-0000-0000-0000-000000000002",
        "permissions": [
            {
                "actions": ["*/read"],
                "condition": None,
                "conditionVersion": None,
                "dataActions": [],
                "notActions": [],
                "notDataActions": [],
            }
        ],
        "roleName": "Test Reader",
        "roleType": "BuiltInRole",
        "type": "Microsoft.Authorization/roleDefinitions",
        "updatedOn": "2026-01-02T00:00:00.0000000Z",
    },
    {
        "assignableScopes": ["/"],
        "description": "Test writer",
        "id": "/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000001",
        "name": "aaaaaaaa-0000-0000-0000-000000000001",
        "permissions": [
            {
                "actions": ["Microsoft.Storage/*"],
                "condition": None,
                "conditionVersion": None,
                "dataActions": [
                    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"
                ],
                "notActions": ["Microsoft.Storage/*/delete"],
                "notDataActions": [],
            }
        ],
        "roleName": "Test Writer",
        "roleType": "BuiltInRole",
        "type": "Microsoft.Authorization/roleDefinitions",
        "updatedOn": "2026-01-01T00:00:00.0000000Z",
    },
    {
        "assignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"],
        "description": "a tenant's own role",
        "id": "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/bbbbbbbb-0000-0000-0000-000000000001",
        "name": "bbbbbbbb-0000-0000-0000-000000000001",
        "permissions": [
            {"actions": ["*"], "dataActions": [], "notActions": [], "notDataActions": []}
        ],
        "roleName": "Custom",
        "roleType": "CustomRole",
        "type": "Microsoft.Authorization/roleDefinitions",
    },
]


def test_catalog_script_on_a_small_input(tmp_path: Path) -> None:
    source = tmp_path / "roles.json"
    source.write_text(json.dumps(SMALL_INPUT), encoding="utf-8")
    out = tmp_path / "catalog.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "amlaudit.access.catalog_build",
            str(source),
            "--source",
            "az role definition list, test tenant",
            "--date",
            "2026-01-03",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    catalog = json.loads(out.read_text(encoding="utf-8"))
    assert catalog["source"] == "az role definition list, test tenant"
    assert catalog["date"] == "2026-01-03"
    # Built-ins only (the custom role belongs in its tenant's snapshot), sorted by GUID.
    assert [r["roleName"] for r in catalog["roles"]] == ["Test Writer", "Test Reader"]
    writer = catalog["roles"][0]["permissions"][0]
    assert writer["notActions"] == ["Microsoft.Storage/*/delete"]
    assert writer["dataActions"] == [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"
    ]


def test_catalog_script_reads_an_arm_list_and_rejects_other_json(tmp_path: Path) -> None:
    arm = {
        "value": [
            {
                "id": SMALL_INPUT[0]["id"],
                "name": SMALL_INPUT[0]["name"],
                "type": "Microsoft.Authorization/roleDefinitions",
                "properties": {
                    "roleName": "Test Reader",
                    "type": "BuiltInRole",
                    "permissions": SMALL_INPUT[0]["permissions"],
                },
            }
        ]
    }
    path = tmp_path / "arm.json"
    path.write_text(json.dumps(arm), encoding="utf-8")
    assert [r["roleName"] for r in build_catalog(read_items(path), "s", "d")["roles"]] == [
        "Test Reader"
    ]
    bad = tmp_path / "bad.json"
    bad.write_text('{"roles": 1}', encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "amlaudit.access.catalog_build",
            str(bad),
            "--source",
            "s",
            "--date",
            "d",
            "-o",
            str(tmp_path / "x.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_packaged_catalog_is_generated_from_the_reference_definitions() -> None:
    """Drift check: the packaged file is exactly what the script makes of its recorded input."""
    packaged = json.loads(
        (ROOT / "auditor/amlaudit/data/builtin_roles.json").read_text(encoding="utf-8")
    )
    rebuilt = build_catalog(
        read_items(FIXTURES / "roles" / "rbac-md-builtin-roles.json"),
        packaged["source"],
        packaged["date"],
    )
    assert rebuilt == packaged
    assert packaged["date"] == "2026-08-22" and "db0b225" in packaged["source"]
    assert len(packaged["roles"]) == 45
