"""The public API for rule authors: everything a rule module imports comes from here.

A rule is a function decorated with :func:`rule`; its docstring is its documentation
(`## What it checks`, `## Why it matters`, `## How to fix` with `az` and Bicep). It receives
one resource and a :class:`Context`, and returns a :class:`Verdict`::

    @rule(
        id="AML001",
        name="workspace-public-network-access-enabled",
        title="Azure ML workspaces disable public network access",
        severity="high",
        resource_types=["Microsoft.MachineLearningServices/workspaces"],
        controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
        azure_policy=["438c38d2-3772-465a-a9cc-7a6666a275ce"],
    )
    def workspace_public_network_access(res: Resource, ctx: Context) -> Verdict:
        value = res.str("properties.publicNetworkAccess")
        if same(value, "Disabled"):
            return passed("public network access is disabled")
        return failed("public network access is not disabled",
                      path="properties.publicNetworkAccess", expected="Disabled", actual=value)

Anything a rule raises becomes an *error* finding; it never turns into a pass.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from amlaudit import armid
from amlaudit.completeness import always_present, how_to_collect
from amlaudit.depscope import SOURCE_TYPES, Dependency, Usage
from amlaudit.index import SnapshotIndex, usable
from amlaudit.model import Evidence, RuleStatus, Severity, Status
from amlaudit.own_identities import OWNER_TYPES, DocumentedAssignment, OwnIdentity
from amlaudit.resource import DataError, Resource, item_get, one_of, same

__all__ = [
    "Context",
    "DataError",
    "Dependency",
    "Evidence",
    "IncompleteData",
    "MissingReference",
    "NoUsableData",
    "NotCollected",
    "Option",
    "Resource",
    "RuleSpec",
    "UndeclaredRead",
    "Usage",
    "Verdict",
    "failed",
    "info",
    "item_get",
    "one_of",
    "passed",
    "rule",
    "same",
    "skip",
]

RULE_ID_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}[0-9]{3}$")
RULE_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CONTROL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]*:[A-Za-z0-9.\-]+$")
GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class MissingReference(Exception):
    """A resource the rule needs is not in the snapshot (e.g. a vault in another subscription)."""

    def __init__(self, resource_id: str, what: str) -> None:
        super().__init__(f"{what} {resource_id} is not in the snapshot")
        self.resource_id = resource_id
        self.what = what


class IncompleteData(Exception):
    """The rule found nothing where the snapshot's errors say collection failed."""


class NoUsableData(IncompleteData):
    """A related resource the rule reached holds no `properties` (the `az resource list`
    shape): nothing can be read of it, so the verdict cannot rest on it."""

    def __init__(self, resource: Resource) -> None:
        super().__init__(
            f"{resource.type} {resource.id} has no properties in the input "
            "(as `az resource list` prints it)"
        )
        self.resource_id = resource.id


class NotCollected(IncompleteData):
    """The verdict needs resources of a type the input does not show were collected there."""

    def __init__(self, scope: str, resource_type: str, why: str) -> None:
        super().__init__(why)
        self.scope = scope
        self.resource_type = resource_type


class UndeclaredRead(Exception):
    """A rule looked up a resource type it does not declare in `reads`.

    The live collector plans what to fetch from the declared types; an undeclared read would
    silently lack data in a live scan, so it is an error everywhere.
    """


# Enum members read once: attribute access on an Enum class costs a descriptor call, and these
# run once per finding.
_PASS, _FAIL, _INFO, _SKIPPED = Status.PASS, Status.FAIL, Status.INFO, Status.SKIPPED


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    workspaces: tuple[str, ...] | None = None


# Verdicts without evidence are shared: they are immutable, and a scan repeats the same few
# thousand (`passed("public network access is disabled")` once per workspace); building a
# frozen dataclass costs more than the rule that returns it. One table per status, keyed by
# the message (a str hash is cached; an enum's is computed in Python).
_SHARED: dict[Status, dict[str, Verdict]] = {s: {} for s in Status}
_SHARED_MAX = 20_000


