"""Issue 12, items 4 and 5: work bounded by the input, measured with work counters (never
wall-clock thresholds) at n and 4n. The full-size attacks live in fuzz/attacks.py.

Snapshots are built from the corpus helpers (tests/corpus/cases.py), whose workspace shape
follows the azure-rest-api-specs example `Workspace/get.json` (2024-04-01); the NSG rules
follow `network/.../examples/NetworkSecurityGroupGet.json` (`properties.securityRules[*]`).
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amlaudit import armid, checks
from amlaudit.cli import main
from conftest import write_json
from corpus.cases import RG, WS_ID, WS_TYPE, envelope, workspace

NSG_TYPE = "Microsoft.Network/networkSecurityGroups"


def _scan(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["scan", "--snapshot", str(path), "-o", "json:" + str(path) + ".out", *args])
    return code, capsys.readouterr().err


def _deep_compute(segments: int) -> dict[str, Any]:
    # A workspace ID has 8 segments; pad with (type, name) pairs of child resources.
    extra = segments - 8
    pairs = "/".join("computes" if n % 2 == 0 else f"c{n}" for n in range(extra))
    return {
        "id": f"{WS_ID}/{pairs}",
        "name": "deep",
        "type": f"{WS_TYPE}/computes",
        "properties": {"computeType": "AmlCompute", "properties": {}},
    }


def test_an_id_deeper_than_64_segments_is_an_input_error_naming_the_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    at_limit = write_json(tmp_path / "ok.json", [workspace(), _deep_compute(64)])
    code, err = _scan(at_limit, capsys, "--fail-on", "never")
    assert code in (0, 3) and "Traceback" not in err, err
    too_deep = write_json(tmp_path / "deep.json", [workspace(), _deep_compute(66)])
    code, err = _scan(too_deep, capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert str(too_deep) in lines[0] and "resource #2" in lines[0] and "66 segments" in lines[0]


def _peak_bytes(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_for_a_deep_id_grows_linearly_not_quadratically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0.1.0 memoised every parent prefix of a deep ID: n segments cost ~n^2 bytes."""
    small = write_json(tmp_path / "small.json", [workspace(), _deep_compute(2_000)])
    large = write_json(tmp_path / "large.json", [workspace(), _deep_compute(8_000)])
    _scan(small, capsys)  # warm up: rule imports are not the input's cost
    codes = []
    peaks = []
    for path in (small, large):
        armid._KEYS.clear()
        armid._SPLITS.clear()
        peaks.append(_peak_bytes(lambda p=path: codes.append(_scan(p, capsys)[0])))
    assert peaks[1] < 6 * peaks[0], peaks
    assert codes == [2, 2]


def _nsg(allows: int) -> dict[str, Any]:
    """`allows` internet Allows on SSH, each below as many higher-priority Denies (UDP, so none
    shadows): the pairwise comparison 0.1.0 made for every Allow."""
    rules = [
        {
            "name": f"deny-{n}",
            "properties": {
                "direction": "Inbound",
                "access": "Deny",
                "protocol": "Udp",
                "priority": 100 + n,
                "sourceAddressPrefix": "Internet",
                "destinationAddressPrefix": f"10.0.{n // 250}.{n % 250}",
                "destinationPortRange": "*",
            },
        }
        for n in range(allows)
    ]
    rules += [
        {
            "name": f"allow-{n}",
            "properties": {
                "direction": "Inbound",
                "access": "Allow",
                "protocol": "Tcp",
                "priority": 2_000 + n,
                "sourceAddressPrefix": "*",
                "destinationAddressPrefix": "*",
                "destinationPortRange": "22",
            },
        }
        for n in range(allows)
    ]
    return {
        "id": f"{RG}/providers/{NSG_TYPE}/nsg-wide",
        "name": "nsg-wide",
        "type": NSG_TYPE,
        "location": "westeurope",
        "properties": {"securityRules": rules},
    }


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_nsg_precedence_work_is_linear_in_the_number_of_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting(monkeypatch, checks, "item_get")
    work = []
    for size in (50, 200):
        calls[0] = 0
        rules = _nsg(size)["properties"]["securityRules"]
        exposed = checks.nsg_internet_exposure(rules, [22, 3389])
        assert len(exposed) == size  # no Deny shadows: every Allow is reported
        work.append(calls[0])
    assert work[1] < 5 * work[0], work  # 0.1.0: ~16x


