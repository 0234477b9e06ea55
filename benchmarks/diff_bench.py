"""`amlaudit diff` against the cost of scanning both sides.

    python benchmarks/diff_bench.py                 # 1,000 workspaces, 3 runs
    python benchmarks/diff_bench.py --workspaces 10 --runs 1

The OLD side is the synthetic estate of generate.py; NEW is a deterministic mutation of it, the
kind of night-to-night drift the diff exists for: one workspace in 20 opened to the public
network, one storage account in 20 allowing shared-key access, one compute in 10 removed, one
Owner assignment added per subscription, and volatile churn (etags, modifiedOn,
lastModifiedAt, privateLinkCount) on every workspace and compute, which must not show. Target: the diff within
2.5x the time of `amlaudit scan` of OLD plus `amlaudit scan` of NEW (each in a fresh process,
median of --runs). Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import OUT, PY, estate, median_child

WORKSPACES = "microsoft.machinelearningservices/workspaces"
COMPUTES = "microsoft.machinelearningservices/workspaces/computes"
STORAGE = "microsoft.storage/storageaccounts"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def mutate(document: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(document)
    kept = []
    counters = {WORKSPACES: 0, COMPUTES: 0, STORAGE: 0}
    subscriptions = set()
    for resource in new["resources"]:
        kind = resource["type"].lower()
        if resource["id"].lower().startswith("/subscriptions/"):
            subscriptions.add(resource["id"].split("/")[2])
        n = counters.get(kind, 0)
        counters[kind] = n + 1
        props = resource.setdefault("properties", {})
        if kind == COMPUTES and n % 10 == 0:
            continue  # removed
        if kind == WORKSPACES:
            if n % 20 == 0:
                props["publicNetworkAccess"] = "Enabled"
            props["privateLinkCount"] = 3
            resource.setdefault("systemData", {})["lastModifiedAt"] = "2026-12-01T03:00:00Z"
        if kind == COMPUTES:
            props["modifiedOn"] = "2026-12-01T03:00:00Z"
            resource["etag"] = f'"{n:08d}-0000-0000-0000-000000000000"'
        if kind == STORAGE and n % 20 == 0:
            props["allowSharedKeyAccess"] = True
        kept.append(resource)
    for sub in sorted(subscriptions):
        scope = f"/subscriptions/{sub}"
        kept.append(
            {
                "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/0c4f{sub[4:]}",
                "name": f"0c4f{sub[4:]}",
                "type": "Microsoft.Authorization/roleAssignments",
                "properties": {
                    "roleDefinitionId": f"{scope}/providers/Microsoft.Authorization/"
                    f"roleDefinitions/{OWNER}",
                    "principalId": "4b2d5c3e-8f1a-4e6b-9c7d-0a1b2c3d4e5f",
                    "principalType": "User",
                    "scope": scope,
                },
            }
        )
    new["resources"] = kept
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    old = estate(args.workspaces)
    new = OUT / f"estate-{args.workspaces}-drifted.json"
    if not new.exists():
        new.write_text(json.dumps(mutate(json.loads(old.read_text("utf-8")))), "utf-8")

    def scan(path: Path) -> list[str]:
        return [
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

    scan_old, _, _ = median_child(scan(old), args.runs)
    scan_new, _, _ = median_child(scan(new), args.runs)
    diff_args = [
        PY,
        "-m",
        "amlaudit",
        "diff",
        str(old),
        str(new),
        "-o",
        "json:/dev/null",
        "--allow-incomplete",
    ]
    diff_wall, diff_rss, _ = median_child(diff_args, args.runs)
    _, _, outs = median_child([*diff_args[:-3], "-o", "json", "--allow-incomplete"], 1)
    summary = json.loads(outs[0])["summary"]
    figures = {
        "workspaces": args.workspaces,
        "scan_old_s": round(scan_old, 2),
        "scan_new_s": round(scan_new, 2),
        "diff_s": round(diff_wall, 2),
        "ratio": round(diff_wall / (scan_old + scan_new), 2),
        "diff_rss_mb": round(diff_rss / 1e6),
        "summary": {k: v for k, v in summary.items() if v},
    }
    print(json.dumps(figures, indent=2))
    return 0 if figures["ratio"] <= 2.5 else 1


if __name__ == "__main__":
    sys.exit(main())
