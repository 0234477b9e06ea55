"""What each rule reads, traced from its fixtures: drift, the overlap meta-test, the tracer.

The overlap meta-test is what stops a new rule from silently duplicating an existing one (a
copy of AML009 doubled the control counts once): two rules reading one setting of one resource
type must say why, with `@rule(overlaps={"AML009": "why"})` on either of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.reads import (
    DATA_FILE,
    SELECTING_READS,
    ReadPath,
    overlaps,
    readers,
    render,
    rule_reads,
    undeclared_overlaps,
)
from amlaudit.readtrace import fixture_paths, trace_rule, trace_rules
from amlaudit.registry import find_packs, load_rules
from conftest import FIXTURES, ROOT

RULES = load_rules(find_packs(use_entry_points=False))
BY_ID = {spec.id: spec for spec in RULES}
RULE_FIXTURES = FIXTURES / "rules"
VAULTS = "Microsoft.KeyVault/vaults"
WORKSPACES = "Microsoft.MachineLearningServices/workspaces"


def test_read_paths_are_generated_from_the_rule_fixtures() -> None:
    committed = (ROOT / "auditor" / "amlaudit" / "data" / DATA_FILE).read_text("utf-8")
    assert committed == render(trace_rules(RULES, RULE_FIXTURES)), (
        "auditor/amlaudit/data/rule_reads.json drifted: run python reports/generate.py"
    )


def test_every_rule_has_traced_reads() -> None:
    reads = rule_reads()
    assert sorted(reads) == sorted(BY_ID)
    assert all(reads[rule_id] for rule_id in reads), [r for r in reads if not reads[r]]


def _describe(found: list[object]) -> str:
    return "\n".join(str(item) for item in found)


def test_rules_reading_one_setting_declare_the_overlap() -> None:
    undeclared = undeclared_overlaps(RULES, rule_reads())
    assert not undeclared, (
        "two rules read the same setting; if both must exist, declare "
        "@rule(overlaps={ID: 'why both exist'}) on one of them:\n" + _describe(undeclared)
    )


def test_declared_overlaps_name_rules_that_share_a_setting() -> None:
    pairs = {(o.first, o.second) for o in overlaps(rule_reads())}
    stale = [
        (spec.id, other)
        for spec in RULES
        for other in spec.overlaps
        if other not in BY_ID or tuple(sorted((spec.id, other))) not in pairs
    ]
    assert not stale, f"overlaps declared where the rules share no setting: {stale}"


def test_selecting_reads_are_shared() -> None:
    """A selecting read exempts a path from the overlap check: it must really be shared."""
    counts = {key: 0 for key in SELECTING_READS}
    for reads in rule_reads().values():
        for key in {(r.type.lower(), r.path) for r in reads}:
            if key in counts:
                counts[key] += 1
    assert all(n >= 2 for n in counts.values()), {k: n for k, n in counts.items() if n < 2}


def test_a_rule_copying_another_is_flagged() -> None:
    """The issue's case: a new rule checking what AML009 checks, under another ID."""
    copy = replace(BY_ID["AML009"], id="AML999", name="copy-of-aml009", overlaps={})
    reads = {**rule_reads(), "AML999": trace_rule(copy, fixture_paths(RULE_FIXTURES, "AML009"))}
    flagged = [
        o for o in undeclared_overlaps([*RULES, copy], reads) if "AML999" in (o.first, o.second)
    ]
    assert [(o.first, o.second) for o in flagged] == [("AML009", "AML999")]
    assert ReadPath(WORKSPACES, "properties.systemDatastoresAuthMode") in flagged[0].settings
    declared = replace(copy, overlaps={"AML009": "a test"})
    assert not [
        o for o in undeclared_overlaps([*RULES, declared], reads) if "AML999" in (o.first, o.second)
    ]


def test_reads_of_related_resources_are_traced() -> None:
    """AML211 judges workspaces but reads the vault holding their key through the Context."""
    assert ReadPath(VAULTS, "properties.enablePurgeProtection") in rule_reads()["AML211"]


def test_extension_resources_and_named_settings_are_told_apart() -> None:
    vault_logs = [
        r for r in rule_reads()["AML070"] if r.type == "Microsoft.Insights/diagnosticSettings"
    ]
    assert vault_logs and {r.on for r in vault_logs} == {VAULTS}
    assert (
        ReadPath("Microsoft.Security/pricings", "properties.pricingTier", name="Containers")
        in rule_reads()["AML182"]
    )


def test_tag_reads_name_the_tag() -> None:
    assert ReadPath(WORKSPACES, "tags.data-classification") in rule_reads()["AML006"]


def test_readers_match_paths_above_below_and_at_any_index() -> None:
    assert {"AML065", "AML211"} <= set(readers(VAULTS, "properties.enablePurgeProtection"))
    assert {"AML065", "AML211"} <= set(readers("microsoft.keyvault/VAULTS", "properties"))
    wide = readers("Microsoft.Storage/storageAccounts", "properties.networkAcls.ipRules[3].value")
    assert "AML084" in wide
    assert readers(VAULTS, "tags.unrelated") == []


def test_tracing_that_changes_a_verdict_is_refused(tmp_path: Path) -> None:
    """A rule that could tell a traced view from the real JSON must not be traced silently."""

    @rule(
        id="AML998",
        name="exact-type-probe",
        title="A probe",
        severity="low",
        resource_types=[WORKSPACES],
    )
    def probe(res: Resource, ctx: Context) -> Verdict:
        """Tells a plain dict from anything else."""
        return passed("plain") if type(res.raw) is dict else failed("traced")

    with pytest.raises(RuntimeError, match="tracing changed the verdicts of AML998"):
        trace_rule(probe, fixture_paths(RULE_FIXTURES, "AML001"))


@pytest.mark.parametrize(
    ("overlaps_given", "problem"),
    [
        ({"AML00": "why"}, "must be another rule's ID"),
        ({"AML997": "why"}, "another rule"),
        ({"AML001": " "}, "needs a reason"),
    ],
)
def test_overlap_declarations_are_validated(overlaps_given: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        rule(
            id="AML997",
            name="bad-overlaps",
            title="Bad",
            severity="low",
            resource_types=[WORKSPACES],
            overlaps=overlaps_given,
        )(lambda res, ctx: passed("x"))
