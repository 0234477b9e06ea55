"""Regenerate the golden example reports in reports/ from the demo estate.

    python reports/generate.py          # rewrite them
    python reports/generate.py --check  # exit 1 when a committed report drifted (CI)

All reports come from one real `amlaudit scan` of fixtures/demo.json with SOURCE_DATE_EPOCH
fixed, so they are byte-stable. A new format is one more (format, filename) pair in GOLDEN.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
SNAPSHOT = "fixtures/demo.json"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

GOLDEN: list[tuple[str, str]] = [
    ("sarif", "demo.sarif"),
    ("json", "demo.json"),
    ("markdown", "demo.md"),
    ("html", "demo.html"),
]


def render_all(target: Path) -> None:
    """Write every golden report into `target` with one scan; raise if the scan failed."""
    command = [sys.executable, "-m", "amlaudit", "scan", "--snapshot", SNAPSHOT, "--no-color"]
    for fmt, name in GOLDEN:
        command += ["-o", f"{fmt}:{target / name}"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_COLOR": "1"}
    env.pop("AMLAUDIT_DEBUG", None)
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # the demo estate has findings: 1 is expected
        raise SystemExit(f"amlaudit scan exited {proc.returncode}: {proc.stderr.strip()}")


def drifted() -> list[str]:
    """Names of committed golden reports that differ from a fresh rendering."""
    with tempfile.TemporaryDirectory() as scratch:
        render_all(Path(scratch))
        return [
            name
            for _, name in GOLDEN
            if not (REPORTS / name).is_file()
            or (REPORTS / name).read_bytes() != (Path(scratch) / name).read_bytes()
        ]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = drifted()
        if stale:
            print(f"out of date: {', '.join(stale)} (run python reports/generate.py)")
            return 1
        return 0
    render_all(REPORTS)
    print(f"wrote {', '.join(name for _, name in GOLDEN)} to {REPORTS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
