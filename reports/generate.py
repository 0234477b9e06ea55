"""Regenerate every generated artefact of the repository, in dependency order.

    python reports/generate.py          # rewrite them all
    python reports/generate.py --check  # exit 1 naming each committed artefact that drifted

1. fixtures/demo.json and fixtures/hardened.json, from fixtures/estate/;
2. auditor/amlaudit/data/rule_reads.json, the settings each rule reads, traced from
   fixtures/rules/ (amlaudit.readtrace);
3. the rule catalog in rules/, from the rule code (it lists those reads);
4. the golden reports in reports/, from one real `amlaudit scan` of fixtures/demo.json with
   SOURCE_DATE_EPOCH fixed, so they are byte-stable;
5. reports/demo-screenshot.png, the first screen of reports/demo.html, when chromium is
   installed (never checked: a browser upgrade changes its pixels).

It imports and runs the code of the checkout it sits in, whatever is installed. Tests never
write these files; drift tests fail when they are stale.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "auditor"):  # this checkout's code, before any installed copy
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from reports.browser import find_browser, screenshot  # noqa: E402

from amlaudit import reads  # noqa: E402
from amlaudit.docs import catalog_files  # noqa: E402
from amlaudit.readtrace import trace_rules  # noqa: E402
from amlaudit.registry import find_packs, load_rules  # noqa: E402
from fixtures.build import expected as estate_files  # noqa: E402

REPORTS = ROOT / "reports"
SNAPSHOT = "fixtures/demo.json"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SCREENSHOT = REPORTS / "demo-screenshot.png"
SCREEN = "1400x1000"

GOLDEN: list[tuple[str, str]] = [
    ("sarif", "demo.sarif"),
    ("json", "demo.json"),
    ("markdown", "demo.md"),
    ("html", "demo.html"),
]


def _environment() -> dict[str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_COLOR": "1"}
    env.pop("AMLAUDIT_DEBUG", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "auditor"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


def render_all(target: Path) -> None:
    """Write every golden report into `target` with one scan; raise if the scan failed."""
    command = [sys.executable, "-m", "amlaudit", "scan", "--snapshot", SNAPSHOT, "--no-color"]
    for fmt, name in GOLDEN:
        command += ["-o", f"{fmt}:{target / name}"]
    proc = subprocess.run(command, cwd=ROOT, env=_environment(), capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # the demo estate has findings: 1 is expected
        raise SystemExit(f"amlaudit scan exited {proc.returncode}: {proc.stderr.strip()}")


def golden_reports() -> dict[Path, str]:
    with tempfile.TemporaryDirectory() as scratch:
        render_all(Path(scratch))
        return {REPORTS / name: (Path(scratch) / name).read_text("utf-8") for _, name in GOLDEN}


def rule_reads() -> dict[Path, str]:
    rules = load_rules(find_packs(use_entry_points=False))
    text = reads.render(trace_rules(rules, ROOT / "fixtures" / "rules"))
    return {ROOT / "auditor" / "amlaudit" / "data" / reads.DATA_FILE: text}


def catalog() -> dict[Path, str]:
    reads.rule_reads.cache_clear()  # the catalog lists the reads written just before
    rules = load_rules(find_packs(use_entry_points=False))
    return {ROOT / "rules" / name: text for name, text in catalog_files(rules).items()}


def estates() -> dict[Path, str]:
    return {ROOT / "fixtures" / name: text for name, text in estate_files().items()}


# In order: the catalog reads the traced reads; the golden reports scan the demo estate.
STEPS: list[tuple[str, Callable[[], dict[Path, str]]]] = [
    ("demo and hardened estates", estates),
    ("rule read paths", rule_reads),
    ("rule catalog", catalog),
    ("golden reports", golden_reports),
]


def _write(files: dict[Path, str]) -> None:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")


def _stale_catalog_pages(wanted: dict[Path, str]) -> list[Path]:
    directory = ROOT / "rules"
    return [p for p in directory.glob("*.md") if p not in wanted]


def regenerate() -> list[str]:
    """Write every artefact; the names of the steps done."""
    done = []
    for title, step in STEPS:
        files = step()
        if step is catalog:
            for stale in _stale_catalog_pages(files):
                stale.unlink()
        _write(files)
        done.append(f"{title} ({len(files)} file{'s' if len(files) != 1 else ''})")
    browser = find_browser()
    if browser is None:
        done.append("no screenshot: chromium is not installed")
    else:
        with tempfile.TemporaryDirectory() as scratch:
            screenshot(browser, Path(scratch), REPORTS / "demo.html", SCREENSHOT, SCREEN)
        done.append(f"screenshot ({SCREEN})")
    return done


def drifted() -> list[str]:
    """Committed artefacts that differ from what the code generates now (the steps are run
    in order on the committed inputs; nothing is written)."""
    stale = []
    for _, step in STEPS:
        files = step()
        if step is catalog:
            stale += [str(p.relative_to(ROOT)) for p in _stale_catalog_pages(files)]
        stale += [
            str(path.relative_to(ROOT))
            for path, text in files.items()
            if not path.is_file() or path.read_text("utf-8") != text
        ]
    return sorted(stale)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = drifted()
        if stale:
            print(f"out of date: {', '.join(stale)} (run python reports/generate.py)")
            return 1
        print("every generated artefact is up to date")
        return 0
    for line in regenerate():
        print(f"regenerated {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
