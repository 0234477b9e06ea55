"""Headless chromium for the HTML report: find it, dump a page's DOM, take a screenshot, and
measure a page's height at a given width. Used by `reports/generate.py` (the screenshot) and
by tests/test_browser.py.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def headless(browser: str, profile: Path, page: Path, *args: str, query: str = "") -> str:
    """Run chromium headless on a local page; its stdout (the DOM with `--dump-dom`)."""
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
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


def screenshot(browser: str, profile: Path, page: Path, target: Path, size: str) -> None:
    """A PNG of the page's first screen at `size` ("WIDTHxHEIGHT")."""
    width, height = size.split("x")
    headless(browser, profile, page, f"--screenshot={target}", f"--window-size={width},{height}")


_PROBE = """<!doctype html><meta charset="utf-8"><title>probe</title>
<iframe id="page" src="{src}" style="width:{width}px;height:600px;border:0"></iframe>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => {{
  const doc = frame.contentDocument;
  doc.querySelectorAll("details").forEach((d) => {{ d.open = false; }});
  const out = document.createElement("output");
  out.id = "height";
  out.textContent = String(doc.documentElement.scrollHeight);
  document.body.appendChild(out);
}});
</script>
"""


def page_height(browser: str, profile: Path, page: Path, width: int) -> int:
    """The page's height in CSS pixels at `width`, with every `<details>` closed.

    The page is framed by a probe page next to it that reads the frame's scroll height: file
    pages share an origin only with --allow-file-access-from-files, so nothing else can.
    """
    probe = page.with_name(page.stem + ".probe.html")
    probe.write_text(_PROBE.format(src=html.escape(page.name), width=width), encoding="utf-8")
    dom = headless(
        browser,
        profile,
        probe,
        "--dump-dom",
        "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
    )
    found = re.search(r'<output id="height">(\d+)</output>', dom)
    if found is None:
        raise RuntimeError("the probe page could not measure the report")
    return int(found.group(1))
