"""`amlaudit access` for every workspace against `amlaudit scan` on the same estate.

    python benchmarks/access_bench.py                 # 1,000 workspaces, 3 runs each
    python benchmarks/access_bench.py --workspaces 10 --runs 1

Target (issue 15): `access` for all workspaces within 2x of `scan` (both writing JSON, each
run in a fresh process; medians). Also reports `scan` without the five access rules, so the
cost they add to every scan is visible. Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import PY, estate, median_child

ACCESS_RULES = "AML166,AML167,AML168,AML169,AML170"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    path = str(estate(args.workspaces))
    scan = [
        PY,
        "-m",
        "amlaudit",
        "scan",
        "--snapshot",
        path,
        "-o",
        "json:/dev/null",
        "--fail-on",
        "never",
        "--allow-incomplete",
    ]
    access = [PY, "-m", "amlaudit", "access", "--snapshot", path, "-o", "json:/dev/null"]
    scan_s, scan_rss, _ = median_child(scan, args.runs)
    bare_s, _, _ = median_child([*scan, "--ignore", ACCESS_RULES], args.runs)
    access_s, access_rss, _ = median_child(access, args.runs)
    print(f"{args.workspaces} workspaces, median of {args.runs}:")
    print(f"  scan (all rules)             {scan_s:6.2f} s  {scan_rss / 1e6:5.0f} MB")
    print(f"  scan without AML166-AML170   {bare_s:6.2f} s")
    print(f"  access (every workspace)     {access_s:6.2f} s  {access_rss / 1e6:5.0f} MB")
    print(f"  access / scan = {access_s / scan_s:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