def _shared(status: Status, message: str) -> Verdict:
    table = _SHARED[status]
    found = table.get(message)
    if found is None:
        if len(table) >= _SHARED_MAX:
            table.clear()
        found = table[message] = Verdict(status, message)
    return found


def passed(message: str, *evidence: Evidence) -> Verdict:
    return Verdict(_PASS, message, evidence) if evidence else _shared(_PASS, message)


def failed(
    message: str,
    *evidence: Evidence,
    path: str | None = None,
    expected: Any = None,
    actual: Any = None,
    workspaces: Iterable[str] | None = None,
) -> Verdict:
    """A failing verdict; `path`/`expected`/`actual` is shorthand for one Evidence."""
    items = evidence
    if path is not None:
        items = (*evidence, Evidence(path, expected, actual))
    return Verdict(_FAIL, message, items, tuple(workspaces) if workspaces is not None else None)


def info(message: str, *evidence: Evidence) -> Verdict:
    """A setting that is a choice rather than a weakness: reported, never gating."""
    return Verdict(_INFO, message, evidence) if evidence else _shared(_INFO, message)


def skip(reason: str) -> Verdict:
    """The rule does not apply to this resource."""
    return _shared(_SKIPPED, reason)


@dataclass(frozen=True)
class Option:
    """A typed rule option, set under `[options]` in amlaudit.toml."""

    type: type
    default: Any
    help: str


RuleFunction = Callable[[Resource, "Context"], Verdict]


