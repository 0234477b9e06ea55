"""The dependency scope: which resources are ML dependencies, and how the scan applies it.

Fixtures in fixtures/scope/ (their README says which published shapes they follow).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from amlaudit.depscope import DependencyScope, ScopeMode, Usage, is_project
from amlaudit.index import SnapshotIndex
from amlaudit.model import Status
from amlaudit.registry import find_packs, find_rule, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES, run_cli, write_json

HUB_FIXTURE = FIXTURES / "scope" / "hub-lean-project.json"
USES_FIXTURE = FIXTURES / "scope" / "workspace-uses.json"
RULES = load_rules(find_packs(use_entry_points=False))
SUB_A = "00000000-1111-2222-3333-444444444444"
SUB_B = "99999999-8888-7777-6666-555555555555"
HUB_RG = f"/subscriptions/{SUB_A}/resourceGroups/rg-hub/providers"
ML_RG = f"/subscriptions/{SUB_A}/resourceGroups/rg-ml/providers"
DATA_RG = f"/subscriptions/{SUB_A}/resourceGroups/rg-data/providers"


def _index(path: Path) -> SnapshotIndex:
    return SnapshotIndex(load([str(path)]))


def _scope(path: Path) -> DependencyScope:
    return _index(path).dependency_scope


def _names(resources: list[Any]) -> list[str]:
    return [r.name for r in resources]


def _scan(path: Path, rule_ids: list[str], mode: ScopeMode) -> Any:
    specs = [find_rule(RULES, rule_id) for rule_id in rule_ids]
    return scan_snapshot(load([str(path)]), specs, dependency_scope=mode)


# -- hubs and projects ---------------------------------------------------------------------------


def test_a_lean_workspace_naming_a_hub_is_a_project() -> None:
    index = _index(HUB_FIXTURE)
    project = index.get(f"{HUB_RG}/Microsoft.MachineLearningServices/workspaces/proj-vision")
    hub = index.get(f"{HUB_RG}/Microsoft.MachineLearningServices/workspaces/hub-research")
    assert project is not None and hub is not None
    assert project.raw["kind"] == "Lean"
    assert is_project(project)
    assert not is_project(hub)


def test_hub_arrays_are_dependencies_and_projects_inherit_them() -> None:
    scope = _scope(HUB_FIXTURE)
    hub_storage = f"{HUB_RG}/Microsoft.Storage/storageAccounts/sthubshared01"
    hub_vault = f"{HUB_RG}/Microsoft.KeyVault/vaults/kv-hub-shared"
    assert _names(scope.dependents(hub_storage)) == ["hub-research", "proj-vision"]
    assert _names(scope.dependents(hub_vault)) == ["hub-research", "proj-vision"]
    uses = {(u.workspace_id.rsplit("/", 1)[-1], u.usage, u.via) for u in scope.uses_of(hub_storage)}
    hub_id = f"{HUB_RG}/Microsoft.MachineLearningServices/workspaces/hub-research"
    assert uses == {("hub-research", Usage.STORAGE, None), ("proj-vision", Usage.STORAGE, hub_id)}
    project_deps = {
        (d.resource_id.rsplit("/", 1)[-1], d.usage, d.via)
        for d in scope.dependencies_of(
            f"{HUB_RG}/Microsoft.MachineLearningServices/workspaces/PROJ-VISION"
        )
    }
    assert project_deps == {
        ("stproject01", Usage.STORAGE, None),
        ("kv-project01", Usage.KEY_VAULT, None),
        ("hub-research", Usage.HUB, None),
        ("sthubshared01", Usage.STORAGE, hub_id),
        ("kv-hub-shared", Usage.KEY_VAULT, hub_id),
    }
    # Without inherited uses only the hub names the storage.
    assert _names(scope.dependents(hub_storage, inherited=False)) == ["hub-research"]
    # The hub's referrers (its projects) agree with the index.
    assert _names(_index(HUB_FIXTURE).referrers(hub_id)) == ["proj-vision"]


def test_unused_resources_and_non_ml_subscriptions_are_out_of_scope() -> None:
    index = _index(HUB_FIXTURE)
    scope = index.dependency_scope
    in_scope = {r.name for r in index.by_key.values() if scope.in_scope(r)}
    assert {"sthubshared01", "kv-hub-shared", "stproject01", "kv-project01"} <= in_scope
    assert not {"stfunctions01", "kv-webapp01", "stwebassets01", "kv-web-secrets"} & in_scope
    assert scope.ml_subscriptions == frozenset({SUB_A})
    assert SUB_A in in_scope and SUB_B not in in_scope


# -- uses through workspace children and App Insights --------------------------------------------


def test_datastores_connections_attached_aks_and_log_analytics_are_dependencies() -> None:
    index = _index(USES_FIXTURE)
    scope = index.dependency_scope
    workspace = f"{ML_RG}/Microsoft.MachineLearningServices/workspaces/mlw-prod"
    found = {
        (d.resource_id.lower(), d.usage, (d.detail or "").rsplit("/", 1)[-1])
        for d in scope.dependencies_of(workspace)
    }
    expected = {
        (f"{DATA_RG}/Microsoft.Storage/storageAccounts/stcurated01", Usage.DATASTORE, "curated"),
        (f"{DATA_RG}/Microsoft.Storage/storageAccounts/stlanding01", Usage.CONNECTION, "landing"),
        (f"{DATA_RG}/Microsoft.KeyVault/vaults/kv-shared-data", Usage.CONNECTION, "secrets"),
        (f"{ML_RG}/Microsoft.CognitiveServices/accounts/aoai-prod", Usage.CONNECTION, "aoai"),
        (
            f"{ML_RG}/Microsoft.ContainerService/managedClusters/aks-inference",
            Usage.ATTACHED_AKS,
            "aks-inference",
        ),
        (
            f"{ML_RG}/Microsoft.OperationalInsights/workspaces/log-ml-prod",
            Usage.LOG_ANALYTICS,
            "appi-mlw-prod",
        ),
    }
    assert {(rid.lower(), usage, detail) for rid, usage, detail in expected} <= found
    judged = {(r.type_key, r.id.lower()) for r in index.by_key.values() if scope.in_scope(r)}
    decoys = [
        f"{ML_RG}/Microsoft.Storage/storageAccounts/stcurated01",  # datastore names rg-data
        f"{ML_RG}/Microsoft.ContainerService/managedClusters/aks-web",
        f"{ML_RG}/Microsoft.OperationalInsights/workspaces/log-web",
    ]
    assert not {d.lower() for d in decoys} & {rid for _, rid in judged}


# -- applied by the scan -------------------------------------------------------------------------


def test_used_scope_judges_only_dependencies_and_counts_the_rest() -> None:
    """0.1.0 judged every vault (AML065 failed kv-webapp01 and kv-web-secrets, used by no
    workspace) and every subscription (AML183 failed the subscription holding no ML)."""
    result = _scan(HUB_FIXTURE, ["AML065", "AML083", "AML183"], ScopeMode.USED)
    judged = {(f.rule_id, f.resource_name) for f in result.findings}
    assert ("AML065", "kv-hub-shared") in judged and ("AML065", "kv-project01") in judged
    assert not {n for _, n in judged} & {"kv-webapp01", "kv-web-secrets", "stwebassets01"}
    assert not {n for _, n in judged} & {"stfunctions01", SUB_B}
    failing = {(f.rule_id, f.resource_name) for f in result.findings if f.status is Status.FAIL}
    assert ("AML065", "kv-hub-shared") in failing  # purge protection not set
    assert result.out_of_scope == {
        "Microsoft.KeyVault/vaults": 2,
        "Microsoft.Resources/subscriptions": 1,
        "Microsoft.Storage/storageAccounts": 2,
    }
    assert result.summary()["out_of_scope"] == result.out_of_scope


def test_all_scope_judges_everything_in_the_input() -> None:
    result = _scan(HUB_FIXTURE, ["AML065", "AML083", "AML183"], ScopeMode.ALL)
    judged = {(f.rule_id, f.resource_name) for f in result.findings}
    assert {("AML065", "kv-webapp01"), ("AML065", "kv-web-secrets")} <= judged
    assert ("AML083", "stfunctions01") in judged
    assert ("AML183", SUB_B) in judged
    assert result.out_of_scope == {}


def test_findings_on_a_hub_dependency_name_the_hub_and_its_projects() -> None:
    result = _scan(HUB_FIXTURE, ["AML065"], ScopeMode.USED)
    finding = next(f for f in result.findings if f.resource_name == "kv-hub-shared")
    assert [w.rsplit("/", 1)[-1] for w in finding.workspaces] == ["hub-research", "proj-vision"]


def test_private_hub_with_public_storage_in_its_storage_accounts_list_fails() -> None:
    """AML210 on the 2023-04-01-preview hub shape: 0.1.0 read only `storageAccount` (null)
    and skipped the hub's public storage."""
    result = _scan(HUB_FIXTURE, ["AML210"], ScopeMode.USED)
    verdicts = {f.resource_name: f.status for f in result.findings}
    assert verdicts["sthubshared01"] is Status.FAIL


