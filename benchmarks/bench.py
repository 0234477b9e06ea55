"""amlaudit's speed and memory against the floor: reading the same JSON, in one run, as ratios.

    python benchmarks/bench.py                            # 100, 1,000, 5,000 workspaces, 3 runs
    python benchmarks/bench.py --checkov /tmp/checkov-venv/bin/checkov   # + Checkov side by side
    python benchmarks/bench.py --sizes 10 --runs 1 --no-collect --json  # the smoke CI runs

For each size, every repetition runs, one after the other: `json.load` of the snapshot, orjson's
parse of it, `amlaudit scan -o json:/dev/null --fail-on never` with `--jobs 1` and `--jobs 2`. A ratio is taken within each repetition and the median of those is reported,
so a machine busy with other work moves both sides of a ratio alike. The load average is
recorded beside each size.

Every command is started by benchmarks/launch.py, which reports its children's peak RSS
(`getrusage(RUSAGE_CHILDREN)`: the largest single process) and, in one extra sampled run per
command, the peak of the summed PSS and USS of the whole process tree (what a scan with
worker processes really holds). Children run with bytecode caching on and after a warm-up
run, as an installed amlaudit would (this repository sets PYTHONDONTWRITEBYTECODE for tests).

Also measured: the in-process phases (load, index + evaluate, JSON, SARIF, HTML), growth from
one size to the next, `amlaudit diff` and `amlaudit access` on the 1,000-workspace estate when
those commands exist (a clearly named placeholder row otherwise), `amlaudit --version` against
`python -c pass`, and with --checkov, Checkov `--framework arm` on the same estate written as
an ARM template (Checkov lives in a throw-away virtualenv, never in this project). Results are
recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import itertools
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
HOOK_SIZE = 1000

# Runs inside a child process: each phase of a scan, timed separately.
_INPROCESS = r"""
import gc, json, sys, time
gc.disable()  # as the scan command does (amlaudit.gcpause)
t0 = time.perf_counter()
from amlaudit.config import rule_options
from amlaudit.engine import evaluate
from amlaudit.index import SnapshotIndex
from amlaudit.registry import find_packs, load_rules
from amlaudit.reports import FORMATS, ReportSettings, renderer
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
rules = load_rules(find_packs(use_entry_points=False))
t1 = time.perf_counter()
snapshot = load([sys.argv[1]])
t2 = time.perf_counter()
index = SnapshotIndex(snapshot)
t3 = time.perf_counter()
evaluation = evaluate(index, rules, rule_options(rules, {}, "bench"), jobs=1)
t4 = time.perf_counter()
result = scan_snapshot(snapshot, rules, jobs=1)
times = {"import_and_rules": t1 - t0, "load": t2 - t1, "index": t3 - t2, "evaluate": t4 - t3,
         "findings": len(evaluation.findings)}
for fmt in ("json", "sarif", "html"):
    if fmt in FORMATS:
        with open("/dev/null", "w") as sink:
            t = time.perf_counter()
            renderer(fmt)(result, sink, ReportSettings())
            times[fmt] = time.perf_counter() - t
print(json.dumps(times))
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def launch(command: list[str], sample: bool = False) -> dict[str, Any]:
    """One run of `command` through the launcher: wall, CPU, peak RSS (and PSS/USS)."""
    args = [PY, str(HERE / "launch.py"), *(["--sample"] if sample else []), "--", *command]
    proc = subprocess.run(args, capture_output=True, text=True, env=child_env(), check=True)
    figures: dict[str, Any] = json.loads(proc.stdout)
    if figures["exit"] not in (0, 1, 3):
        raise SystemExit(f"{command} exited {figures['exit']}: {figures['stderr_tail']}")
    return figures


