"""`amlaudit controls`: framework names in any case, only the uncovered controls, CIS without a
title column (said once, with the reason), titles never cut."""

from __future__ import annotations

import json

from amlaudit.controls import catalog_controls
from conftest import run_cli


def test_framework_names_compare_case_insensitively() -> None:
    lower = run_cli("controls", "--framework", "mcsb-v1", "--format", "json")
    exact = run_cli("controls", "--framework", "MCSB-v1", "--format", "json")
    assert lower.code == 0 and lower.stdout == exact.stdout
    assert list(lower.json()) == ["MCSB-v1"]
    bad = run_cli("controls", "--framework", "nist")
    assert bad.code == 2 and "unknown framework 'nist'" in bad.stderr


def test_uncovered_lists_only_the_controls_without_a_rule() -> None:
    every = run_cli("controls", "--format", "json").json()
    uncovered = run_cli("controls", "--uncovered", "--format", "json").json()
    for framework, rows in every.items():
        expected = [row["id"] for row in rows if not row["rules"]]
        assert expected and [row["id"] for row in uncovered[framework]] == expected
    text = run_cli("controls", "--uncovered", "--framework", "ASB-v1").stdout
    assert "no rule" in text and "rules  AML" not in text


def test_cis_has_no_title_column_and_says_why_once() -> None:
    run = run_cli("controls", "--framework", "CIS-Azure-2.0.0")
    assert run.stdout.count("Control titles are not shown") == 1
    assert "licensed benchmark documents" in run.stdout
    rows = [line for line in run.stdout.splitlines() if line.startswith("  2.1.8 ")]
    assert rows and rows[0].split() == ["2.1.8", "rules", "AML105,AML182"]


def test_titles_are_printed_whole() -> None:
    longest = max(catalog_controls("MCSB-v1"), key=lambda c: len(c.title))
    assert len(longest.title) > 60
    run = run_cli("controls", "--framework", "MCSB-v1")
    assert f"{longest.title}: " in run.stdout
    listed = json.loads(run_cli("controls", "--format", "json").stdout)["MCSB-v1"]
    assert {row["title"] for row in listed} >= {longest.title}
