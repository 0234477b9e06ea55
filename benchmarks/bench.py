"""amlaudit's speed and memory against the floor: reading the same JSON with the stdlib.

    python benchmarks/bench.py                  # 10, 100 and 1,000 workspaces, 5 runs each
    python benchmarks/bench.py --sizes 10 --runs 1   # the smoke CI runs

Every figure is the median of --runs runs, each in a fresh process (os.wait4 gives its peak
RSS). Ratios, not absolute times, are what matter; targets (at 1,000 workspaces):
scan <= 2x json.load; peak RSS <= 1.5x json.load's peak; 10x the estate <= 11x the time;
`amlaudit --version` <= 1.5x `python -c pass`; HTML and SARIF each written in under the scan
time. Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PY = sys.executable

# Runs inside a child process: load + scan + each report, timed separately.
_INPROCESS = r"""
import io, json, sys, time
t0 = time.perf_counter()
from amlaudit.registry import find_packs, load_rules
from amlaudit.scan import ScanRequest, run_scan
from amlaudit.reports import FORMATS, ReportSettings, renderer
rules = load_rules(find_packs(use_entry_points=False))
t1 = time.perf_counter()
result = run_scan(ScanRequest(snapshots=[sys.argv[1]], rules=rules, allow_empty=True))
t2 = time.perf_counter()
times = {"import_and_rules": t1 - t0, "load_and_evaluate": t2 - t1, "findings": len(result.findings)}
for fmt in ("json", "sarif", "html"):
    if fmt in FORMATS:
        with open("/dev/null", "w") as sink:
            t = time.perf_counter()
            renderer(fmt)(result, sink, ReportSettings())
            times[fmt] = time.perf_counter() - t
print(json.dumps(times))
"""


def run_child(args: list[str]) -> tuple[float, int, str]:
    """Wall time, peak RSS (bytes) and stdout of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"{args} exited {proc.returncode}")
    return wall, usage.ru_maxrss * 1024, out


def median_child(args: list[str], runs: int) -> tuple[float, int, list[str]]:
    walls, rss, outs = [], [], []
    for _ in range(runs):
        wall, peak, out = run_child(args)
        walls.append(wall)
        rss.append(peak)
        outs.append(out)
    return statistics.median(walls), int(statistics.median(rss)), outs


def estate(workspaces: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"estate-{workspaces}.json"
    if not path.exists():
        subprocess.run(
            [PY, str(HERE / "generate.py"), "--workspaces", str(workspaces), "-o", str(path)],
            check=True,
        )
    return path


def measure(workspaces: int, runs: int) -> dict[str, Any]:
    path = estate(workspaces)
    size = path.stat().st_size
    resources = len(json.loads(path.read_text("utf-8"))["resources"])
    load_wall, load_rss, _ = median_child(
        [PY, "-c", "import json,sys; json.load(open(sys.argv[1], 'rb'))", str(path)], runs
    )
    scan_args = [PY, "-m", "amlaudit", "scan", "--snapshot", str(path), "-o", "json:/dev/null",
                 "--fail-on", "never", "--allow-incomplete"]
    scan_wall, scan_rss, _ = median_child(scan_args, runs)
    _, _, outs = median_child([PY, "-c", _INPROCESS, str(path)], runs)
    inner = [json.loads(o) for o in outs]
    phases = {k: statistics.median(i[k] for i in inner) for k in inner[0]}
    return {
        "workspaces": workspaces,
        "resources": resources,
        "size_mb": size / 1e6,
        "json_load_s": load_wall,
        "scan_s": scan_wall,
        "scan_ratio": scan_wall / load_wall,
        "json_load_rss_mb": load_rss / 1e6,
        "scan_rss_mb": scan_rss / 1e6,
        "rss_vs_load": scan_rss / load_rss,
        "rss_vs_file": scan_rss / size,
        "phases": phases,
    }


def startup(runs: int) -> dict[str, float]:
    bare, _, _ = median_child([PY, "-c", "pass"], runs)
    version, _, _ = median_child([PY, "-m", "amlaudit", "--version"], runs)
    script = Path(PY).with_name("amlaudit")
    entry = median_child([str(script), "--version"], runs)[0] if script.exists() else version
    return {"python_pass_s": bare, "version_s": version, "version_script_s": entry,
            "version_ratio": entry / bare}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print raw figures as JSON")
    parser.add_argument("--no-collect", action="store_true",
                        help="skip the live-collection benchmark (benchmarks/collect_bench.py)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = [measure(n, args.runs) for n in sizes]
    boot = startup(args.runs)
    if args.json:
        print(json.dumps({"sizes": rows, "startup": boot}, indent=2))
        return 0
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.runs} runs")
    print(f"{'workspaces':>10} {'resources':>9} {'MB':>6} {'json.load':>9} {'scan':>7} "
          f"{'ratio':>6} {'load RSS':>8} {'scan RSS':>8} {'vs load':>7} {'vs file':>7} "
          f"{'findings':>8} {'eval':>6} {'json':>6} {'sarif':>6} {'html':>6}")
    for r in rows:
        p = r["phases"]
        print(f"{r['workspaces']:>10} {r['resources']:>9} {r['size_mb']:>6.1f} "
              f"{r['json_load_s']:>8.2f}s {r['scan_s']:>6.2f}s {r['scan_ratio']:>5.1f}x "
              f"{r['json_load_rss_mb']:>6.0f}MB {r['scan_rss_mb']:>6.0f}MB "
              f"{r['rss_vs_load']:>6.2f}x {r['rss_vs_file']:>6.2f}x {p['findings']:>8} "
              f"{p['load_and_evaluate']:>5.2f}s {p.get('json', 0):>5.2f}s "
              f"{p.get('sarif', 0):>5.2f}s {p.get('html', 0):>5.2f}s")
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        growth = b["phases"]["load_and_evaluate"] / a["phases"]["load_and_evaluate"]
        print(f"growth {a['workspaces']} -> {b['workspaces']} workspaces "
              f"({b['workspaces'] / a['workspaces']:.0f}x): load+evaluate {growth:.1f}x, "
              f"whole scan {b['scan_s'] / a['scan_s']:.1f}x")
    print(f"startup: python -c pass {boot['python_pass_s'] * 1000:.0f} ms, amlaudit --version "
          f"{boot['version_script_s'] * 1000:.0f} ms ({boot['version_ratio']:.2f}x)")
    collect = HERE / "collect_bench.py"
    if collect.exists() and not args.no_collect:
        subprocess.run([PY, str(collect)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
