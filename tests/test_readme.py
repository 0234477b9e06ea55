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


def _release_section(version: str) -> str:
    match = re.search(rf"^## \[{re.escape(version)}\].*?(?=^## \[)", CHANGELOG, re.M | re.S)
    assert match, f"no [{version}] section in CHANGELOG.md"
    return match.group(0)


def _named_ids(text: str) -> set[str]:
    """Rule IDs named in the text, ranges (`AML220–AML225`) expanded."""
    named = set(re.findall(r"AML\d{3}", text))
    for low, high in re.findall(r"AML(\d{3})[–-]AML(\d{3})", text):
        named |= {f"AML{n:03d}" for n in range(int(low), int(high) + 1)}
    return named


def test_the_changelog_names_every_new_rule_of_its_release() -> None:
    """Each release's section names every rule that arrived with it, and counts them right."""
    for version in sorted({spec.since for spec in RULES} - {"0.1.0"}):
        section = _release_section(version)
        new = {spec.id for spec in RULES if spec.since == version}
        assert new <= _named_ids(section), sorted(new - _named_ids(section))
        assert re.search(rf"\b{len(new)} preview rules\b", section), f"{version}: rule count"
