"""Hypothesis strategies for ARM-shaped estates that stress the rules, shared by the CI property
tests (tests/test_properties.py) and the long fuzzing run (fuzz/fuzz_scan.py).

For one rule the strategy builds a resource of each type the rule judges, with random JSON at
every dotted path the rule's module (and the shared checks) mention — right types, wrong types,
nulls, enum spellings, IDs of related resources, arrays of objects that reuse the same paths —
plus arbitrary junk keys, and the related resources the rule declares in `reads` (children,
extension resources at its scope, or siblings whose IDs the main resource references).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
from functools import cache
from typing import Any

from hypothesis import strategies as st

from amlaudit import checks
from amlaudit.api import RuleSpec

SUBSCRIPTION = "00000000-0000-0000-0000-00000000f022"
RESOURCE_GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-fuzz"
# Extension types sit on the resource they describe (`<id>/providers/<type>/<name>`).
_EXTENSION_NAMESPACES = ("microsoft.insights/", "microsoft.authorization/", "microsoft.security/")
_PATH_RE = re.compile(r"^[A-Za-z$@][\w$@-]*(\.[A-Za-z$@][\w$@-]*)+$")
_ENUM_WORDS = [
    "Enabled",
    "Disabled",
    "enabled",
    "DISABLED",
    "true",
    "false",
    "True",
    "Approved",
    "Rejected",
    "Pending",
    "None",
    "Allow",
    "Deny",
    "AllowOnlyApprovedOutbound",
    "AllowInternetOutbound",
    "AccessKey",
    "Identity",
    "SystemAssigned",
    "UserAssigned",
    "SystemAssigned,UserAssigned",
    "Premium",
    "Basic",
    "Standard",
    "TLS1_0",
    "TLS1_2",
    "PT30M",
    "P1D",
    "PT",
    "*",
    "0.0.0.0/0",
    "Internet",
    "",
    " ",
]


def rule_paths(spec: RuleSpec) -> list[str]:
    """Dotted paths the rule could read: string literals in its module and the shared checks."""
    return sorted(_module_paths(spec.module) | _module_paths(checks.__name__))


@cache
def _module_paths(module_name: str) -> frozenset[str]:
    module = sys.modules.get(module_name)
    if module is None:
        return frozenset()
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return frozenset()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if _PATH_RE.match(text) and not re.match(r"^(Microsoft|microsoft)\.", text):
                found.add(text)
            elif re.match(r"^[a-z][A-Za-z0-9]{2,40}$", text):
                found.add(text)  # bare keys looked up with .get("enabled")
    return frozenset(found)


@cache
def junk() -> st.SearchStrategy[Any]:
    """Arbitrary JSON that a hostile or broken snapshot could hold (finite numbers only)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(_ENUM_WORDS),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


@cache
def _tree(
    paths: tuple[str, ...], ids: tuple[str, ...], depth: int
) -> st.SearchStrategy[dict[str, Any]]:
    """An object holding random values at a random subset of the paths (relative to here)."""
    leaf: st.SearchStrategy[Any] = st.one_of(
        st.sampled_from(_ENUM_WORDS),
        st.sampled_from(ids) if ids else st.just("/subscriptions/x"),
        junk(),
    )
    if depth > 0:
        leaf = st.one_of(
            leaf, st.lists(st.deferred(lambda: _tree(paths, ids, depth - 1)), max_size=3)
        )

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        root: dict[str, Any] = draw(st.dictionaries(st.text(max_size=6), junk(), max_size=2))
        chosen = draw(st.lists(st.sampled_from(paths), max_size=12, unique=True)) if paths else []
        for path in chosen:
            parts = path.split(".")
            node = root
            for part in parts[:-1]:
                child = node.get(part)
                if not isinstance(child, dict):
                    if draw(st.integers(0, 9)) == 0:  # a wrong type at an inner level
                        node[part] = draw(junk())
                        break
                    child = {}
                    node[part] = child
                node = child
            else:
                node[parts[-1]] = draw(leaf)
        return root

    return build()


def _related_id(spec_type: str, main_id: str, related_type: str, n: int) -> str:
    lowered = related_type.lower()
    namespace, _, rest = related_type.partition("/")
    if lowered.startswith(spec_type.lower() + "/"):
        child = related_type[len(spec_type) + 1 :].split("/")
        return main_id + "".join(f"/{t}/child{n}" for t in child)
    if lowered.startswith(_EXTENSION_NAMESPACES):
        return f"{main_id}/providers/{namespace}/" + "/".join(
            f"{t}/ext{n}" for t in rest.split("/")
        )
    return f"{RESOURCE_GROUP}/providers/{namespace}/" + "/".join(
        f"{t}/rel{n}" for t in rest.split("/")
    )


def _resource(rid: str, rtype: str, props: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    body = st.fixed_dictionaries(
        {"id": st.just(rid), "type": st.just(rtype), "name": st.just(rid.rsplit("/", 1)[-1])},
        optional={
            "properties": props,
            "kind": st.sampled_from(["Default", "Hub", "Project", "project", "FeatureStore"]),
            "location": st.sampled_from(["westeurope", "eastus"]),
            "sku": junk(),
            "identity": junk(),
            "tags": st.one_of(junk(), st.dictionaries(st.text(max_size=8), st.text(max_size=8))),
        },
    )
    return body


def main_resource_id(rtype: str, n: int) -> str:
    """An ID of the type's natural shape: a subscription, a resource group, an extension
    resource on the subscription, or a (child) resource in the fuzz resource group."""
    lowered = rtype.lower()
    if lowered == "microsoft.resources/subscriptions":
        return f"/subscriptions/{SUBSCRIPTION}"
    if lowered in (
        "microsoft.resources/resourcegroups",
        "microsoft.resources/subscriptions/resourcegroups",
    ):
        return f"{RESOURCE_GROUP}{n or ''}"
    namespace, _, rest = rtype.partition("/")
    tail = "/".join(f"{t}/r{n}" for t in rest.split("/"))
    if lowered.startswith((*_EXTENSION_NAMESPACES, "microsoft.consumption/")):
        return f"/subscriptions/{SUBSCRIPTION}/providers/{namespace}/{tail}"
    return f"{RESOURCE_GROUP}/providers/{namespace}/{tail}"


@st.composite
def estate_for(draw: st.DrawFn, spec: RuleSpec) -> list[dict[str, Any]]:
    """Resources for one rule: one or two of each judged type plus its related resources."""
    paths = tuple(p.removeprefix("properties.") for p in rule_paths(spec))
    resources: list[dict[str, Any]] = []
    for t_index, rtype in enumerate(spec.resource_types):
        main_id = main_resource_id(rtype, t_index)
        related = [
            (_related_id(rtype, main_id, r, n), r)
            for n, r in enumerate(sorted(set(spec.reads)))
            if r.lower() != rtype.lower()
        ]
        ids = tuple(rid for rid, _ in related)
        props = st.one_of(_tree(paths, ids, depth=2), junk())
        resources.append(draw(_resource(main_id, rtype, props)))
        for rid, r_type in related:
            if draw(st.booleans()):
                resources.append(
                    draw(_resource(rid, r_type, st.one_of(_tree(paths, ids, 1), junk())))
                )
    return resources


def envelope(resources: list[dict[str, Any]], errors: list[dict[str, Any]] | None = None) -> str:
    return json.dumps(
        {
            "format": "amlaudit-snapshot",
            "version": 1,
            "collected_at": "2026-11-01T00:00:00Z",
            "resources": resources,
            "errors": errors or [],
        }
    )