def test_a_lean_project_is_judged_by_its_hub() -> None:
    """AML001 on the Lean project (own publicNetworkAccess Enabled, hub Disabled): 0.1.0 did
    not see a project in `kind: Lean` and failed it on its own, unused, value."""
    result = _scan(HUB_FIXTURE, ["AML001"], ScopeMode.USED)
    project = next(f for f in result.findings if f.resource_name == "proj-vision")
    assert project.status is Status.PASS, project.message
    assert "hub-research" in project.message


# -- the option ----------------------------------------------------------------------------------


def _report(tmp_path: Path, *extra: str, cwd: Path | None = None) -> dict[str, Any]:
    out = tmp_path / "report.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(HUB_FIXTURE),
        "--select",
        "AML065",
        "-o",
        f"json:{out}",
        "--fail-on",
        "never",
        *extra,
        cwd=cwd,
    )
    assert run.code == 0, run.stderr
    report: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return report


def test_cli_option_and_config_key(tmp_path: Path) -> None:
    default = _report(tmp_path)
    assert default["summary"]["out_of_scope"] == {"Microsoft.KeyVault/vaults": 2}
    everything = _report(tmp_path, "--dependency-scope", "all")
    assert everything["summary"]["out_of_scope"] == {}
    assert len(everything["findings"]) == len(default["findings"]) + 2
    (tmp_path / "amlaudit.toml").write_text('dependency-scope = "all"\n', encoding="utf-8")
    configured = _report(tmp_path, cwd=tmp_path)
    assert configured["summary"]["out_of_scope"] == {}
    overridden = _report(tmp_path, "--dependency-scope", "used", cwd=tmp_path)
    assert overridden["summary"]["out_of_scope"] == {"Microsoft.KeyVault/vaults": 2}


def test_bad_config_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "amlaudit.toml").write_text('dependency-scope = "some"\n', encoding="utf-8")
    snapshot = write_json(tmp_path / "s.json", [])
    run = run_cli("scan", "--snapshot", str(snapshot), cwd=tmp_path)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "dependency-scope must be one of used, all" in lines[0]


def test_cli_choices_match_the_scope_modes() -> None:
    from amlaudit.commands.common import SCOPE_CHOICES

    assert set(SCOPE_CHOICES) == {mode.value for mode in ScopeMode}
