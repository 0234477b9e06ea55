"""Where reports go: regular files atomically (a crash mid-render leaves neither a partial
report nor a temporary file), stdout, /dev/stdout and named pipes directly, paths with spaces,
and never over the snapshot being read (also not through a symlink).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

import pytest

from amlaudit.cli import main
from amlaudit.errors import UsageError
from amlaudit.output import write_text
from amlaudit.reports import FORMATS
from conftest import FIXTURES, run_cli

DEMO = str(FIXTURES / "demo.json")


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_a_crash_mid_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report\n", encoding="utf-8")

    def half_then_crash(out: TextIO) -> None:
        out.write('{"partial": ')
        out.flush()
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        write_text(str(target), half_then_crash)
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert leftovers(tmp_path) == []
    fresh = tmp_path / "new.json"
    with pytest.raises(RuntimeError):
        write_text(str(fresh), half_then_crash)
    assert not fresh.exists() and leftovers(tmp_path) == []


def test_a_crashing_renderer_in_a_real_scan_is_exit_4_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = tmp_path / "crashing_format.py"
    module.write_text(
        "def render(result, out, settings):\n"
        "    out.write('<partial>' * 1000)\n"
        "    raise ValueError('renderer bug')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(FORMATS, "crashing", "crashing_format")
    good, bad = tmp_path / "good.json", tmp_path / "bad.out"
    bad.write_text("old", encoding="utf-8")
    code = main(["scan", "--snapshot", DEMO, "-o", f"json:{good}", "-o", f"crashing:{bad}"])
    err = capsys.readouterr().err
    assert code == 4 and "internal error" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert bad.read_text(encoding="utf-8") == "old"
    json.loads(good.read_text(encoding="utf-8"))  # the report written before is whole
    assert leftovers(tmp_path) == []


def test_stdout_dash_and_dev_stdout() -> None:
    dash = run_cli("scan", "--snapshot", DEMO, "-o", "json:-")
    assert dash.code == 1 and json.loads(dash.stdout)["schema_version"] == 1
    dev = run_cli("scan", "--snapshot", DEMO, "-o", "json:/dev/stdout")
    assert dev.code == 1 and json.loads(dev.stdout) == json.loads(dash.stdout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("scan", "--snapshot", DEMO, "-o", f"json:{fifo}")
    reader.join(timeout=60)
    assert result.code == 1, result.stderr
    assert json.loads(received[0])["summary"]["workspaces"] > 0
    assert fifo.is_fifo() and leftovers(tmp_path) == []


def test_paths_with_spaces_and_unicode(tmp_path: Path) -> None:
    folder = tmp_path / "audit inputs ü"
    folder.mkdir()
    snapshot = folder / "demo snapshot (copy).json"
    snapshot.write_bytes(Path(DEMO).read_bytes())
    out_dir = tmp_path / "reports out"
    out_dir.mkdir()
    outputs = [f"{fmt}:{out_dir / f'report {fmt}.out'}" for fmt in sorted(FORMATS)]
    result = run_cli("scan", "--snapshot", str(snapshot), *[a for o in outputs for a in ("-o", o)])
    assert result.code == 1, result.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        f"report {fmt}.out" for fmt in FORMATS
    )
    report = json.loads((out_dir / "report json.out").read_text(encoding="utf-8"))
    assert report["scope"]["sources"][0]["path"] == str(snapshot)


def test_refuses_to_overwrite_the_input_snapshot(tmp_path: Path) -> None:
    snapshot = tmp_path / "estate.json"
    original = Path(DEMO).read_bytes()
    snapshot.write_bytes(original)
    link = tmp_path / "link.json"
    link.symlink_to(snapshot)
    for target, given in ((snapshot, snapshot), (link, snapshot), (snapshot, link)):
        result = run_cli("scan", "--snapshot", str(given), "-o", f"json:{target}")
        assert result.code == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "would overwrite an input snapshot" in result.stderr
        assert snapshot.read_bytes() == original
    relative = run_cli("scan", "--snapshot", str(snapshot), "-o", "json:estate.json", cwd=tmp_path)
    assert relative.code == 2 and snapshot.read_bytes() == original


def test_missing_output_directory_and_two_outputs_to_one_file(tmp_path: Path) -> None:
    missing = run_cli("scan", "--snapshot", DEMO, "-o", f"json:{tmp_path / 'no' / 'r.json'}")
    assert missing.code == 2 and "does not exist" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    same = tmp_path / "r.out"
    twice = run_cli("scan", "--snapshot", DEMO, "-o", f"json:{same}", "-o", f"sarif:{same}")
    assert twice.code == 2 and not same.exists()


def test_replaced_report_keeps_umask_permissions(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o600)
    write_text(str(target), lambda out: out.write("{}\n"))
    assert target.read_text(encoding="utf-8") == "{}\n"
    mode = target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o644 & ~umask


def test_unwritable_destination_is_a_usage_error(tmp_path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("POSIX paths")
    with pytest.raises(UsageError):
        write_text(str(tmp_path / "missing-dir" / "r.json"), lambda out: out.write("x"))
