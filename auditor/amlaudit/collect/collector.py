"""Collect an estate through ARM with bounded concurrency; every failure becomes data.

The main thread owns all state; a thread pool (one shared azure-core pipeline) runs requests.
Each finished request may schedule follow-ups from the plan: children of what it listed,
extension resources at it, and resources it references. A reference to a type that is also
listed waits until that list is done, so a resource is never fetched twice. Requests that
fail, and requests still queued when `--timeout` strikes, are recorded as `errors` entries.
"""

from __future__ import annotations

import queue
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from amlaudit import armid
from amlaudit.collect.arm import ArmClient, ArmFailure, NotRegistered
from amlaudit.collect.catalog import SUBSCRIPTION_API_VERSION
from amlaudit.collect.plan import Plan
from amlaudit.collect.progress import Progress
from amlaudit.collect.recipes import SUBSCRIPTION, WORKSPACE, Recipe, Reference, id_type
from amlaudit.collect.results import (
    UNREACHABLE,
    Collection,
    Outcome,
    Task,
    collapse_unreachable,
    collected_types,
    missing_recipe_errors,
    timeout_error,
)
from amlaudit.model import ScanError
from amlaudit.snapshot import SUBSCRIPTION_TYPE


class Collector:
    def __init__(
        self,
        client: ArmClient,
        plan: Plan,
        concurrency: int = 16,
        deadline: float | None = None,
        progress: Progress | None = None,
        max_resources: int | None = None,
    ) -> None:
        self.client = client
        self.max_resources = max_resources
        self.plan = plan
        self.concurrency = max(1, concurrency)
        self.deadline = deadline
        self.progress = progress or Progress(enabled=False)
        self.resources: dict[str, dict[str, Any]] = {}
        self.errors: list[ScanError] = []
        self.not_found: list[str] = []
        self._requested: set[str] = set()
        self._pending_lists: dict[tuple[str, str], int] = defaultdict(int)
        self._parked: dict[tuple[str, str], list[tuple[str, Recipe, int]]] = defaultdict(list)
        self._running: dict[Future[Outcome], Task] = {}
        self._finished: queue.SimpleQueue[Future[Outcome]] = queue.SimpleQueue()
        self._pool: ThreadPoolExecutor | None = None
        self._done = 0
        self._depth = 0
        self._timed_out = False
        self._over_limit = False
        self._sub_failures: dict[str, ScanError] = {}
        self._narrowed: set[str] = set()
        self._legacy_items: set[str] = set()  # IDs stored from a legacy_version listing
        recipes = list(plan.recipes.values())
        self._children = _group(recipes, lambda r: [r.child_of.lower()] if r.child_of else [])
        self._extensions = _group(recipes, lambda r: [t.lower() for t in r.extension_on])
        self._group_recipes = sorted(
            (r for r in recipes if r.on_workspace_groups), key=lambda r: r.key
        )
        self._groups_seen: set[str] = set()
        self._references: dict[str, list[tuple[Recipe, Reference]]] = defaultdict(list)
        for recipe in recipes:
            for ref in recipe.referenced_by:
                self._references[ref.source].append((recipe, ref))

    # -- entry point ---------------------------------------------------------------------------

    def run(
        self,
        subscriptions: list[str],
        resource_groups: tuple[str, ...] = (),
        verified: set[str] | None = None,
    ) -> Collection:
        started = time.monotonic()
        self._narrowed = {g.lower() for g in resource_groups}
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="amlaudit-arm") as pool:
            self._pool = pool
            for sub in subscriptions:
                self._seed(sub, resource_groups, sub in (verified or set()))
            while self._running:
                timeout = None if self.deadline is None else self.deadline - time.monotonic()
                if timeout is not None and timeout <= 0:
                    self._expire()
                    break
                try:  # completions arrive through a queue: O(1) each, however many wait
                    future = self._finished.get(timeout=timeout)
                except queue.Empty:
                    continue
                task = self._running.pop(future)
                self._handle(task, future.result())
            pool.shutdown(wait=True, cancel_futures=True)
        self.progress.finish()
        self._expire_parked()
        self.errors = collapse_unreachable(self.errors, self._sub_failures)
        self.errors += missing_recipe_errors(self.plan.missing, subscriptions)
        return Collection(
            resources=[self.resources[k] for k in sorted(self.resources)],
            errors=sorted(set(self.errors), key=ScanError.sort_key),
            subscriptions=sorted(subscriptions),
            requests=self._done,
            depth=self._depth,
            elapsed=time.monotonic() - started,
            timed_out=self._timed_out,
            unreachable=sorted(self._sub_failures),
            not_found=sorted(self.not_found, key=str.lower),
            collected_types=collected_types(
                [r.type for r in self.plan.recipes.values()], self.errors
            ),
        )

    # -- scheduling ----------------------------------------------------------------------------

    def _seed(self, sub: str, groups: tuple[str, ...], verified: bool) -> None:
        sub_scope = armid.subscription_scope(sub)
        subscription = self.plan.recipes.get(SUBSCRIPTION)
        wanted = subscription is not None
        if wanted or not verified:
            recipe = subscription or Recipe(SUBSCRIPTION_TYPE, SUBSCRIPTION_API_VERSION)
            self._submit(Task(sub_scope, recipe, sub_scope, 1, single=True, store=wanted))
        for recipe in sorted(self.plan.recipes.values(), key=lambda r: r.key):
            if recipe.listed:
                scopes = (
                    [sub_scope]
                    if recipe.subscription_level or not groups
                    else [f"{sub_scope}/resourceGroups/{g}" for g in groups]
                )
                for scope in scopes:
                    listing = (recipe.key, armid.key(scope))
                    for query in recipe.queries:
                        self._pending_lists[listing] += 1
                        path = f"{scope}/providers/{recipe.type}"
                        self._submit(Task(path, recipe, scope, 1, query, listing=listing))
            if recipe.on_subscription:
                path = f"{sub_scope}/providers/{recipe.type}"
                self._submit(Task(path, recipe, sub_scope, 1))

    def _submit(self, task: Task) -> None:
        assert self._pool is not None
        if self._timed_out:
            self._record_timeout(task)
            return
        self._depth = max(self._depth, task.depth)
        future = self._pool.submit(self._fetch, task)
        self._running[future] = task
        future.add_done_callback(self._finished.put)

    def _fetch(self, task: Task) -> Outcome:
        """Runs on a worker thread: touches no collector state. One request per task, so a
        list's later pages and its items' follow-ups run side by side."""
        try:
            if task.single:
                return Outcome([self.client.get(task.path, task.recipe.api_version, self.deadline)])
            url = task.url or self.client.url(task.path, task.recipe.api_version, task.query)
            items, next_link = self.client.page(url, self.deadline)
            if next_link is not None and next_link == task.url:
                return Outcome(items, ArmFailure("invalid-response", "nextLink points to itself"))
            return Outcome(items, None, next_link)
        except NotRegistered:
            return Outcome([])
        except ArmFailure as failure:
            return Outcome([], failure)

    # -- results -------------------------------------------------------------------------------

    def _handle(self, task: Task, outcome: Outcome) -> None:
        self._done += 1
        failure = outcome.failure
        if task.store:
            for item in outcome.items:
                self._add(item, task)
        if outcome.next_link is not None:
            if task.listing is not None:
                self._pending_lists[task.listing] += 1
            self._submit(replace(task, url=outcome.next_link, depth=task.depth + 1))
        dangling = task.single and task.recipe.key != SUBSCRIPTION
        if failure is not None and task.recipe.singleton and failure.status == "404":
            pass  # the parent has no such child (a workspace without a managed network)
        elif failure is not None and dangling and failure.status == "404":
            # A reference to a resource ARM says does not exist: a fact about the estate (the
            # reference dangles), not a gap in collection. Rules see it as outside the snapshot.
            self.not_found.append(task.path)
        elif failure is not None:
            error = ScanError(
                task.scope, task.operation, failure.status, failure.message, task.recipe.type
            )
            if task.recipe.key == SUBSCRIPTION and failure.status in UNREACHABLE:
                self._sub_failures[armid.key(task.scope)] = ScanError(
                    task.scope, "read subscription", failure.status, failure.message
                )
            self.errors.append(error)
        if task.listing is not None:
            self._pending_lists[task.listing] -= 1
            if self._pending_lists[task.listing] <= 0:
                for resource_id, recipe, depth in self._parked.pop(task.listing, []):
                    self._fetch_reference(resource_id, recipe, max(depth, task.depth) + 1)
        self.progress.update(self._done, len(self._running), len(self.resources), len(self.errors))

    def _add(self, item: dict[str, Any], task: Task) -> None:
        resource_id = item.get("id")
        if not isinstance(resource_id, str) or not resource_id.startswith("/"):
            self.errors.append(
                ScanError(
                    task.scope,
                    task.operation,
                    "invalid-response",
                    "an item has no ARM ID",
                    task.recipe.type,
                )
            )
            return
        depth = armid.too_deep(resource_id)
        if depth is not None:  # a hostile or broken server: bounded work per ID, as offline
            self.errors.append(
                ScanError(
                    task.scope,
                    task.operation,
                    "invalid-response",
                    f"an item's ARM ID has {depth:,} segments (at most {armid.MAX_SEGMENTS})",
                    task.recipe.type,
                )
            )
            return
        if not task.recipe.keeps(item):
            return
        key = armid.key(resource_id)
        if key in self.resources:
            if key in self._legacy_items and not task.legacy:
                self._legacy_items.discard(key)  # the current api-version's shape wins
                self.resources[key] = item
            return
        if self.max_resources is not None and len(self.resources) >= self.max_resources:
            if not self._over_limit:  # one entry: what was not collected is unknown
                self._over_limit = True
                self.errors.append(
                    ScanError(
                        task.scope,
                        task.operation,
                        "too-many-resources",
                        f"over --max-resources ({self.max_resources:,}); resources beyond it "
                        "were not collected",
                    )
                )
            return
        self.resources[key] = item
        if task.legacy:
            self._legacy_items.add(key)
        type_key = str(item.get("type") or task.recipe.type).lower()
        depth = task.depth + 1
        for recipe in self._children.get(type_key, []):
            path = f"{resource_id}/{recipe.segment}"
            self._submit(Task(path, recipe, resource_id, depth, single=recipe.singleton))
            if recipe.legacy_version:
                older = replace(recipe, api_version=recipe.legacy_version, legacy_version=None)
                self._submit(Task(path, older, resource_id, depth, legacy=True))
        for recipe in self._extensions.get(type_key, []):
            path = f"{resource_id}/providers/{recipe.type}"
            self._submit(Task(path, recipe, resource_id, depth))
        if type_key == WORKSPACE:
            self._at_workspace_group(resource_id, depth)
        for recipe, ref in self._references.get(type_key, []):
            for target in ref.extract(item):
                if id_type(target) == recipe.key:
                    self._reference(target, recipe, depth)

    def _at_workspace_group(self, workspace_id: str, depth: int) -> None:
        """Extension resources kept per resource group (budgets), once per group."""
        sub, group = armid.subscription_id(workspace_id), armid.resource_group(workspace_id)
        scope = f"/subscriptions/{sub}/resourceGroups/{group}"
        if not group or armid.key(scope) in self._groups_seen:
            return
        self._groups_seen.add(armid.key(scope))
        for recipe in self._group_recipes:
            self._submit(Task(f"{scope}/providers/{recipe.type}", recipe, scope, depth))

    def _reference(self, resource_id: str, recipe: Recipe, depth: int) -> None:
        key = armid.key(resource_id)
        if key in self.resources or key in self._requested:
            return
        if recipe.listed:
            listing = (recipe.key, self._listing_scope(resource_id, recipe))
            if self._pending_lists.get(listing, 0) > 0:
                self._parked[listing].append((resource_id, recipe, depth))
                return
        self._fetch_reference(resource_id, recipe, depth)

    def _listing_scope(self, resource_id: str, recipe: Recipe) -> str:
        sub = armid.subscription_scope(armid.subscription_id(resource_id) or "")
        group = armid.resource_group(resource_id)
        if self._narrowed and not recipe.subscription_level and group:
            return armid.key(f"{sub}/resourceGroups/{group}")
        return sub

    def _fetch_reference(self, resource_id: str, recipe: Recipe, depth: int) -> None:
        key = armid.key(resource_id)
        if key in self.resources or key in self._requested:
            return
        self._requested.add(key)
        self._submit(Task(resource_id, recipe, resource_id, depth, single=True))

    # -- endings -------------------------------------------------------------------------------

    def _record_timeout(self, task: Task) -> None:
        self.errors.append(timeout_error(task))

    def _expire(self) -> None:
        self._timed_out = True
        for future, task in list(self._running.items()):
            future.cancel()
            self._record_timeout(task)
        self._running.clear()

    def _expire_parked(self) -> None:
        for parked in self._parked.values():
            for resource_id, recipe, depth in parked:
                self._record_timeout(Task(resource_id, recipe, resource_id, depth, single=True))
        self._parked.clear()


def _group(recipes: list[Recipe], keys: Any) -> dict[str, list[Recipe]]:
    grouped: dict[str, list[Recipe]] = defaultdict(list)
    for recipe in sorted(recipes, key=lambda r: r.key):
        for key in keys(recipe):
            grouped[key].append(recipe)
    return grouped
