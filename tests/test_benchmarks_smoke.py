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
    assert row["scan_s"] > 0 and row["scan_rss_mb"] > 0
    assert figures["startup"]["version_s"] > 0


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
