"""The collection plan follows the rules: every declared type has a recipe, prerequisites come
along, and a type nobody can collect turns into error findings instead of silent passes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from amlaudit.collect.catalog import CATALOG, ML_V1
from amlaudit.collect.plan import full_plan, plan_for, recipe_for
from amlaudit.registry import find_packs, load_rules
from fakearm.harness import fixture_resources, main_in_process, serving, subscriptions_of

ML = "Microsoft.MachineLearningServices/workspaces"


def test_every_type_a_builtin_rule_declares_has_a_recipe() -> None:
    rules = load_rules(find_packs(use_entry_points=False))
    declared = {t for spec in rules for t in spec.all_types}
    plan = plan_for(declared)
    assert plan.missing == (), f"add recipes in amlaudit/collect/plan.py for {plan.missing}"
    assert declared <= set(plan.recipes)


def test_catalog_pins_one_api_version_per_type() -> None:
    keys = [recipe.key for recipe in CATALOG]
    assert len(keys) == len(set(keys))
    assert all(recipe.api_version[:4].isdigit() for recipe in CATALOG)
    v1_services = f"{ML}/services"
    assert {r.api_version for r in CATALOG if r.type.startswith(ML) and r.type != v1_services} == {
        "2025-12-01"
    }
    # v1 shapes: only the one api-version that still lists them, pinned on purpose.
    assert recipe_for(v1_services).api_version == ML_V1  # type: ignore[union-attr]
    assert recipe_for(f"{ML}/datastores").legacy_version == ML_V1  # type: ignore[union-attr]


def test_plan_brings_what_is_needed_to_find_a_type() -> None:
    plan = plan_for([f"{ML}/onlineEndpoints/deployments"])
    assert {f"{ML}/onlineendpoints".lower(), ML.lower()} <= set(plan.recipes)
    logs = plan_for(["Microsoft.OperationalInsights/workspaces"])
    assert "microsoft.insights/diagnosticsettings" in logs.recipes  # found through them


def test_children_of_known_types_are_listed_under_their_parent() -> None:
    recipe = recipe_for("Microsoft.Network/networkSecurityGroups/securityRules")
    assert recipe is not None
    assert recipe.child_of == "Microsoft.Network/networkSecurityGroups"
    assert recipe_for("Microsoft.Contoso/widgets") is None


def test_export_plan_covers_the_catalog_but_not_the_subscription_itself() -> None:
    plan = full_plan()
    assert "microsoft.resources/subscriptions" not in plan.recipes
    assert "microsoft.keyvault/vaults/keys" in plan.recipes


RULE = '''
from amlaudit.api import Context, Resource, Verdict, passed, rule


@rule(
    id="ZZZ001",
    name="widgets-present",
    title="Workspaces have widgets",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=["Microsoft.Contoso/widgets"],
)
def widgets(res: Resource, ctx: Context) -> Verdict:
    """## What it checks\\nWidgets."""
    ctx.extensions(res, "Microsoft.Contoso/widgets")
    return passed("widgets found")
'''


def test_a_type_without_recipe_is_an_error_not_a_pass(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "widgets.py").write_text(textwrap.dedent(RULE), encoding="utf-8")
    resources = fixture_resources("hardened.json")
    report = tmp_path / "report.json"
    with serving(resources, tmp_path) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "scan",
            "--rules-path",
            str(pack),
            "--select",
            "ZZZ001",
            "-o",
            f"json:{report}",
            subscriptions=subscriptions_of(resources),
        )
    assert run.code == 3
    document = json.loads(report.read_text(encoding="utf-8"))
    assert {e["status"] for e in document["errors"]} == {"no-recipe"}
    assert {f["status"] for f in document["findings"]} == {"error"}