@dataclass(frozen=True)
class RuleSpec:
    """A rule's metadata, its documentation and its function."""

    id: str
    name: str
    title: str
    severity: Severity
    resource_types: tuple[str, ...]
    reads: tuple[str, ...]
    controls: tuple[str, ...]
    azure_policy: tuple[str, ...]
    references: tuple[str, ...]
    since: str
    status: RuleStatus
    labels: tuple[str, ...]
    options: dict[str, Option]
    doc: str
    function: RuleFunction = field(repr=False, compare=False)
    module: str = ""
    # Other rules that read a setting this one reads, each with why both exist (see the
    # overlap meta-test in tests/test_rule_reads.py).
    overlaps: dict[str, str] = field(default_factory=dict)

    @property
    def all_types(self) -> frozenset[str]:
        """Every resource type (lower-case) the rule judges or reads."""
        return frozenset(t.lower() for t in (*self.resource_types, *self.reads))

    @property
    def help_uri(self) -> str:
        return f"https://github.com/amlaudit/amlaudit/blob/main/rules/{self.id}.md"

    def doc_section(self, heading: str) -> str:
        """The text under `## heading` in the rule's doc ('' if absent)."""
        pattern = re.compile(rf"^## {re.escape(heading)}\s*$", re.MULTILINE | re.IGNORECASE)
        match = pattern.search(self.doc)
        if not match:
            return ""
        rest = self.doc[match.end() :]
        following = re.search(r"^## ", rest, re.MULTILINE)
        return (rest[: following.start()] if following else rest).strip()

    @property
    def summary(self) -> str:
        """The first paragraph of 'What it checks'."""
        return self.doc_section("What it checks").split("\n\n", 1)[0].replace("\n", " ").strip()

    @property
    def fix(self) -> str:
        return self.doc_section("How to fix")

    def frameworks(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for control in self.controls:
            framework, _, ident = control.partition(":")
            out.setdefault(framework, []).append(ident)
        return out


def rule(
    *,
    id: str,
    name: str,
    title: str,
    severity: str,
    resource_types: Sequence[str],
    reads: Sequence[str] = (),
    controls: Sequence[str] = (),
    azure_policy: Sequence[str] = (),
    references: Sequence[str] = (),
    since: str = "0.1.0",
    status: str = "stable",
    labels: Sequence[str] = (),
    options: dict[str, Option] | None = None,
    overlaps: dict[str, str] | None = None,
) -> Callable[[RuleFunction], RuleSpec]:
    """Declare a rule. Metadata is validated here so a malformed rule fails at load time.

    `status`: new rules are `preview` (reported, not gating) `since` the next minor release,
    and become `stable` later; `deprecated` lasts one minor release before removal.
    `resource_types` are judged; `reads` are the other types looked up through the Context
    (an undeclared lookup is an error). `labels` are free tags (`cost`, `reliability`);
    `options` are typed `Option`s set under `[options]`. `overlaps` maps another rule's ID to
    why both exist, when the two read one same setting (the overlap meta-test). The README's
    "Writing a rule" has the ID block of each family and when to follow a project's hub.
    """

    def decorate(function: RuleFunction) -> RuleSpec:
        problems = []
        if not RULE_ID_RE.match(id):
            problems.append(f"id {id!r} must look like AML001")
        if not RULE_NAME_RE.match(name):
            problems.append(f"name {name!r} must be kebab-case")
        if not resource_types:
            problems.append("resource_types is empty")
        problems += [
            f"control {c!r} must be FRAMEWORK:ID" for c in controls if not CONTROL_RE.match(c)
        ]
        problems += [
            f"azure_policy {g!r} must be a lower-case GUID"
            for g in azure_policy
            if not GUID_RE.match(g)
        ]
        for other, reason in (overlaps or {}).items():
            if not RULE_ID_RE.match(other) or other == id:
                problems.append(f"overlaps names {other!r}, which must be another rule's ID")
            if not isinstance(reason, str) or not reason.strip():
                problems.append(f"overlaps[{other!r}] needs a reason")
        try:
            sev = Severity.parse(severity)
            rule_status = RuleStatus(status)
        except ValueError as exc:
            problems.append(str(exc))
            sev, rule_status = Severity.INFO, RuleStatus.STABLE
        if problems:
            raise ValueError(f"rule {id} ({function.__module__}): " + "; ".join(problems))
        return RuleSpec(
            id=id,
            name=name,
            title=title,
            severity=sev,
            resource_types=tuple(resource_types),
            reads=tuple(reads),
            controls=tuple(controls),
            azure_policy=tuple(azure_policy),
            references=tuple(references),
            since=since,
            status=rule_status,
            labels=tuple(labels),
            options=dict(options or {}),
            doc=inspect.cleandoc(function.__doc__ or ""),
            overlaps=dict(sorted((overlaps or {}).items())),
            function=function,
            module=function.__module__,
        )

    return decorate


class Context:
    """What a rule may ask about the rest of the estate. Every lookup is an index hit.

    Every resource a lookup returns holds `properties` (else NoUsableData), and an empty answer
    about a child or extension type is given only where the input collected that type (else
    NotCollected): a verdict rests only on data the input holds. Rules read other resources
    through here and nowhere else (a meta-test holds them to it).
    """

    def __init__(
        self,
        index: SnapshotIndex,
        options: dict[str, Any],
        allowed_types: frozenset[str] | None = None,
    ) -> None:
        self._index = index
        self._options = options
        self._allowed = allowed_types

    def _declared(self, resource_type: str) -> None:
        if self._allowed is not None and resource_type.lower() not in self._allowed:
            raise UndeclaredRead(
                f"the rule reads {resource_type} without declaring it in reads=[...]"
            )

    def _usable(self, found: list[Resource]) -> list[Resource]:
        for resource in found:
            if not usable(resource):
                raise NoUsableData(resource)
        return found

    def _unknowable(self, resource_type: str) -> None:
        """A lookup that scans a whole type cannot answer while one of them holds nothing."""
        blind = self._index.unusable.get(resource_type.lower())
        if blind:
            raise NoUsableData(min(blind, key=lambda r: r.key))

    def option(self, name: str) -> Any:
        return self._options[name]

    def memo(self, name: str) -> dict[str, Any]:
        """A dictionary that lives as long as this scan: shared checks cache per-scan work."""
        return self._index.memos[name]

    @property
    def subscriptions(self) -> list[str]:
        return self._index.subscriptions

    def get(self, resource_id: str) -> Resource | None:
        """The resource with this ID, or None. None is no proof of absence: a rule that fails
        on a missing child or extension asks `children`/`extensions`, which check the input
        collected that type."""
        found = self._index.get(resource_id)
        if found is None:
            return None
        self._declared(found.type)
        return self._usable([found])[0]

    def resolve(self, resource_id: str, what: str) -> Resource:
        """The referenced resource; MissingReference when the snapshot does not hold it."""
        found = self._index.get(resource_id)
        if found is None:
            raise MissingReference(resource_id, what)
        self._declared(found.type)
        return self._usable([found])[0]

    def parent(self, resource: Resource) -> Resource:
        parent = armid.parent_id(resource.id)
        if parent is None:
            raise DataError(f"{resource.id} has no parent resource")
        return self.resolve(parent, "parent resource")

    def children(self, resource: Resource | str, resource_type: str) -> list[Resource]:
        """Child resources of a type; IncompleteData when none and the input cannot prove it."""
        self._declared(resource_type)
        resource_id = resource if isinstance(resource, str) else resource.id
        found = self._index.children_of(resource_id, resource_type)
        if not found:
            self._check_complete(resource_id, resource_type)
        return self._usable(found)

    def extensions(self, resource: Resource | str, resource_type: str) -> list[Resource]:
        """Extension resources at a scope (diagnostic settings, role assignments, pricings)."""
        self._declared(resource_type)
        scope = resource if isinstance(resource, str) else resource.id
        found = self._index.extensions_of(scope, resource_type)
        if not found:
            self._check_complete(scope, resource_type)
        return self._usable(found)

    def of_type(self, resource_type: str) -> list[Resource]:
        """All resources of a type. O(n): for small types (DNS zones, pricings), not per rule call
        over large ones."""
        self._declared(resource_type)
        self._unknowable(resource_type)
        return self._index.of_type(resource_type)

    def inherited(self, subscription: str, resource_type: str) -> list[Resource]:
        """Extensions of a type at management-group or root scope that reach a subscription
        (inherited role and policy assignments).

        When the snapshot holds the subscription with `managementGroupAncestorsChain` (Resource
        Graph `resourcecontainers`), only those groups count; otherwise every one collected
        counts, as the collector fetches them with `$filter=atScope()` at each subscription.
        """
        self._declared(resource_type)
        found = self._usable(self._index.above_subscriptions(resource_type))
        sub = self._index.get(armid.subscription_scope(subscription))
        chain = sub.raw.get("properties") if sub is not None else None
        ancestors = chain.get("managementGroupAncestorsChain") if isinstance(chain, dict) else None
        if not isinstance(ancestors, list) or not ancestors:
            return found
        groups = {str(a.get("name", "")).lower() for a in ancestors if isinstance(a, dict)}
        kept = []
        for resource in found:
            scope = armid.key(armid.split_scope(resource.id)[0])
            if scope in ("", "/") or scope.rsplit("/", 1)[-1] in groups:
                kept.append(resource)
        return kept

    def with_value(self, resource_type: str, path: str, value: str) -> list[Resource]:
        """Resources of a type whose string property at `path` equals `value`, ignoring case
        (O(1) after first use): the datastores whose `properties.accountName` names an account."""
        self._declared(resource_type)
        self._unknowable(resource_type)
        return self._index.with_value(resource_type, path, value)

    def workspaces_using(
        self, resource: Resource, *usages: Usage, inherited: bool = True
    ) -> list[Resource]:
        """The ML workspaces that use this resource (its dependents in the dependency scope),
        only through `usages` when given; `inherited=False` leaves out projects that use it
        only through their hub."""
        self._declared("Microsoft.MachineLearningServices/workspaces")
        self._scope_knowable()
        return self._index.dependency_scope.dependents(resource, usages, inherited)

    def dependencies_of(self, workspace: Resource, *usages: Usage) -> list[Dependency]:
        """What a workspace uses (present in the input or not; a project's inherited uses carry
        `via`), only through `usages` when given: the storage its payload logs land in."""
        self._scope_knowable()
        found = self._index.dependency_scope.dependencies_of(workspace)
        return [d for d in found if not usages or d.usage in usages]

    def uses_of(self, resource: Resource) -> list[Dependency]:
        """Every use of this resource by an ML workspace, with how it is used (a project's
        uses inherited from its hub carry `via`)."""
        self._declared("Microsoft.MachineLearningServices/workspaces")
        self._scope_knowable()
        return self._index.dependency_scope.uses_of(resource)

    def documented_own_assignment(
        self, principal_id: str, role_id: str, scope: str
    ) -> tuple[OwnIdentity, DocumentedAssignment] | None:
        """The estate's own identity and the documented row when (principal, role, scope) is a
        role assignment Microsoft documents as required for a workspace's, compute's or
        endpoint's managed identity; None otherwise. Declare the ML workspace, compute and
        online endpoint types in `reads` to use it."""
        for owner_type in OWNER_TYPES:
            self._declared(owner_type)
        return self._index.own_identities.documented(principal_id, role_id, scope)

    def own_identities_of(self, principal_id: str) -> list[OwnIdentity]:
        """The workspaces', computes' and endpoints' managed identities with this principal ID
        (none for any other principal). Declare the owner types in `reads` to use it."""
        for owner_type in OWNER_TYPES:
            self._declared(owner_type)
        return self._index.own_identities.of_principal(principal_id)

    def blast_radius(self, workspace: Resource, capabilities: frozenset[str]) -> Any:
        """Who can reach this workspace's data, secrets and compute
        (`amlaudit.access.blast.WorkspaceAccess`), for these capabilities; computed once per
        scan and workspace. Declare `amlaudit.access.ACCESS_READS` in `reads` to use it."""
        from amlaudit.access import ACCESS_READS
        from amlaudit.access.blast import analyse
        from amlaudit.access.estate import AccessEstate
        from amlaudit.access.evaluate import Evaluator
        from amlaudit.access.targets import workspace_scope

        for kind in ACCESS_READS:
            self._declared(kind)
        memo = self.memo("access")
        evaluator = memo.get("")
        if evaluator is None:
            evaluator = memo[""] = Evaluator(AccessEstate(self._index))
        key = f"{workspace.key}|{','.join(sorted(capabilities))}"
        found = memo.get(key)
        if found is None:
            scope = workspace_scope(self._index, workspace)
            found = memo[key] = analyse(evaluator, scope, capabilities)
        return found

    def authorization_gaps(self, resource_ids: Sequence[str]) -> list[Any]:
        """Collection errors that leave who can reach these resources unknown (failed
        authorization listings at or above them): `amlaudit.access.report.CoverageEntry`."""
        from amlaudit.access.report import error_gaps

        return error_gaps(self._index, resource_ids)

    def _scope_knowable(self) -> None:
        """Who uses a resource is unknowable while a workspace, datastore, connection, compute
        or App Insights component (what the dependency scope is built from) holds nothing."""
        for resource_type in SOURCE_TYPES:
            self._unknowable(resource_type)

    def _check_complete(self, scope: str, resource_type: str) -> None:
        errors = self._index.errors_covering(scope, resource_type)
        if errors:
            first = errors[0]
            raise IncompleteData(
                f"no {resource_type} found at {scope}, but collection failed there "
                f"({first.operation}: {first.status})"
            )
        parent = self._index.get(scope)
        always = always_present(resource_type, parent.raw.get("kind") if parent else None)
        if always is not None:
            raise NotCollected(
                scope,
                resource_type,
                f"{resource_type}/{always} always exists in Azure but is not in the input; "
                + how_to_collect(scope, resource_type),
            )
        if not self._index.collected(scope, resource_type):
            raise NotCollected(
                scope,
                resource_type,
                f"the input does not show {resource_type} was collected at {scope}; "
                + how_to_collect(scope, resource_type),
            )
