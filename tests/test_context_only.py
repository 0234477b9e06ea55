"""Rules read other resources through the Context and nowhere else.

The Context is where "a verdict rests only on data the input holds" is enforced (a resource
without properties, a type the input did not collect): a rule that reached the index, the
snapshot or the engine directly would judge data the Context would have refused.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from amlaudit.api import Context
from amlaudit.index import SnapshotIndex
from amlaudit.snapshot import Snapshot
from conftest import ROOT

PACKAGE = ROOT / "auditor" / "amlaudit"
# Checks several rules share: held to the same standard as the rules, importable by them.
SHARED_CHECKS = ("checks", "lifecycle", "provenance")
RULE_MODULES = [
    *sorted((PACKAGE / "rules").rglob("*.py")),
    *(PACKAGE / f"{name}.py" for name in SHARED_CHECKS),
]
# What a rule module may import from amlaudit: the rule author's API and plain helpers.
ALLOWED_IMPORTS = {"amlaudit.api", "amlaudit.armid", "amlaudit.resource"}
ALLOWED_IMPORTS |= {"amlaudit.result", "amlaudit.depscope", "amlaudit.audit_categories", "amlaudit"}
ALLOWED_IMPORTS |= {f"amlaudit.{name}" for name in SHARED_CHECKS}
# Plain helpers of the access analysis: its constants and permission-string matching.
ALLOWED_IMPORTS |= {"amlaudit.access", "amlaudit.access.wildcard"}
# Attributes that lead around the Context to the whole snapshot.
FORBIDDEN_ATTRIBUTES = {"index", "_index", "snapshot", "by_key", "by_type", "at_scope"}


def reads_around_context(source: str) -> list[str]:
    """Every way a rule module's source reaches resources without the Context."""
    problems = []
    tree = ast.parse(source)
    # `sequence.index(x)` is a method call, not the snapshot index.
    methods = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("amlaudit"):
            if node.module not in ALLOWED_IMPORTS:
                problems.append(f"line {node.lineno}: imports {node.module}")
            elif node.module == "amlaudit":
                problems += [
                    f"line {node.lineno}: imports amlaudit.{a.name}"
                    for a in node.names
                    if f"amlaudit.{a.name}" not in ALLOWED_IMPORTS
                ]
        elif isinstance(node, ast.Import):
            problems += [
                f"line {node.lineno}: imports {a.name}"
                for a in node.names
                if a.name.startswith("amlaudit") and a.name not in ALLOWED_IMPORTS
            ]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in FORBIDDEN_ATTRIBUTES
            and not (node.attr == "index" and id(node) in methods)
        ):
            problems.append(f"line {node.lineno}: reads .{node.attr}")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("getattr", "vars"):
            problems.append(f"line {node.lineno}: reflective access ({node.func.id})")  # type: ignore[attr-defined]
    return problems


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_rule_modules_read_only_through_the_context(path: Path) -> None:
    assert reads_around_context(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "def check(res, ctx):\n    return ctx._index.get(res.id)\n",
        "def check(res, ctx):\n    return ctx.index.by_key\n",
        "from amlaudit.index import SnapshotIndex\n",
        "from amlaudit.snapshot import load\n",
        "import amlaudit.engine\n",
        "def check(res, ctx):\n    return getattr(ctx, '_ind' + 'ex')\n",
    ],
)
def test_the_meta_check_catches_a_rule_that_reads_around_the_context(source: str) -> None:
    assert reads_around_context(source)


def test_the_context_exposes_no_index() -> None:
    context = Context(SnapshotIndex(Snapshot()), {})
    assert not [name for name in dir(context) if "index" in name and not name.startswith("_")]
