"""Rules about rules: metadata, documentation, control mappings, catalog and policy coverage.

These run over every built-in rule, so a new rule that forgets its doc, maps to a control
that does not exist or leaves a mirrored Azure Policy built-in uncovered fails here.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest

from amlaudit._version import __version__
from amlaudit.api import RuleSpec
from amlaudit.commands.new_rule import FAMILY_RANGES, next_minor
from amlaudit.controls import known_control
from amlaudit.docs import catalog_files
from amlaudit.registry import find_packs, load_rules
from conftest import ROOT

RULES = load_rules(find_packs(use_entry_points=False))
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def test_there_are_rules() -> None:
    assert len(RULES) >= 10


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_rule_metadata(spec: RuleSpec) -> None:
    assert spec.title and spec.title[0].isupper() and not spec.title.endswith(".")
    assert spec.resource_types and all("/" in t for t in (*spec.resource_types, *spec.reads))
    # a rule arrives in the next minor release at the latest (the scaffolder's default)
    assert SEMVER.match(spec.since) and _version(spec.since) <= _version(next_minor(__version__))
    assert spec.module.startswith("amlaudit.rules."), spec.module
    for name, option in spec.options.items():
        assert re.match(r"^[a-z][a-z0-9_]*$", name), name
        assert isinstance(option.default, option.type), (name, option.default)
        assert option.help


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_rule_doc_has_what_why_and_fix(spec: RuleSpec) -> None:
    for heading in ("What it checks", "Why it matters", "How to fix"):
        assert spec.doc_section(heading), f"{spec.id}: doc lacks '## {heading}'"
    fix = spec.fix
    assert re.search(r"```bash\n(.|\n)*?\baz ", fix), f"{spec.id}: fix has no az command"
    assert "```bicep" in fix, f"{spec.id}: fix has no Bicep block"


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_rule_controls_are_valid(spec: RuleSpec) -> None:
    frameworks = spec.frameworks()
    if "cost" in spec.labels and not spec.controls:
        return
    assert frameworks.get("MCSB-v1"), f"{spec.id}: no MCSB v1 control (or a cost label)"
    assert frameworks.get("ASB-v1"), f"{spec.id}: no Azure Security Benchmark v1 number"
    for framework, idents in frameworks.items():
        for ident in idents:
            if framework in ("MCSB-v1", "ASB-v1"):
                assert known_control(framework, ident), f"{spec.id}: unknown {framework}:{ident}"
            elif framework.startswith("CIS-Azure-"):
                assert re.match(r"^\d+(\.\d+)+$", ident), f"{spec.id}: bad CIS id {ident}"
            else:
                pytest.fail(f"{spec.id}: unknown framework {framework}")


def test_shared_options_agree() -> None:
    seen: dict[str, tuple[str, object]] = {}
    for spec in RULES:
        for name, option in spec.options.items():
            if name in seen:
                assert seen[name][1] == (option.type, option.default), (name, seen[name][0])
            seen[name] = (spec.id, (option.type, option.default))


def test_every_ml_azure_policy_builtin_is_mirrored() -> None:
    listed = json.loads((files("amlaudit") / "data" / "azure_policy_ml.json").read_text("utf-8"))
    wanted = {d["guid"] for d in listed["definitions"] if not d["deprecated"]}
    mirrored = {guid for spec in RULES for guid in spec.azure_policy}
    missing = sorted(wanted - mirrored)
    assert not missing, f"built-ins no rule mirrors: {missing}"


def test_rule_catalog_is_generated_from_the_code() -> None:
    """rules/ must equal what `python reports/generate.py` writes."""
    expected = catalog_files(RULES)
    directory = ROOT / "rules"
    actual = {p.name: p.read_text("utf-8") for p in directory.glob("*.md")}
    stale = sorted(set(actual) ^ set(expected)) + sorted(
        name for name in expected if name in actual and actual[name] != expected[name]
    )
    assert not stale, f"rule catalog drifted ({stale[:5]}...): run python reports/generate.py"


def test_rule_modules_are_small() -> None:
    for path in Path(ROOT / "auditor" / "amlaudit" / "rules").rglob("*.py"):
        lines = path.read_text("utf-8").count("\n")
        assert lines <= 200, f"{path} has {lines} lines: split it"


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_fix_commands_keep_their_line_continuations(spec: RuleSpec) -> None:
    """A lone backslash at the end of a docstring line joins the lines (write `\\\\`)."""
    for block in re.findall(r"```bash\n(.*?)```", spec.fix, re.DOTALL):
        assert not re.search(r"\S {3,}--", block), f"{spec.id}: joined continuation in {block!r}"


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_rule_ids_lie_in_their_family_range(spec: RuleSpec) -> None:
    family = spec.module.split(".")[-2]
    low, high = FAMILY_RANGES[family]
    assert low <= int(spec.id[3:]) <= high, f"{spec.id} is outside {family} ({low}-{high})"


def test_a_new_rule_is_preview_until_a_later_release() -> None:
    """The versioning promise: a rule that arrived in the coming release does not gate."""
    for spec in RULES:
        if _version(spec.since) > _version(__version__):
            assert spec.status.value == "preview", spec.id
