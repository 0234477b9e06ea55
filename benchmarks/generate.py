"""Generate a deterministic synthetic Azure ML estate for benchmarks.

    python benchmarks/generate.py --workspaces 1000 -o /tmp/estate-1000.json
    python benchmarks/generate.py --workspaces 100 --format array -o estate.json
    python benchmarks/generate.py --workspaces 100 --format arm-template -o template.json

The estate is built by the same family modules as fixtures/demo.json (fixtures/estate/), so it
has every resource type the rules read: each workspace with its vault, storage, registry, App
Insights, computes, endpoints, deployments, datastores, connections, private endpoints, role
assignments and diagnostic settings. `--insecure-share` sets the fraction of weak settings.
`--format arm-template` wraps the resources as a deployment template, only for side-by-side
runs of template scanners (e.g. Checkov `--framework arm`); amlaudit reads the other two.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fixtures.estate import envelope, resources, synthetic_plan

WORKSPACES_PER_SUBSCRIPTION = 25


def build(workspaces: int, insecure_share: float, fmt: str, seed: str = "bench") -> Any:
    per_sub = min(WORKSPACES_PER_SUBSCRIPTION, workspaces)
    subs = max(1, -(-workspaces // per_sub))
    plan = synthetic_plan(subs, per_sub, insecure_share, seed)
    # Trim the last subscription so the count is exact.
    extra = subs * per_sub - workspaces
    if extra:
        plan.subscriptions[-1].workspaces = plan.subscriptions[-1].workspaces[:-extra]
    if fmt == "envelope":
        return envelope(plan)
    items = resources(plan)
    if fmt == "array":
        return items
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [_template_resource(r) for r in items],
    }


def _template_resource(resource: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in resource.items() if k not in ("id", "systemData", "etag")}
    out["apiVersion"] = "2025-12-01"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--insecure-share", type=float, default=0.3)
    parser.add_argument("--format", choices=("envelope", "array", "arm-template"), default="envelope")
    parser.add_argument("--seed", default="bench")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    document = build(args.workspaces, args.insecure_share, args.format, args.seed)
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    Path(args.output).write_text(text, encoding="utf-8")
    count = len(document["resources"] if isinstance(document, dict) else document)
    print(f"{args.output}: {count} resources, {len(text) / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
