"""The HTML report, rendered by the real CLI from raw ARM JSON: sections, escaping, no network,
deterministic bytes, and the numbers it shows agree with the JSON report of the same scan."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from amlaudit.reports import ReportSettings, html_view
from amlaudit.reports.html import _environment, render, rule_markdown
from amlaudit.reports.svg import HeatCell, bar_chart, heat_map
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES, Run, load_fixture, run_cli, write_json

SECTIONS = (
    "verdict",
    "risks",
    "findings",
    "scope",
    "coverage",
    "severity",
    "compliance",
    "workspaces",
    "rules",
    "suppressions",
    "errors",
)
WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"

# Payloads planted in the hostile snapshot; each must come out as text, never as markup.
NAME = "<img src=x onerror=\"document.title='PWNED'\">"
TAG = "<script>document.title='pwned'</script>"
VALUE = "<svg onload=\"document.title='PWNED'\">"
BROKEN = "<u>broken-workspace</u>"
COLLECTION = "<b>collection-error</b>"
JUSTIFICATION = "<i>accepted & tracked</i>"
OWNER = "<s>ml-owner</s>"
FILE_NAME = "<q id=snap>.json"
PAYLOADS = (NAME, TAG, VALUE, BROKEN, COLLECTION, JUSTIFICATION, OWNER, FILE_NAME)


def hostile_snapshot() -> tuple[dict[str, Any], str]:
    """The demo estate with markup in a workspace name, a tag value, a property value, a
    collection error and a broken resource's name. Returns the envelope and the hostile
    workspace's ARM ID."""
    document = copy.deepcopy(load_fixture("demo.json"))
    workspace = next(
        r
        for r in document["resources"]
        if r["type"] == WORKSPACE_TYPE and r["name"] == "mlw-forecast-prod"
    )
    workspace["name"] = NAME
    workspace["tags"]["data-classification"] = TAG
    workspace["properties"]["hbiWorkspace"] = False
    workspace["properties"]["publicNetworkAccess"] = VALUE
    broken_id = workspace["id"].rsplit("/", 1)[0] + "/mlw-broken"
    document["resources"].append(
        {"id": broken_id, "name": BROKEN, "type": WORKSPACE_TYPE, "properties": None}
    )
    document["errors"] = [
        {
            "scope": workspace["id"].split("/resourceGroups/")[0] + "/resourceGroups/rg-other",
            "operation": "list storage accounts",
            "status": "403",
            "message": COLLECTION,
        }
    ]
    return document, workspace["id"]


def scan_hostile(tmp_path: Path) -> tuple[str, dict[str, Any]]:
    document, workspace_id = hostile_snapshot()
    snapshot = write_json(tmp_path / FILE_NAME, document)
    config = tmp_path / "amlaudit.toml"
    config.write_text(
        f'[options]\nsensitive_data_tags = ["data-classification={TAG}"]\n', encoding="utf-8"
    )
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text(
        "suppressions:\n"
        "  - rule: AML002\n"
        f"    resource: '{workspace_id}'\n"
        f"    justification: '{JUSTIFICATION}'\n"
        f"    owner: '{OWNER}'\n"
        "    ticket: SEC-1\n"
        "    expires: 2026-01-11\n"
        "  - rule: AML004\n"
        "    resource: '*'\n"
        "    justification: managed network rollout planned\n"
        "    owner: ml-platform\n"
        "    expires: 2026-06-30\n",
        encoding="utf-8",
    )
    return render_cli(
        tmp_path, "--snapshot", str(snapshot), "--config", str(config),
        "--suppressions", str(suppressions),
    )  # fmt: skip


def render_cli(tmp_path: Path, *args: str) -> tuple[str, dict[str, Any]]:
    """Run `amlaudit scan -o html -o json` and return the page and the JSON report."""
    page, report = tmp_path / "report.html", tmp_path / "report.json"
    run: Run = run_cli("scan", *args, "-o", f"html:{page}", "-o", f"json:{report}")
    assert run.code in (0, 1, 3), run.stderr
    assert "Traceback" not in run.stderr
    return page.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8"))


