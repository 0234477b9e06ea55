"""Shared test helpers: run the real CLI in-process or as a subprocess, load fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for `fixtures.estate`


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run `python -m amlaudit` in a subprocess: the real CLI, exit code and streams."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}
    full_env.pop("AMLAUDIT_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "amlaudit", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> Iterator[Any]:
    yield run_cli


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# -- the suite writes no tracked file -------------------------------------------------------
# Regenerating artefacts belongs to `python reports/generate.py`; a test that rewrites a
# tracked file (a golden report, the screenshot) hides drift and dirties every checkout.

TrackedState = dict[str, tuple[str, int]]


def tracked_state(root: Path) -> TrackedState | None:
    """sha256 and mtime of every file git tracks under `root`; None outside a git checkout."""
    import hashlib

    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    state: TrackedState = {}
    for name in filter(None, listed.decode("utf-8", "surrogateescape").split("\0")):
        path = root / name
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[name] = (digest, path.stat().st_mtime_ns)
    return state


def changed_files(before: TrackedState, after: TrackedState) -> list[str]:
    """Tracked files whose content or mtime changed, or that appeared or vanished."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_TRACKED] = tracked_state(ROOT)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_TRACKED, None)
    if before is None:
        return
    after = tracked_state(ROOT)
    changed = changed_files(before, after or {})
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "the test suite wrote tracked files: " + ", ".join(changed[:20])
        if reporter is not None:
            reporter.write_line(f"ERROR: {message}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_TRACKED = pytest.StashKey[TrackedState | None]()