def estate(workspaces: int, fmt: str = "envelope", share: float = 0.3) -> Path:
    OUT.mkdir(exist_ok=True)
    suffix = "" if fmt == "envelope" else f"-{fmt}"
    tag = "" if share == 0.3 else f"-share{share}"
    path = OUT / f"estate-{workspaces}{suffix}{tag}.json"
    if not path.exists():
        subprocess.run(
            [
                PY,
                str(HERE / "generate.py"),
                "--workspaces",
                str(workspaces),
                "--format",
                fmt,
                "--insecure-share",
                str(share),
                "-o",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
    return path


def commands(path: Path) -> dict[str, list[str]]:
    scan = [
        PY,
        "-m",
        "amlaudit",
        "scan",
        "--snapshot",
        str(path),
        "-o",
        "json:/dev/null",
        "--fail-on",
        "never",
        "--allow-incomplete",
    ]
    return {
        "json_load": [PY, "-c", "import json,sys; json.load(open(sys.argv[1], 'rb'))", str(path)],
        "orjson": [
            PY,
            "-c",
            "import orjson,sys; orjson.loads(open(sys.argv[1], 'rb').read())",
            str(path),
        ],
        "scan_jobs1": [*scan, "--jobs", "1"],
        "scan_jobs2": [*scan, "--jobs", "2"],
    }


def measure(workspaces: int, runs: int) -> dict[str, Any]:
    path = estate(workspaces)
    document = json.loads(path.read_bytes())
    resources = len(document["resources"])
    del document
    cmds = commands(path)
    launch(cmds["scan_jobs1"])  # warm-up: bytecode written, file in the page cache
    load_before = os.getloadavg()
    rounds: list[dict[str, dict[str, Any]]] = []
    for _ in range(runs):
        rounds.append({name: launch(cmd) for name, cmd in cmds.items()})
    memory = {name: launch(cmd, sample=True) for name, cmd in cmds.items()}
    load_after = os.getloadavg()
    inner = [
        json.loads(
            subprocess.run(
                [PY, "-c", _INPROCESS, str(path)],
                capture_output=True,
                text=True,
                env=child_env(),
                check=True,
            ).stdout
        )
        for _ in range(runs)
    ]
    phases = {k: statistics.median(i[k] for i in inner) for k in inner[0]}

    def median(name: str, key: str) -> float:
        return statistics.median(r[name][key] for r in rounds)

    def ratio(name: str, base: str, key: str = "wall_s") -> float:
        return statistics.median(r[name][key] / r[base][key] for r in rounds)

    load_rss = median("json_load", "peak_rss_bytes")
    load_pss = memory["json_load"]["peak_pss_bytes"] or load_rss
    row: dict[str, Any] = {
        "workspaces": workspaces,
        "resources": resources,
        "size_mb": path.stat().st_size / 1e6,
        "runs": runs,
        "loadavg_1min": [round(load_before[0], 2), round(load_after[0], 2)],
        "phases": phases,
    }
    for name in cmds:
        row[name] = {
            "wall_s": median(name, "wall_s"),
            "cpu_s": median(name, "cpu_s"),
            "peak_rss_mb": median(name, "peak_rss_bytes") / 1e6,
            "tree_peak_pss_mb": (memory[name]["peak_pss_bytes"] or 0) / 1e6,
            "tree_peak_uss_mb": (memory[name]["peak_uss_bytes"] or 0) / 1e6,
            "vs_json_load": ratio(name, "json_load"),
            "cpu_vs_json_load": ratio(name, "json_load", "cpu_s"),
            "vs_orjson": ratio(name, "orjson"),
            "rss_vs_json_load": median(name, "peak_rss_bytes") / load_rss,
            "pss_vs_json_load": (memory[name]["peak_pss_bytes"] or 0) / load_pss,
            "rss_vs_file": median(name, "peak_rss_bytes") / path.stat().st_size,
        }
    # Kept for tests/test_benchmarks_smoke.py and older readers of --json.
    row["scan_s"] = row["scan_jobs1"]["wall_s"]
    row["scan_rss_mb"] = row["scan_jobs1"]["peak_rss_mb"]
    return row


def hooks(runs: int) -> list[dict[str, Any]]:
    """`diff` and `access` on the 1,000-workspace estate, as ratios to `scan` of it."""
    old, new = estate(HOOK_SIZE), estate(HOOK_SIZE, share=0.4)
    scan = commands(old)["scan_jobs1"]
    wanted = {
        "diff": (
            [
                PY,
                "-m",
                "amlaudit",
                "diff",
                str(old),
                str(new),
                "-o",
                "json:/dev/null",
                "--fail-on",
                "never",
                "--allow-incomplete",
            ],
            2.0,
            "scanning both estates",
        ),
        "access": (
            [PY, "-m", "amlaudit", "access", "--snapshot", str(old), "-o", "json:/dev/null"],
            1.0,
            "scanning the estate",
        ),
    }
    rows = []
    for name, (command, scans, versus) in wanted.items():
        probe = subprocess.run(
            [PY, "-m", "amlaudit", name, "--help"], capture_output=True, env=child_env()
        )
        if probe.returncode != 0:
            rows.append(
                {
                    "command": name,
                    "status": "placeholder: the command is not on this "
                    "branch yet; the lead fills this row",
                    "versus": versus,
                }
            )
            continue
        pairs = [(launch(command), launch(scan)) for _ in range(runs)]
        rows.append(
            {
                "command": name,
                "status": "measured",
                "versus": versus,
                "wall_s": statistics.median(p[0]["wall_s"] for p in pairs),
                "peak_rss_mb": statistics.median(p[0]["peak_rss_bytes"] for p in pairs) / 1e6,
                "ratio": statistics.median(
                    p[0]["wall_s"] / (scans * p[1]["wall_s"]) for p in pairs
                ),
            }
        )
    return rows


def checkov(binary: str, workspaces: int) -> dict[str, Any]:
    """Checkov `--framework arm` once on the ARM-template form of the estate, beside one scan."""
    template = estate(workspaces, "arm-template")
    count = len(json.loads(template.read_bytes())["resources"])
    theirs = launch(
        [
            binary,
            "-f",
            str(template),
            "--framework",
            "arm",
            "--quiet",
            "--compact",
            "--skip-download",
            "-o",
            "json",
        ]
    )
    ours = launch(commands(estate(workspaces))["scan_jobs1"])
    return {
        "workspaces": workspaces,
        "template_resources": count,
        "checkov_wall_s": theirs["wall_s"],
        "checkov_peak_rss_mb": theirs["peak_rss_bytes"] / 1e6,
        "amlaudit_wall_s": ours["wall_s"],
        "amlaudit_peak_rss_mb": ours["peak_rss_bytes"] / 1e6,
        "times_faster": theirs["wall_s"] / ours["wall_s"],
        "checkov_version": subprocess.run(
            [binary, "--version"], capture_output=True, text=True
        ).stdout.strip(),
    }


def startup(runs: int) -> dict[str, float]:
    bare = statistics.median(launch([PY, "-c", "pass"])["wall_s"] for _ in range(runs))
    version = statistics.median(
        launch([PY, "-m", "amlaudit", "--version"])["wall_s"] for _ in range(runs)
    )
    script = Path(PY).with_name("amlaudit")
    entry = (
        statistics.median(launch([str(script), "--version"])["wall_s"] for _ in range(runs))
        if script.exists()
        else version
    )
    return {
        "python_pass_s": bare,
        "version_s": version,
        "version_script_s": entry,
        "version_ratio": entry / bare,
    }


def print_table(rows: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; median of each size's runs")
    for r in rows:
        print(
            f"\n{r['workspaces']:,} workspaces: {r['resources']:,} resources, "
            f"{r['size_mb']:.1f} MB, {r['phases']['findings']:,} findings "
            f"(load average {r['loadavg_1min'][0]} -> {r['loadavg_1min'][1]})"
        )
        print(
            f"  {'command':<11} {'wall':>7} {'cpu':>7} {'/json.load':>10} {'/orjson':>8} "
            f"{'peak RSS':>9} {'/json.load':>10} {'tree PSS':>9} {'/json.load':>10} {'/file':>6}"
        )
        for name in ("json_load", "orjson", "scan_jobs1", "scan_jobs2"):
            c = r[name]
            print(
                f"  {name:<11} {c['wall_s']:>6.2f}s {c['cpu_s']:>6.2f}s "
                f"{c['vs_json_load']:>9.2f}x {c['vs_orjson']:>7.2f}x "
                f"{c['peak_rss_mb']:>7.0f}MB {c['rss_vs_json_load']:>9.2f}x "
                f"{c['tree_peak_pss_mb']:>7.0f}MB {c['pss_vs_json_load']:>9.2f}x "
                f"{c['rss_vs_file']:>5.1f}x"
            )
        p = r["phases"]
        print(
            "  phases (jobs 1): "
            + ", ".join(
                f"{k} {p[k]:.2f}s"
                for k in ("import_and_rules", "load", "index", "evaluate", "json", "sarif", "html")
                if k in p
            )
        )
    for a, b in itertools.pairwise(rows):
        print(
            f"growth {a['workspaces']:,} -> {b['workspaces']:,} workspaces "
            f"({b['resources'] / a['resources']:.1f}x resources): scan "
            f"{b['scan_jobs1']['wall_s'] / a['scan_jobs1']['wall_s']:.1f}x time (jobs 1), "
            f"{b['scan_jobs1']['peak_rss_mb'] / a['scan_jobs1']['peak_rss_mb']:.1f}x memory; "
            f"json.load {b['json_load']['wall_s'] / a['json_load']['wall_s']:.1f}x time"
        )
    for hook in extra.get("hooks", []):
        if hook["status"] == "measured":
            print(
                f"{hook['command']}: {hook['wall_s']:.2f}s, {hook['peak_rss_mb']:.0f}MB, "
                f"{hook['ratio']:.2f}x {hook['versus']}"
            )
        else:
            print(f"{hook['command']}: {hook['status']}")
    if "checkov" in extra:
        c = extra["checkov"]
        print(
            f"checkov {c['checkov_version']} --framework arm, {c['template_resources']:,} "
            f"template resources: {c['checkov_wall_s']:.1f}s {c['checkov_peak_rss_mb']:.0f}MB; "
            f"amlaudit {c['amlaudit_wall_s']:.1f}s {c['amlaudit_peak_rss_mb']:.0f}MB "
            f"({c['times_faster']:.1f}x faster)"
        )
    boot = extra["startup"]
    print(
        f"startup: python -c pass {boot['python_pass_s'] * 1000:.0f} ms, amlaudit --version "
        f"{boot['version_script_s'] * 1000:.0f} ms ({boot['version_ratio']:.2f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print raw figures as JSON")
    parser.add_argument("--no-hooks", action="store_true", help="skip diff and access")
    parser.add_argument("--checkov", metavar="BINARY", help="run Checkov side by side")
    parser.add_argument("--checkov-size", type=int, default=HOOK_SIZE)
    parser.add_argument(
        "--no-collect",
        action="store_true",
        help="skip the live-collection benchmark (benchmarks/collect_bench.py)",
    )
    parser.add_argument("--show", metavar="FILE", help="print the tables of an earlier --json run")
    args = parser.parse_args(argv)
    if args.show:
        saved = json.loads(Path(args.show).read_text(encoding="utf-8"))
        print_table(saved.pop("sizes"), saved)
        return 0
    started = time.time()
    rows = [measure(int(s), args.runs) for s in args.sizes.split(",")]
    extra: dict[str, Any] = {"startup": startup(args.runs)}
    if not args.no_hooks and HOOK_SIZE in {r["workspaces"] for r in rows}:
        extra["hooks"] = hooks(args.runs)
    if args.checkov:
        extra["checkov"] = checkov(args.checkov, args.checkov_size)
    extra["elapsed_s"] = time.time() - started
    if args.json:
        print(json.dumps({"sizes": rows, **extra}, indent=2))
    else:
        print_table(rows, extra)
    collect = HERE / "collect_bench.py"
    if collect.exists() and not args.no_collect:
        subprocess.run([PY, str(collect)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
