"""The suite never writes a tracked file: conftest records the sha256 and mtime of every file
git tracks when the session starts and fails the session if any differ at the end. This proves
the comparison catches what it must, on a real git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, changed_files, tracked_state


def _repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "golden.json").write_text("{}\n", "utf-8")
    (tmp_path / "untracked.txt").write_text("scratch\n", "utf-8")
    subprocess.run(["git", "-C", str(tmp_path), "add", "golden.json"], check=True)
    return tmp_path


def test_a_rewrite_with_the_same_bytes_is_caught_by_its_mtime(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = tracked_state(repo)
    assert before is not None and list(before) == ["golden.json"]
    stat = (repo / "golden.json").stat()
    os.utime(repo / "golden.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert changed_files(before, tracked_state(repo) or {}) == ["golden.json"]


def test_new_content_and_deletion_are_caught_untracked_files_are_not(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = tracked_state(repo) or {}
    (repo / "untracked.txt").write_text("more\n", "utf-8")
    assert changed_files(before, tracked_state(repo) or {}) == []
    (repo / "golden.json").write_text('{"changed": true}\n', "utf-8")
    assert changed_files(before, tracked_state(repo) or {}) == ["golden.json"]
    (repo / "golden.json").unlink()
    assert changed_files(before, tracked_state(repo) or {}) == ["golden.json"]


def test_the_session_check_is_armed_for_this_checkout(request: pytest.FixtureRequest) -> None:
    if tracked_state(ROOT) is None:
        pytest.skip("not a git checkout")
    from conftest import _TRACKED

    recorded = request.config.stash.get(_TRACKED, None)
    assert recorded and "reports/demo-screenshot.png" in recorded