def test_nsg_precedence_still_honours_a_higher_priority_deny() -> None:
    rules = _nsg(3)["properties"]["securityRules"]
    rules[0]["properties"].update(protocol="*", destinationAddressPrefix="*", priority=150)
    assert checks.nsg_internet_exposure(rules, [22]) == []
    rules[0]["properties"]["priority"] = 4_000  # now below every Allow
    assert len(checks.nsg_internet_exposure(rules, [22])) == 3


def _estate_with_errors(workspaces: int) -> dict[str, Any]:
    """`workspaces` workspaces whose key vault lies outside the snapshot, and ten collection
    errors per workspace in other subscriptions: every missing vault asks which errors cover
    it, which 0.1.0 answered by scanning every error."""
    resources = []
    for n in range(workspaces):
        ws = workspace(keyVault=f"{RG}/providers/Microsoft.KeyVault/vaults/kv-{n}")
        ws["id"] = f"{RG}/providers/{WS_TYPE}/mlw-{n}"
        ws["name"] = f"mlw-{n}"
        resources.append(ws)
    errors = [
        {
            "scope": f"/subscriptions/{n:08d}-0000-0000-0000-000000000000/resourceGroups/rg-{k}",
            "operation": "list resources",
            "status": "403",
            "message": "AuthorizationFailed",
        }
        for n in range(workspaces)
        for k in range(10)
    ]
    return envelope(resources, errors=errors)


def test_errors_covering_is_looked_up_not_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch, armid, "key")
    work = []
    for size in (20, 80):
        path = write_json(tmp_path / f"e{size}.json", _estate_with_errors(size))
        calls[0] = 0
        code, err = _scan(path, capsys)
        assert code == 3, err
        report = json.loads(Path(str(path) + ".out").read_text(encoding="utf-8"))
        assert len(report["errors"]) == 10 * size
        work.append(calls[0])
    assert work[1] < 6 * work[0], work  # 0.1.0: ~16x


def test_max_resources_refuses_a_larger_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 19: the resource count is bounded (flag, config key); over it is exit 2."""
    items = [workspace()] + [{} for _ in range(9)]
    path = write_json(tmp_path / "many.json", items)
    code, err = _scan(path, capsys, "--max-resources", "5")
    assert code == 2 and "10 resources" in err and "--max-resources" in err, err
    (tmp_path / "amlaudit.toml").write_text("max-resources = 5\n", encoding="utf-8")
    code = main(["scan", "--snapshot", str(path), "--config", str(tmp_path / "amlaudit.toml")])
    assert code == 2 and "over the limit of 5" in capsys.readouterr().err
    code, err = _scan(
        write_json(tmp_path / "one.json", [workspace()]), capsys, "--max-resources", "1"
    )
    assert code in (0, 1, 3), err


def test_a_closed_stdout_keeps_the_verdict_and_writes_every_file(tmp_path: Path) -> None:
    """Item 20: `scan -o json | head` exited 2 and skipped the outputs after it."""
    import subprocess
    import sys

    from conftest import FIXTURES, ROOT

    html = tmp_path / "report.html"
    command = [sys.executable, "-m", "amlaudit", "scan", "--snapshot", str(FIXTURES / "demo.json")]
    process = subprocess.Popen(
        [*command, "-o", "json", "-o", f"html:{html}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**__import__("os").environ, "SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10)  # like `head -c 10`, then hang up
    process.stdout.close()
    code = process.wait(timeout=300)
    err = process.stderr.read().decode()
    assert code == 1, err  # the demo estate's verdict, not a usage error
    assert "cannot write" not in err and "Traceback" not in err
    assert html.read_text(encoding="utf-8").rstrip().endswith("</html>")
