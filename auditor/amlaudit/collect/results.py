"""What the collector passes around: a task (one request), its outcome, and the collection,
plus the functions that turn gaps into `errors` entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid
from amlaudit.collect.arm import ArmFailure
from amlaudit.collect.recipes import Recipe
from amlaudit.model import ScanError

# A subscription GET failing with these means the whole subscription is out of reach.
UNREACHABLE = frozenset({"401", "403", "404"})


@dataclass(frozen=True)
class Task:
    path: str
    recipe: Recipe
    scope: str  # what an error covers
    depth: int
    query: str = ""
    single: bool = False  # GET one resource instead of a list
    listing: tuple[str, str] | None = None  # (type, scope) of a listed recipe
    store: bool = True
    url: str | None = None  # a later page: the nextLink to read
    legacy: bool = False  # listed at the recipe's legacy_version (the recipe carries it)

    @property
    def operation(self) -> str:
        verb = "get" if self.single else "list"
        detail = self.query or (f"api-version {self.recipe.api_version}" if self.legacy else "")
        return f"{verb} {self.recipe.type}" + (f" ({detail})" if detail else "")


@dataclass(frozen=True)
class Outcome:
    items: list[dict[str, Any]]
    failure: ArmFailure | None = None
    next_link: str | None = None


@dataclass
class Collection:
    resources: list[dict[str, Any]]
    errors: list[ScanError]
    subscriptions: list[str]
    requests: int = 0
    depth: int = 0
    elapsed: float = 0.0
    timed_out: bool = False
    unreachable: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    # Types whose every listing succeeded (envelope `source.collected_types`).
    collected_types: list[str] = field(default_factory=list)


def collected_types(planned: list[str], errors: list[ScanError]) -> list[str]:
    """The planned types no collection error names: each listing of them succeeded. An error
    without a type (an unreadable subscription) leaves the types collected elsewhere; it is an
    `errors` entry of its own, which rules look up by scope."""
    failed = {e.resource_type.lower() for e in errors if e.resource_type}
    return sorted({t for t in planned if t.lower() not in failed}, key=str.lower)


def timeout_error(task: Task) -> ScanError:
    return ScanError(
        task.scope,
        task.operation,
        "timeout",
        "not collected: the overall --timeout was reached first",
        task.recipe.type,
    )


def missing_recipe_errors(types: tuple[str, ...], subscriptions: list[str]) -> list[ScanError]:
    """A declared type nobody can collect: its rules report error, never a silent pass."""
    return [
        ScanError(
            armid.subscription_scope(sub),
            f"plan {missing}",
            "no-recipe",
            f"amlaudit does not know how to collect {missing}; rules that read it cannot be judged",
            resource_type=missing,
        )
        for missing in types
        for sub in subscriptions
    ]


def collapse_unreachable(
    errors: list[ScanError], failures: dict[str, ScanError]
) -> list[ScanError]:
    """One error per unreadable subscription instead of one per request under it."""
    if not failures:
        return errors
    kept = [e for e in errors if not any(armid.is_within(e.scope, sub) for sub in failures)]
    return kept + list(failures.values())
