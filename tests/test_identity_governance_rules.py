"""Identity, governance, cost and cross-resource rules (AML160-AML229) on the real estates and
the real CLI: the hardened estate passes them all, the demo fails in every family, options
change verdicts, and the pieces they rest on (management-group inheritance, RBAC wildcard
matching) behave as Azure does."""

from __future__ import annotations

from pathlib import Path

import pytest

from amlaudit.api import Context
from amlaudit.index import SnapshotIndex
from amlaudit.rules.identity.custom_role_wildcards import permission_pattern
from amlaudit.snapshot import load
from conftest import FIXTURES, run_cli, write_json

FAMILIES = {
    "identity": "AML16*,AML17*",
    "governance": "AML18*,AML19*",
    "cost": "AML20*",
    "crossresource": "AML21*",
}
ALL = ",".join(FAMILIES.values())


def scan_json(snapshot: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    run = run_cli("scan", "--snapshot", str(snapshot), "--select", ALL, "-o", "json", *extra)
    assert run.code in (0, 1), run.stderr
    return run.code, run.json()["findings"]


def test_hardened_estate_passes_every_rule_of_these_families() -> None:
    code, findings = scan_json(FIXTURES / "hardened.json", "--fail-on", "info")
    bad = [
        (f["rule_id"], f["resource_name"], f["message"])
        for f in findings
        if f["status"] in ("fail", "error")
    ]
    assert code == 0 and not bad, bad
    judged = {f["rule_id"] for f in findings if f["status"] == "pass"}
    assert {"AML160", "AML161", "AML181", "AML183", "AML189", "AML200", "AML210"} <= judged
    assert {"AML166", "AML167", "AML168", "AML169", "AML170"} <= judged


# The hardened estate's platform groups (Owner / User Access Administrator at the management
# group and subscription, Contributor groups): who can escalate over its workspaces.
HARDENED_ESCALATION_GROUPS = [
    "0269466f-bdc3-92c2-ae28-23f9443c25f7",
    "0b496aba-8ec8-3b87-17a0-7ab791c18338",
    "66f59060-026b-8e12-a8dc-0c504c68bc8c",
    "792f3b77-4ef9-d950-9542-ae6ba97989ef",
    "92cf24d4-e5c4-9ce3-721b-3d3ca39f50e8",
    "ba1dfa59-a376-49f3-58f3-51bc588004b6",
]


def test_escalation_allowlist_options(tmp_path: Path) -> None:
    def aml167(options: str) -> set[str]:
        config = write_config(tmp_path, f"[options]\n{options}\n")
        run = run_cli(
            "scan",
            "--snapshot",
            str(FIXTURES / "hardened.json"),
            "--select",
            "AML167",
            "-o",
            "json",
            "--config",
            str(config),
        )
        return {f["status"] for f in run.json()["findings"]}

    assert aml167("") == {"pass"}  # groups count as allow-listed by default
    assert aml167("escalation_groups_allowed = false") == {"fail"}
    listed = ", ".join(f'"{p}"' for p in HARDENED_ESCALATION_GROUPS)
    both = f"escalation_groups_allowed = false\nescalation_allowlist = [{listed}]"
    assert aml167(both) == {"pass"}


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "amlaudit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_estate_fails_in_every_family() -> None:
    code, findings = scan_json(FIXTURES / "demo.json")
    assert code == 1
    failing = {f["rule_id"] for f in findings if f["status"] == "fail"}
    for family, patterns in FAMILIES.items():
        prefixes = tuple(p.rstrip("*") for p in patterns.split(","))
        assert any(r.startswith(prefixes) for r in failing), f"no failing {family} rule"
    assert not [f for f in findings if f["status"] == "error"]


def test_cross_resource_findings_name_the_affected_private_workspaces() -> None:
    # A bare array proves no diagnostic setting or role assignment absent: other rules error.
    _, findings = scan_json(FIXTURES / "rules" / "AML210" / "fail.json", "--allow-incomplete")
    (storage,) = [f for f in findings if f["rule_id"] == "AML210" and f["status"] == "fail"]
    assert storage["resource_type"] == "Microsoft.Storage/storageAccounts"
    assert [w.rsplit("/", 1)[-1] for w in storage["workspaces"]] == ["mlw-case"]


def test_owner_limit_is_an_option(tmp_path: Path) -> None:
    config = tmp_path / "amlaudit.toml"
    config.write_text("[options]\nmax_subscription_owners = 2\n", encoding="utf-8")
    fixture = FIXTURES / "rules" / "AML160" / "pass.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(fixture),
        "--select",
        "AML160",
        "--config",
        str(config),
        "--allow-empty",
        # The fixture holds a subscription without an ML workspace: judge it anyway.
        "--dependency-scope",
        "all",
        "-o",
        "json",
    )
    (finding,) = run.json()["findings"]
    assert finding["status"] == "fail" and "more than 2" in finding["message"]


def _assignment(scope: str, name: str) -> dict[str, object]:
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {"scope": scope, "principalType": "Group", "principalId": name},
    }


def test_inherited_assignments_follow_the_management_group_ancestry(tmp_path: Path) -> None:
    sub = "/subscriptions/11111111-2222-3333-4444-555555555555"
    resources = [
        _assignment("/providers/Microsoft.Management/managementGroups/mg-ml", "a"),
        _assignment("/providers/Microsoft.Management/managementGroups/mg-finance", "b"),
        _assignment("", "c"),  # tenant root
        _assignment(sub, "d"),
    ]
    bare = SnapshotIndex(load([str(write_json(tmp_path / "bare.json", resources))]))
    names = sorted(r.name for r in Context(bare, {}).inherited(sub[15:], resources[0]["type"]))
    assert names == ["a", "b", "c"]  # no ancestry recorded: everything collected applies

    chain = {"managementGroupAncestorsChain": [{"name": "MG-ML"}, {"name": "tenant-root"}]}
    subscription = {
        "id": sub,
        "name": "ml-prod",
        "type": "Microsoft.Resources/subscriptions",
        "properties": chain,
    }
    path = write_json(tmp_path / "chain.json", [subscription, *resources])
    index = SnapshotIndex(load([str(path)]))
    names = sorted(r.name for r in Context(index, {}).inherited(sub[15:], resources[0]["type"]))
    assert names == ["a", "c"]


@pytest.mark.parametrize(
    ("pattern", "operation", "granted"),
    [
        (
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
            "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
            True,
        ),
        (
            "Microsoft.MachineLearningServices/workspaces/computes/*/write",
            "Microsoft.MachineLearningServices/workspaces/computes/write",
            True,
        ),
        ("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", True),
        ("*/read", "Microsoft.Resources/subscriptions/resourceGroups/read", True),
        (
            "Microsoft.CostManagement/*/query/*",
            "Microsoft.CostManagement/exports/query/action",
            True,
        ),
        ("Microsoft.Storage/*", "Microsoft.StorageSync/storageSyncServices/read", False),
        ("Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaultsX/read", False),
        (
            "Microsoft.MachineLearningServices/workspaces/read",
            "Microsoft.MachineLearningServices/workspaces/readonly",
            False,
        ),
    ],
)
def test_permission_wildcards_match_as_azure_rbac(
    pattern: str, operation: str, granted: bool
) -> None:
    assert bool(permission_pattern(pattern).match(operation)) is granted
