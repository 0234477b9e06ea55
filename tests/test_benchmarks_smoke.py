"""A short smoke of the offline benchmark: the generator and bench.py run end to end.

The real figures come from `python benchmarks/bench.py` outside CI (benchmarks/README.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_bench_smoke_prints_figures_for_one_size() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--sizes",
            "10",
            "--runs",
            "1",
            "--no-collect",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    (row,) = figures["sizes"]
    assert row["workspaces"] == 10 and row["resources"] > 100
    assert row["phases"]["findings"] > row["resources"]  # every rule judged its resources
    for name in ("json_load", "orjson", "scan_jobs1", "scan_jobs2"):
        command = row[name]
        assert command["wall_s"] > 0 and command["peak_rss_mb"] > 5, name
        assert command["tree_peak_pss_mb"] > 0, name  # the sampled run saw the process
    assert row["json_load"]["vs_json_load"] == 1.0
    assert row["scan_jobs1"]["rss_vs_json_load"] > 1.0  # a scan holds more than the parse
    assert figures["startup"]["version_s"] > 0


def test_launcher_reports_the_peak_of_its_child_not_its_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A child that holds ~200 MB: the launcher's RUSAGE_CHILDREN peak and the sampled PSS
    both see it, while the launcher itself stays small."""
    hold = "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "launch.py"),
            "--sample",
            "--",
            sys.executable,
            "-c",
            hold,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures = json.loads(proc.stdout)
    assert figures["exit"] == 0
    assert 200e6 < figures["peak_rss_bytes"] < 300e6
    assert 150e6 < figures["peak_pss_bytes"] < 300e6


def test_generator_is_deterministic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for name in ("a.json", "b.json"):
        target = tmp_path / name
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                "--workspaces",
                "12",
                "--format",
                "array",
                "-o",
                str(target),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) > 100
