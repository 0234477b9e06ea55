"""JUnit (Azure DevOps test results) and Markdown (step summary, PR comment) from real scans,
including an estate whose resource names try to inject markup."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from conftest import FIXTURES, run_cli, write_json
from test_sarif import hostile_snapshot


def scan(tmp_path: Path, snapshot: Path, *flags: str) -> tuple[int, dict[str, Any]]:
    report = tmp_path / "r.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(snapshot),
        "-o",
        f"json:{report}",
        "-o",
        f"junit:{tmp_path / 'r.xml'}",
        "-o",
        f"markdown:{tmp_path / 'r.md'}",
        *flags,
    )
    assert run.code in (0, 1, 3), run.stderr
    return run.code, json.loads(report.read_text(encoding="utf-8"))


def junit_outcomes(path: Path) -> dict[tuple[str, str], str]:
    root = ET.parse(path).getroot()
    outcomes = {}
    totals: Counter[str] = Counter()
    for suite in root.iter("testsuite"):
        counted: Counter[str] = Counter()
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        for case in cases:
            kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
            assert len(kinds) <= 1
            outcome = kinds[0] if kinds else "pass"
            counted[outcome] += 1
            outcomes[(case.get("classname", ""), case.get("name", ""))] = outcome
        for outcome, attribute in (
            ("failure", "failures"),
            ("error", "errors"),
            ("skipped", "skipped"),
        ):
            assert int(suite.get(attribute, "-1")) == counted[outcome]
            totals[attribute] += counted[outcome]
        totals["tests"] += len(cases)
    for attribute, value in totals.items():
        assert int(root.get(attribute, "-1")) == value
    return outcomes


EXPECTED = {
    "pass": "pass",
    "fail": "failure",
    "error": "error",
    "skipped": "skipped",
    "info": "skipped",
}


def test_junit_has_one_case_per_rule_and_resource(tmp_path: Path) -> None:
    suppressions = tmp_path / "s.yaml"
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    target = next(r["id"] for r in demo["resources"] if r["name"] == "mlw-forecast-prod")
    suppressions.write_text(
        f"- {{rule: AML001, resource: '{target}', justification: pilot, owner: secops, "
        "expires: 2026-02-01}\n",
        encoding="utf-8",
    )
    _, report = scan(tmp_path, FIXTURES / "demo.json", "--suppressions", str(suppressions))
    outcomes = junit_outcomes(tmp_path / "r.xml")
    assert len(outcomes) == len(report["findings"])
    for finding in report["findings"]:
        expected = "skipped" if finding["suppressed"] else EXPECTED[finding["status"]]
        assert outcomes[(f"amlaudit.{finding['rule_id']}", finding["resource_id"])] == expected
    root = ET.parse(tmp_path / "r.xml").getroot()
    skipped = root.find(f".//testcase[@name='{target}'][@classname='amlaudit.AML001']/skipped")
    assert skipped is not None and "pilot" in skipped.get("message", "")
    failure = root.find(".//testcase[@classname='amlaudit.AML001']/failure")
    assert failure is not None and failure.get("type") == "high"
    assert "amlaudit explain AML001" in (failure.text or "")


def test_junit_reports_collection_errors_and_survives_hostile_names(tmp_path: Path) -> None:
    snapshot = hostile_snapshot(tmp_path / "hostile.json")
    estate = json.loads(snapshot.read_text(encoding="utf-8"))
    estate["errors"] = [
        {
            "scope": "/subscriptions/x\x01<y>",
            "operation": "list",
            "status": "403",
            "message": "denied\x00",
        }
    ]
    write_json(snapshot, estate)
    code, report = scan(tmp_path, snapshot)
    assert code == 3
    summary = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert summary.startswith("## amlaudit: ⚠️ incomplete scan")
    (line,) = [x for x in summary.splitlines() if x.startswith("- collection: list")]
    assert "/subscriptions/x" in line and "&lt;y&gt;: 403 denied" in line
    outcomes = junit_outcomes(tmp_path / "r.xml")  # well-formed despite control characters
    assert outcomes[("amlaudit.collection", "/subscriptions/x\ufffd<y>")] == "error"
    names = {name for _, name in outcomes}
    for finding in report["findings"]:
        assert re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", finding["resource_id"]) in names


def test_markdown_summary_counts_and_verdict(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    run_cli(
        "scan",
        "--snapshot",
        str(FIXTURES / "demo.json"),
        "--select",
        "AML001,AML004",
        "-o",
        f"json:{previous}",
    )
    estate = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    next(r for r in estate["resources"] if r["name"] == "mlw-fraud-prod")["properties"][
        "publicNetworkAccess"
    ] = "Enabled"
    later = write_json(tmp_path / "later.json", estate)
    code, report = scan(tmp_path, later, "--select", "AML001,AML004", "--baseline", str(previous))
    assert code == 1
    failing = Counter(f["rule_id"] for f in report["findings"] if f["status"] == "fail")
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert text.startswith("## amlaudit: ❌ gate failed\n")
    high, medium = failing["AML001"], failing["AML004"]  # AML001 is high, AML004 medium
    assert f"| high | {high} | 1 | {high - 1} | 0 |" in text  # one new since the baseline
    assert f"| medium | {medium} | 0 | {medium} | 0 |" in text
    assert "| high 🆕 | [AML001]" in text
    assert re.search(rf"\| high \| \[AML001\]\([^)]+\) \| [^|]+ \| {high} \| 1 \|", text)

    _, _ = scan(tmp_path, FIXTURES / "hardened.json", "--select", "AML001")
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("## amlaudit: ✅ gate passed")


def test_markdown_renders_hostile_names_as_text(tmp_path: Path) -> None:
    scan(tmp_path, hostile_snapshot(tmp_path / "hostile.json"))
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert len(text) < 65_536  # fits a GitHub comment
    rendered = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", rendered))
    assert tags <= {
        "h2",
        "h3",
        "p",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "ul",
        "li",
    }
    links = re.findall(r'<a href="([^"]*)"', rendered)
    assert links and all(link.startswith("https://github.com/amlaudit/") for link in links)
    for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.DOTALL)[1:]:
        if "<td>" in row and "mlw" in row:
            assert row.count("<td>") == 4  # a `|` in a name cannot add a column
    cells = html.unescape(rendered)
    assert "<script>alert(1)</script>" in cells  # shown literally, as text
    assert "@\u200badmin" in cells and "@admin" not in cells  # no mention notifications
    assert "**b**" in cells  # emphasis markers stayed text
    assert "w" * 400 not in text  # 2 kB names are shortened in the summary