def sections(page: str) -> dict[str, str]:
    """Each <section id=...> of the page and its markup."""
    found = re.findall(r'<section id="([a-z]+)".*?</section>', page, re.DOTALL)
    bodies = re.findall(r'(<section id="[a-z]+".*?</section>)', page, re.DOTALL)
    return dict(zip(found, bodies, strict=True))


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    return render_cli(tmp_path_factory.mktemp("demo"), "--snapshot", str(FIXTURES / "demo.json"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    return scan_hostile(tmp_path_factory.mktemp("hostile"))


def test_every_section_is_rendered_in_order(demo: tuple[str, dict[str, Any]]) -> None:
    page, _ = demo
    assert tuple(sections(page)) == SECTIONS
    assert page.startswith("<!DOCTYPE html>")


def test_counts_match_the_json_report(demo: tuple[str, dict[str, Any]]) -> None:
    page, report = demo
    summary = report["summary"]
    for severity, count in summary["failing_by_severity"].items():
        assert f'data-count="failing-{severity}">{count}<' in page
    assert f'data-count="rules">{len(report["rules"])}<' in page
    assert f'data-count="workspaces">{len(report["scope"]["workspaces"])}<' in page
    failing = [f for f in report["findings"] if f["status"] in ("fail", "error")]
    assert page.count("<tr data-s=") == len(failing)
    for rule in report["rules"]:
        assert f'id="rule-{rule["id"]}"' in page


def test_verdict_follows_the_gate(demo: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    page, _ = demo
    assert 'data-verdict="FAIL"' in page  # the demo has high findings; --fail-on high
    relaxed, _ = render_cli(
        tmp_path, "--snapshot", str(FIXTURES / "demo.json"), "--fail-on", "never"
    )
    assert 'data-verdict="PASS"' in relaxed
    hardened, _ = render_cli(tmp_path, "--snapshot", str(FIXTURES / "hardened.json"))
    assert 'data-verdict="FAIL"' not in hardened


def test_every_payload_is_text_in_every_section(hostile: tuple[str, dict[str, Any]]) -> None:
    page, _ = hostile
    for payload in PAYLOADS:
        assert payload[:10] not in page, f"{payload!r} was rendered as markup"
    expected = {
        "scope": [FILE_NAME],
        "coverage": [COLLECTION],
        "workspaces": [NAME, TAG, VALUE],
        "risks": [NAME],
        "findings": [NAME, TAG, VALUE, BROKEN],
        "suppressions": [NAME, JUSTIFICATION, OWNER],
        "errors": [BROKEN],
    }
    parts = sections(page)
    for section, payloads in expected.items():
        for payload in payloads:
            assert str(escape(payload)) in parts[section], f"{payload!r} missing in {section}"


def test_evidence_values_are_escaped_json(hostile: tuple[str, dict[str, Any]]) -> None:
    page, _ = hostile
    shown = str(escape(json.dumps(VALUE, ensure_ascii=False)))
    assert f"<code>properties.publicNetworkAccess</code> is {shown}" in page


def test_suppressions_show_days_to_expiry(hostile: tuple[str, dict[str, Any]]) -> None:
    page, report = hostile
    assert report["summary"]["suppressed"] >= 2
    suppressed = sections(page)["suppressions"]
    rows = re.findall(r'<tr data-expiry="([a-z]+)">.*?</tr>', suppressed, re.DOTALL)
    assert "expiring" in rows and "active" in rows
    assert re.search(r'class="num exp-expiring">10<', suppressed)  # 2026-01-11 vs 2026-01-01
    assert re.search(r'class="num exp-active">180<', suppressed)  # 2026-06-30


def test_nothing_is_loaded_from_anywhere(demo: tuple[str, dict[str, Any]]) -> None:
    page, _ = demo
    collector = Collector()
    collector.feed(page)
    for tag, attrs in collector.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img", "base"), tag
        assert "src" not in attrs or (tag == "script" and attrs["src"] is None), (tag, attrs)
        for name, value in attrs.items():
            if value and re.match(r"\s*(https?:)?//", value):
                assert tag == "a" and name == "href", (tag, name, value)
    assert "@import" not in page and "url(" not in page
    scripts = [a for t, a in collector.tags if t == "script"]
    assert scripts == [{}], "one inline script, no src"


def test_csp_pins_the_inline_script_and_style(demo: tuple[str, dict[str, Any]]) -> None:
    page, _ = demo
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp, "no CSP meta"
    policy = csp.group(1).replace("&#39;", "'")
    assert "default-src 'none'" in policy
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.DOTALL)
        assert body
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy


def test_table_is_readable_without_javascript(demo: tuple[str, dict[str, Any]]) -> None:
    page, _ = demo
    assert '<form id="filters" hidden>' in page  # the script reveals it
    assert re.search(r"<tr data-s=\"fail\"[^>]*>", page)
    assert "<tr hidden" not in page


def test_same_input_same_bytes(tmp_path: Path) -> None:
    args = ("--snapshot", str(FIXTURES / "demo.json"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, _ = render_cli(tmp_path / "a", *args)
    second, _ = render_cli(tmp_path / "b", *args)
    assert first == second
    assert "2026-01-01T00:00:00Z" in first  # SOURCE_DATE_EPOCH, no wall clock


def test_fix_markdown_becomes_escaped_pre_blocks() -> None:
    html = str(rule_markdown("Run:\n\n```bash\naz x --name <ws> && echo '<b>'\n```\n"))
    assert '<pre><code class="language-bash">az x --name &lt;ws&gt; &amp;&amp;' in html
    assert "<b>" not in html
    risky = str(rule_markdown("<script>x()</script> [docs](javascript:alert(1))"))
    assert "<script>" not in risky and 'href="javascript' not in risky


def test_svg_labels_are_escaped() -> None:
    charts = _environment().get_template("_charts.html.j2").module
    heat = str(charts.heat(heat_map([HeatCell(NAME, TAG, "heat-pass")]), VALUE))  # type: ignore[attr-defined]
    bars = str(charts.bars(bar_chart({BROKEN: 3}), COLLECTION))  # type: ignore[attr-defined]
    for payload in (NAME, TAG, VALUE):
        assert str(escape(payload)) in heat
    assert str(escape(BROKEN)) in bars and str(escape(COLLECTION)) in bars
    assert "<img" not in heat + bars and "<script" not in heat and "<u>" not in bars


def test_large_table_is_capped_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    from io import StringIO

    from amlaudit.registry import find_packs, load_rules

    result = scan_snapshot(
        load([str(FIXTURES / "demo.json")]), load_rules(find_packs(use_entry_points=False))
    )
    listed = [f for f in result.findings if f.status.value in ("fail", "error")]
    assert len(listed) > 5
    monkeypatch.setattr(html_view, "MAX_TABLE_ROWS", 5)
    out = StringIO()
    render(result, out, ReportSettings())
    page = out.getvalue()
    assert page.count("<tr data-s=") == 5
    assert f"{len(listed) - 5} less severe findings are left out" in page


def test_triage_comes_first_and_rule_docs_are_collapsed(demo: tuple[str, dict[str, Any]]) -> None:
    page, report = demo
    assert list(sections(page))[:3] == ["verdict", "risks", "findings"]
    docs = re.findall(r"<details class=\"doc\" id=\"rule-([A-Z0-9]+)\"( open)?>", page)
    assert sorted(rule for rule, _ in docs) == sorted(r["id"] for r in report["rules"])
    assert not any(opened for _, opened in docs), "rule docs start collapsed"
    rows = re.findall(r'<tr data-s="[a-z]+" data-v="[a-z]+" data-r="([A-Z0-9]+)">(.*?)</tr>', page)
    assert rows and all(f'href="#rule-{rule}"' in row for rule, row in rows)
    assert 'class="cols"' not in page  # the fix no longer sits in a narrow column
    assert page.count('<div class="fix">') == len(report["rules"])


def test_every_count_says_what_it_counts(demo: tuple[str, dict[str, Any]]) -> None:
    page, report = demo
    verdict = sections(page)["verdict"]
    labels = dict(re.findall(r'data-count="([a-z]+)">[\d,]+</b><span>([^<]+)</span>', verdict))
    assert labels["gating"] == "active failing at or above high"
    assert labels["failing"] == "failing findings, all severities"
    in_input = sum(source["resources"] for source in report["scope"]["sources"])
    assert labels["resources"] == f"resources judged, of {in_input} in the input"
    assert "amlaudit scan: FAIL (exit 1): " in verdict


def test_worst_risks_rank_rules_by_severity_times_resources(
    demo: tuple[str, dict[str, Any]],
) -> None:
    page, report = demo
    rank = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
    workspace = report["scope"]["workspaces"][0]
    counts: dict[str, int] = {}
    for f in report["findings"]:
        if f["status"] == "fail" and not f["suppressed"] and workspace["id"] in f["workspaces"]:
            counts[f["rule_id"]] = counts.get(f["rule_id"], 0) + 1
    severity = {r["id"]: r["severity"] for r in report["rules"]}
    best = max(
        counts,
        key=lambda rid: (
            rank[severity[rid]] * counts[rid],
            rank[severity[rid]],
            [-ord(c) for c in rid],
        ),
    )
    risks = sections(page)["risks"]
    row = risks.split(f'<b class="name">{workspace["name"]}</b>', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'href="#f-([A-Z0-9]+)"', row).group(1) == best  # type: ignore[union-attr]


def test_cis_controls_have_no_title_column_and_one_explanation(
    demo: tuple[str, dict[str, Any]],
) -> None:
    compliance = sections(demo[0])["compliance"]
    cis = compliance.split('id="fw-CIS-Azure-2.0.0"', 1)[1]
    mcsb = compliance.split('id="fw-MCSB-v1"', 1)[1].split('id="fw-', 1)[0]
    assert cis.count("Control titles are not shown") == 1 and "<th>Title</th>" not in cis
    assert "<th>Title</th>" in mcsb and "Control titles are not shown" not in mcsb


def test_heat_map_legend_shows_every_shade_the_map_uses(demo: tuple[str, dict[str, Any]]) -> None:
    compliance = sections(demo[0])["compliance"]
    used = set(
        re.findall(r'<g class="heat-(fail-\d|pass|error|not-evaluated|no-rule)"', compliance)
    )
    legend = set(re.findall(r'<i class="lg-([a-z0-9-]+)">', compliance))
    names = {"not-evaluated": "none", "no-rule": "norule"}
    assert {"fail-1", "fail-2", "fail-3"} <= legend
    assert {names.get(shade, shade) for shade in used} <= legend
