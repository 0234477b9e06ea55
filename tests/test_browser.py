"""The HTML report in a real browser (headless Debian chromium): the numbers a reader sees, the
filter script running under the page's CSP, and no script from resource data running.

Without a browser the tests skip with the reason; AMLAUDIT_REQUIRE_BROWSER=1 (set by .ci/run)
turns that skip into a failure so CI always runs them. The demo report's screenshot is
regenerated into reports/demo-screenshot.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from test_html_report import NAME, PAYLOADS, TAG, VALUE, render_cli, scan_hostile

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCREENSHOT = ROOT / "reports" / "demo-screenshot.png"
TITLE = "<title>amlaudit report</title>"


@pytest.fixture(scope="module")
def browser() -> str:
    found = next((path for name in CANDIDATES if (path := shutil.which(name))), None)
    if found is None:
        reason = "no chromium or google-chrome on PATH (Debian: apt-get install -y chromium)"
        if os.environ.get("AMLAUDIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AMLAUDIT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return found


def headless(browser: str, profile: Path, page: Path, *args: str, query: str = "") -> str:
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
            page.resolve().as_uri() + query,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class Elements(HTMLParser):
    """Every element of a DOM dump with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(dom: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(dom)
    return parser.elements


def as_text(payload: str) -> str:
    """How a DOM serialiser writes a text node holding `payload`."""
    return payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_demo_report_shows_the_scan(browser: str, tmp_path: Path) -> None:
    _, report = render_cli(tmp_path, "--snapshot", "fixtures/demo.json")  # as in the golden
    page = tmp_path / "report.html"
    dom = headless(browser, tmp_path / "profile", page, "--dump-dom")
    assert TITLE in dom

    summary: dict[str, Any] = report["summary"]
    for severity, count in summary["failing_by_severity"].items():
        shown = re.search(rf'data-count="failing-{severity}">([\d,]+)<', dom)
        assert shown and int(shown.group(1).replace(",", "")) == count, severity
    rules = re.search(r'data-count="rules">([\d,]+)<', dom)
    assert rules and int(rules.group(1)) == len(report["rules"])
    workspaces = re.search(r'data-count="workspaces">([\d,]+)<', dom)
    assert workspaces and int(workspaces.group(1)) == len(report["scope"]["workspaces"])
    for workspace in report["scope"]["workspaces"]:
        assert f'<span class="name">{workspace["name"]}</span>' in dom

    # The filter script ran under the page's CSP: it revealed the form and counted the rows.
    tags = elements(dom)
    form = next(attrs for tag, attrs in tags if tag == "form" and attrs.get("id") == "filters")
    assert "hidden" not in form
    listed = sum(1 for f in report["findings"] if f["status"] in ("fail", "error"))
    assert f'id="filter-count" class="muted small">{listed} of {listed} shown<' in dom

    # A filtered link: the script applies the query to the server-rendered rows.
    filtered = headless(
        browser, tmp_path / "profile", page, "--dump-dom", query="?severity=high&rule=AML001"
    )
    wanted = [
        f
        for f in report["findings"]
        if f["rule_id"] == "AML001" and f["status"] in ("fail", "error")
    ]
    assert wanted, "the demo estate fails AML001"
    assert f">{len(wanted)} of {listed} shown<" in filtered
    rows = re.findall(r"<tr data-s=[^>]*>", filtered)
    assert len(rows) == listed
    assert sum(1 for row in rows if " hidden" not in row) == len(wanted)
    assert all('data-r="AML001"' in row for row in rows if " hidden" not in row)

    SCREENSHOT.parent.mkdir(exist_ok=True)
    headless(
        browser,
        tmp_path / "profile",
        page,
        f"--screenshot={SCREENSHOT}",
        "--window-size=1280,2000",
    )
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert SCREENSHOT.stat().st_size > 20_000  # a rendered page, not a blank canvas


def test_hostile_resource_data_never_runs(browser: str, tmp_path: Path) -> None:
    scan_hostile(tmp_path)
    dom = headless(browser, tmp_path / "profile", tmp_path / "report.html", "--dump-dom")

    assert TITLE in dom, "a payload changed document.title"
    assert "PWNED" not in dom.split("</title>", 1)[0].upper()
    for payload in (NAME, TAG, VALUE):
        assert as_text(payload) in dom, f"{payload!r} is not shown as text"
    for payload in PAYLOADS:
        assert payload[:10] not in dom
    for tag, attrs in elements(dom):
        assert tag not in ("img", "svg") or not any(a.startswith("on") for a in attrs), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    scripts = [attrs for tag, attrs in elements(dom) if tag == "script"]
    assert scripts == [{}], "only the report's own script"
