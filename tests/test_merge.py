"""Sharded scans merged with `amlaudit merge` equal one scan of the whole estate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amlaudit import armid
from amlaudit.reports import FORMATS
from conftest import FIXTURES, run_cli


def _shards(tmp_path: Path) -> tuple[list[Path], Path]:
    """Split the demo estate by subscription, as a sharded CI run would collect it."""
    demo = json.loads((FIXTURES / "demo.json").read_text("utf-8"))
    by_sub: dict[str, list[dict]] = {}
    for resource in demo["resources"]:
        by_sub.setdefault(armid.subscription_id(resource["id"]) or "", []).append(resource)
    assert len(by_sub) >= 2
    shards = []
    for n, (sub, items) in enumerate(sorted(by_sub.items())):
        path = tmp_path / f"shard-{n}.json"
        path.write_text(
            json.dumps(
                {**demo, "resources": items, "source": {**demo["source"], "subscriptions": [sub]}}
            )
        )
        shards.append(path)
    return shards, FIXTURES / "demo.json"


def _findings(report: dict) -> set[tuple[str, str, str]]:
    return {(f["rule_id"], f["fingerprint"], f["status"]) for f in report["findings"]}


def test_merged_json_equals_a_single_scan(tmp_path: Path) -> None:
    shards, whole = _shards(tmp_path)
    reports = []
    for shard in shards:
        out = tmp_path / f"{shard.stem}.report.json"
        run = run_cli(
            "scan",
            "--snapshot",
            str(shard),
            "-o",
            f"json:{out}",
            "--fail-on",
            "never",
            "--allow-incomplete",
        )
        assert run.code == 0, run.stderr
        reports.append(str(out))
    merged = run_cli("merge", *reports, "-o", "json")
    assert merged.code == 0, merged.stderr
    single = run_cli("scan", "--snapshot", str(whole), "-o", "json", "--fail-on", "never")
    merged_report, single_report = merged.json(), single.json()
    assert _findings(merged_report) == _findings(single_report)
    assert merged_report["summary"] == single_report["summary"]
    assert merged_report["scope"]["subscriptions"] == single_report["scope"]["subscriptions"]
    # Any format renders from the merged result.
    text = run_cli("merge", *reports, "-o", "text")
    assert text.code == 0 and "failing, active (not suppressed):" in text.stdout


def test_merge_refuses_mixed_or_bad_inputs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    run = run_cli("merge", str(bad))
    assert run.code == 2 and "not an amlaudit JSON report" in run.stderr
    assert run.stderr.count("\n") == 1


@pytest.mark.skipif("sarif" not in FORMATS, reason="SARIF format not registered")
def test_merged_sarif_keeps_every_rule_and_result_once(tmp_path: Path) -> None:
    shards, whole = _shards(tmp_path)
    paths = []
    for shard in shards:
        out = tmp_path / f"{shard.stem}.sarif"
        run_cli(
            "scan",
            "--snapshot",
            str(shard),
            "-o",
            f"sarif:{out}",
            "--fail-on",
            "never",
            "--allow-incomplete",
        )
        paths.append(str(out))
    merged = run_cli("merge", *paths, "-o", "sarif")
    assert merged.code == 0, merged.stderr
    single = run_cli("scan", "--snapshot", str(whole), "-o", "sarif", "--fail-on", "never")
    m, s = merged.json()["runs"][0], single.json()["runs"][0]
    key = "amlaudit/v1"
    assert sorted(r["partialFingerprints"][key] for r in m["results"]) == sorted(
        r["partialFingerprints"][key] for r in s["results"]
    )
    rule_ids = [r["id"] for r in m["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(set(rule_ids))
    for result in m["results"]:
        assert m["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
