"""Live collection against its latency floor, through the fake ARM with injected latency.

    python benchmarks/collect_bench.py                         # demo + synthetic 5x10, 50 ms
    python benchmarks/collect_bench.py --estate synthetic --subscriptions 20 --workspaces 10

With L seconds of latency per request and C parallel requests, no collector can beat
max(call-chain depth, requests / C) x L: the chain of dependent requests (subscription list ->
workspace -> endpoint -> deployments) must run in sequence, and C requests at a time is the
most the pool allows. Figures printed, with targets:

- time ratio  = (first to last request the fake sees) / that floor      target <= 1.5
- request ratio = requests / resources collected                          target <= 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def measure(
    resources: list[dict[str, Any]], latency: float, concurrency: int = 16
) -> dict[str, Any]:
    """Collect `resources` through the fake with `latency` per request; return the figures.

    The fake runs in its own process so its TLS and JSON work does not share the collector's
    interpreter (and GIL): the figures are the collector's."""
    import json
    import os
    import resource
    import subprocess

    from amlaudit.collect.live import add_live_arguments, collect, live_scope
    from amlaudit.registry import find_packs, load_rules
    from fakearm.harness import subscriptions_of

    with tempfile.TemporaryDirectory() as directory:
        snapshot, log_path = Path(directory) / "estate.json", Path(directory) / "log.json"
        snapshot.write_text(json.dumps(resources), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fakearm",
                str(snapshot),
                "--latency",
                str(latency),
                "--log",
                str(log_path),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert server.stdout is not None and server.stdin is not None
        ready = json.loads(server.stdout.readline())
        saved = {name: os.environ.get(name) for name in ready["env"]}
        os.environ.update(ready["env"])
        try:
            parser = argparse.ArgumentParser()
            add_live_arguments(parser)
            argv = [
                "--arm-endpoint",
                ready["url"],
                "--auth",
                "token",
                "--quiet",
                "--concurrency",
                str(concurrency),
            ]
            for sub in subscriptions_of(resources):
                argv += ["--subscription", sub]
            args = parser.parse_args(argv)
            rules = load_rules(find_packs(use_entry_points=False))
            types = {t for spec in rules for t in spec.all_types}
            cpu_before = resource.getrusage(resource.RUSAGE_SELF)
            run = collect(args, live_scope(args), types, full=True)  # what `export` collects
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            server.stdin.close()
            server.wait(timeout=60)
        log = json.loads(log_path.read_text(encoding="utf-8"))
    requests = len(log)
    span = max(r["ended"] for r in log) - min(r["started"] for r in log)
    depth = run.collection.depth
    floor = max(depth, requests / concurrency) * latency
    collected = len(run.envelope["resources"])
    return {
        "resources": collected,
        "requests": requests,
        "depth": depth,
        "seconds": round(span, 3),
        "floor_seconds": round(floor, 3),
        "time_ratio": round(span / floor, 2) if floor else None,
        "request_ratio": round(requests / collected, 2) if collected else None,
        "errors": len(run.collection.errors),
        # CPU the collector itself burned: near `seconds` means CPU-bound, not latency-bound.
        "collector_cpu_seconds": round(
            cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime, 3
        ),
    }


def _estates(choice: str, subscriptions: int, workspaces: int) -> dict[str, list[dict[str, Any]]]:
    from fakearm.harness import fixture_resources
    from fixtures.estate import resources, synthetic_plan

    out: dict[str, list[dict[str, Any]]] = {}
    if choice in ("demo", "both"):
        out["demo"] = fixture_resources("demo.json")
    if choice in ("synthetic", "both"):
        plan = synthetic_plan(subscriptions, workspaces, 0.5)
        out[f"synthetic {subscriptions}x{workspaces}"] = resources(plan)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estate", choices=("demo", "synthetic", "both"), default="both")
    parser.add_argument("--subscriptions", type=int, default=5)
    parser.add_argument("--workspaces", type=int, default=10, help="per subscription")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    for name, estate in _estates(args.estate, args.subscriptions, args.workspaces).items():
        figures = measure(estate, args.latency, args.concurrency)
        print(
            f"{name}: {figures['resources']} resources, {figures['requests']} requests, "
            f"depth {figures['depth']}, {figures['seconds']}s vs floor {figures['floor_seconds']}s "
            f"-> time ratio {figures['time_ratio']} (target <= 1.5), "
            f"request ratio {figures['request_ratio']} (target <= 2), errors {figures['errors']}, "
            f"collector CPU {figures['collector_cpu_seconds']}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
