"""What to collect for each resource type, with pinned api-versions; the plan follows the rules.

Every rule declares the types it judges and reads (`RuleSpec.all_types`). :func:`plan_for`
maps each type to a :class:`Recipe` saying how ARM hands it out: listed in a subscription or
resource group, listed under a parent (workspace children), as an extension resource at a
scope (diagnostic settings, assessments), or fetched by the ID another resource references
(the workspace's vault, the Log Analytics workspace a diagnostic setting writes to). A type a
rule declares without a recipe is reported, so a new rule can never silently lack data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from amlaudit.collect.catalog import CATALOG, RECIPES
from amlaudit.collect.recipes import SUBSCRIPTION, WORKSPACE, Recipe


def recipe_for(resource_type: str) -> Recipe | None:
    """The catalog recipe; a child of a known type is listed under its parent at the parent's
    api-version (ARM serves a provider's child types at the same versions)."""
    key = resource_type.lower()
    if key in RECIPES:
        return RECIPES[key]
    parent = key.rsplit("/", 1)[0]
    if key.count("/") >= 2 and parent in RECIPES:
        return Recipe(resource_type, RECIPES[parent].api_version, child_of=RECIPES[parent].type)
    return None


@dataclass(frozen=True)
class Plan:
    recipes: dict[str, Recipe]
    missing: tuple[str, ...]  # declared types that no recipe collects

    def wants(self, resource_type: str) -> bool:
        return resource_type.lower() in self.recipes

    @property
    def api_versions(self) -> dict[str, str]:
        return {r.type: r.api_version for r in sorted(self.recipes.values(), key=lambda r: r.key)}


def plan_for(types: Iterable[str]) -> Plan:
    """The recipes for `types` and everything needed to find them (parents, referrers)."""
    recipes: dict[str, Recipe] = {}
    missing: set[str] = set()
    pending = [t.lower() for t in types] + [WORKSPACE]
    while pending:
        key = pending.pop()
        if key in recipes or key in missing:
            continue
        recipe = recipe_for(key)
        if recipe is None:
            missing.add(key)
            continue
        recipes[key] = recipe
        pending.extend(recipe.prerequisites())
    return Plan(recipes, tuple(sorted(missing)))


def full_plan(types: Iterable[str] = ()) -> Plan:
    """Every catalog type plus `types` (what `export` collects: any rule may read it later).

    The subscription resource itself is stored only when a rule reads it."""
    return plan_for([*(r.key for r in CATALOG if r.key != SUBSCRIPTION), *types])
