"""Full-size reproductions of the resource-exhaustion attacks of issue 12, run outside CI.

    python -m fuzz.attacks [NAME ...]

CI runs each scaled down with a work counter (tests/test_hardening_limits.py,
tests/test_live_hardening.py); this runs them at the size that broke 0.1.0 and prints the exit
code, wall time and peak memory of a fresh `amlaudit` process for each:

- deep-id: one compute ID of 40,000 segments (0.1.0: over 8 GB);
- nsg-1000 / nsg-2000: an NSG with 1,000 (2,000) internet Allows under as many higher-priority
  Denies (0.1.0: 19-27 s / 72-89 s);
- errors-8000: 800 workspaces and 8,000 collection errors elsewhere (0.1.0: 20 s);
- empty-objects-50mb: 50 MB of `[{},{},...]` (0.1.0: 1.6 GB peak before the error);
- trickle: a live list response sent one byte every 2 s, with `--timeout 10` (0.1.0: 78 s);
- big-response: a live response body of 300 MB, over the 256 MB per-response limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from corpus.cases import RG, WS_ID, WS_TYPE, envelope, workspace  # noqa: E402

# Runs the CLI and reports the process's own peak RSS (KiB on Linux) on its last stderr line.
_WRAPPER = (
    "import resource, sys\n"
    "from amlaudit.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _amlaudit(*args: str, env: dict[str, str] | None = None) -> tuple[int, float, float, str]:
    """Exit code, seconds, peak RSS (MB) of one fresh `amlaudit` process, and its stderr."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})},
        timeout=1800,
    )
    elapsed = time.monotonic() - started
    lines = proc.stderr.strip().splitlines() or [""]
    peak = float(lines[-1].split()[-1]) / 1024 if lines[-1].startswith("peak ") else 0.0
    return proc.returncode, elapsed, peak, " | ".join(lines[:-1])[-160:]


def _scan(path: Path) -> tuple[int, float, float, str]:
    return _amlaudit("scan", "--snapshot", str(path), "-o", f"json:{path}.report.json")


def deep_id(work: Path) -> tuple[int, float, float, str]:
    cluster = {
        "id": WS_ID + "/computes/c" * 20_000,
        "name": "c",
        "type": f"{WS_TYPE}/computes",
        "properties": {"computeType": "AmlCompute", "properties": {}},
    }
    path = work / "deep-id.json"
    path.write_text(json.dumps([workspace(), cluster]), encoding="utf-8")
    return _scan(path)


def _nsg(allows: int) -> Callable[[Path], tuple[int, float, float, str]]:
    def attack(work: Path) -> tuple[int, float, float, str]:
        rules = [
            {
                "name": f"deny-{n}",
                "properties": {
                    "direction": "Inbound",
                    "access": "Deny",
                    "protocol": "Udp",
                    "priority": 100 + n,
                    "sourceAddressPrefix": "Internet",
                    "destinationAddressPrefix": f"10.{n // 62500}.{n // 250 % 250}.{n % 250}",
                    "destinationPortRange": "*",
                },
            }
            for n in range(allows)
        ] + [
            {
                "name": f"allow-{n}",
                "properties": {
                    "direction": "Inbound",
                    "access": "Allow",
                    "protocol": "Tcp",
                    "priority": 2_100 + n,
                    "sourceAddressPrefix": "*",
                    "destinationAddressPrefix": "*",
                    "destinationPortRange": "22",
                },
            }
            for n in range(allows)
        ]
        nsg = {
            "id": f"{RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-wide",
            "name": "nsg-wide",
            "type": "Microsoft.Network/networkSecurityGroups",
            "location": "westeurope",
            "properties": {"securityRules": rules},
        }
        path = work / f"nsg-{allows}.json"
        path.write_text(json.dumps([workspace(), nsg]), encoding="utf-8")
        return _scan(path)

    return attack


def errors_8000(work: Path) -> tuple[int, float, float, str]:
    resources = []
    for n in range(800):
        ws = workspace(keyVault=f"{RG}/providers/Microsoft.KeyVault/vaults/kv-{n}")
        ws["id"], ws["name"] = f"{RG}/providers/{WS_TYPE}/mlw-{n}", f"mlw-{n}"
        resources.append(ws)
    errors = [
        {
            "scope": f"/subscriptions/{n:08d}-0000-0000-0000-000000000000/resourceGroups/rg-{k}",
            "operation": "list resources",
            "status": "403",
            "message": "AuthorizationFailed",
        }
        for n in range(800)
        for k in range(10)
    ]
    path = work / "errors.json"
    path.write_text(json.dumps(envelope(resources, errors=errors)), encoding="utf-8")
    return _scan(path)


def empty_objects(work: Path) -> tuple[int, float, float, str]:
    path = work / "empty-objects.json"
    count = 50 * 1024**2 // 3
    path.write_bytes(b"[" + b"{}," * (count - 1) + b"{}]")
    return _scan(path)


def _live(fault: dict[str, Any], *args: str, env: dict[str, str] | None = None) -> Any:
    from fakearm import Fault
    from fakearm.harness import fixture_resources, serving, subscriptions_of

    def attack(work: Path) -> tuple[int, float, float, str]:
        estate = fixture_resources("hardened.json")
        with serving(estate, work) as arm:
            arm.faults.add(Fault(**fault))
            subs = [a for s in subscriptions_of(estate) for a in ("--subscription", s)]
            return _amlaudit(
                "export",
                "-o",
                str(work / "out.json"),
                *args,
                *arm.args(),
                *subs,
                env={**arm.env(), **(env or {})},
            )

    return attack


ATTACKS: dict[str, Callable[[Path], tuple[int, float, float, str]]] = {
    "deep-id": deep_id,
    "nsg-1000": _nsg(1_000),
    "nsg-2000": _nsg(2_000),
    "errors-8000": errors_8000,
    "empty-objects-50mb": empty_objects,
    "trickle": _live(
        {"kind": "trickle", "match": "/computes", "value": "2", "size": 64},
        "--timeout",
        "10",
        env={"AMLAUDIT_RETRIES": "0"},
    ),
    "big-response": _live(
        {
            "kind": "trickle",
            "match": "/datastores?api-version=2025",
            "value": "0",
            "size": 300 * 1024**2,
        },
        env={"AMLAUDIT_RETRIES": "0"},
    ),
}


def main(argv: list[str]) -> int:
    names = argv or list(ATTACKS)
    with tempfile.TemporaryDirectory(prefix="amlaudit-attacks-") as temp:
        for name in names:
            code, seconds, peak, tail = ATTACKS[name](Path(temp))
            print(f"{name:20} exit {code}  {seconds:7.2f} s  peak {peak:8.0f} MB  {tail[-90:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
