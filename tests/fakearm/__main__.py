"""Run the fake ARM on its own, in its own process (for benchmarks and trying amlaudit by hand).

    PYTHONPATH=tests:. python -m fakearm fixtures/demo.json --latency 0.05 --log log.json

Prints one JSON line {"url", "ca", "env"} once serving; serves until stdin closes; then writes
the request log (method, path, query, status, started, ended) to --log.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

from amlaudit.snapshot import load
from fakearm.server import FakeArm


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m fakearm")
    parser.add_argument("snapshot", nargs="+")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--log", help="write the request log here on exit")
    args = parser.parse_args()
    resources = [r.raw for r in load(args.snapshot).resources]
    with (
        tempfile.TemporaryDirectory() as directory,
        FakeArm(resources, Path(directory), page_size=args.page_size) as arm,
    ):
        arm.faults.latency = args.latency
        print(json.dumps({"url": arm.url, "ca": str(arm.ca_path), "env": arm.env()}), flush=True)
        sys.stdin.read()
        if args.log:
            records = [dataclasses.asdict(r) | {"authorization": ""} for r in arm.log]
            Path(args.log).write_text(json.dumps(records), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
