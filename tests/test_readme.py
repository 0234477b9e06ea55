"""Numbers and tables in the README and CHANGELOG that the code decides: they fail here
instead of going stale silently."""

from __future__ import annotations

import re

from amlaudit.commands.new_rule import FAMILY_RANGES
from amlaudit.registry import find_packs, load_rules
from conftest import ROOT

RULES = load_rules(find_packs(use_entry_points=False))
README = (ROOT / "README.md").read_text("utf-8")
CHANGELOG = (ROOT / "CHANGELOG.md").read_text("utf-8")


def test_every_rule_count_in_the_readme_is_the_real_one() -> None:
    counts = [int(n.replace(",", "")) for n in re.findall(r"\b([\d,]+) rules\b", README)]
    assert counts and set(counts) == {len(RULES)}, counts
    families = {spec.module.split(".")[-2] for spec in RULES}
    stated = [int(n) for n in re.findall(r"\b(\d+) families\b", README)]
    assert stated and set(stated) == {len(families)}, (stated, sorted(families))


def test_the_family_id_table_is_the_scaffolders() -> None:
    table = dict(re.findall(r"\| `([a-z]+)`[^|]*\| AML(\d{3}–AML\d{3}) \|", README))
    expected = {family: f"{low:03d}–AML{high:03d}" for family, (low, high) in FAMILY_RANGES.items()}
    assert table == expected


def test_the_changelog_counts_the_rules_of_0_1_0() -> None:
    first = sum(1 for spec in RULES if spec.since == "0.1.0")
    assert re.search(rf"\b{first} rules \(AML001", CHANGELOG), "the 0.1.0 rule count"
