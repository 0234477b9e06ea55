"""Judging rules in forked processes gives the same report, byte for byte, as one process.

The estates: the demo estate with errors, an unjudgeable resource and a conflicting duplicate
(test_determinism.estate), and a synthetic estate from the benchmark generator.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from amlaudit.api import Context, Resource, Verdict
from amlaudit.engine import evaluate
from amlaudit.index import SnapshotIndex
from amlaudit.parallel import shares, work_of
from amlaudit.registry import find_packs, load_rules
from amlaudit.reports import FORMATS
from amlaudit.snapshot import load
from conftest import run_cli, write_json
from fixtures.estate import envelope, synthetic_plan
from test_determinism import estate

RULES = load_rules(find_packs(use_entry_points=False))


def reports(folder: Path, snapshot: Path, *flags: str) -> dict[str, bytes]:
    out = folder / "out"
    out.mkdir(parents=True)
    outputs = [arg for fmt in sorted(FORMATS) for arg in ("-o", f"{fmt}:{out}/report.{fmt}")]
    result = run_cli("scan", "--snapshot", str(snapshot), *outputs, "--fail-on", "never", *flags)
    assert result.code in (0, 3), result.stderr
    assert "Traceback" not in result.stderr
    return {fmt: (out / f"report.{fmt}").read_bytes() for fmt in FORMATS}


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_demo_estate_reports_are_byte_identical_in_parallel(tmp_path: Path, jobs: str) -> None:
    snapshot = write_json(tmp_path / "estate.json", estate())
    sequential = reports(tmp_path / "one", snapshot, "--jobs", "1")
    parallel = reports(tmp_path / "many", snapshot, "--jobs", jobs)
    for fmt in FORMATS:
        assert parallel[fmt] == sequential[fmt], fmt
    assert b'"status": "error"' in sequential["json"]  # the estate exercises error findings


def test_generated_estate_reports_are_byte_identical_in_parallel(tmp_path: Path) -> None:
    snapshot = write_json(tmp_path / "estate.json", synthetic())
    sequential = reports(tmp_path / "one", snapshot, "--jobs", "1")
    parallel = reports(tmp_path / "two", snapshot, "--jobs", "2")
    assert parallel == sequential
    assert sequential["json"].count(b'"rule_id"') > 5_000


def test_a_child_that_dies_is_replaced_by_judging_its_share_here(tmp_path: Path) -> None:
    """Every rule kills any process but this one: the children all die mid-share, and the
    result must still be complete and identical."""
    snapshot = load([str(write_json(tmp_path / "estate.json", estate()))])
    parent = os.getpid()

    def dying(spec: Any) -> Any:
        def judge(res: Resource, ctx: Context) -> Verdict:
            if os.getpid() != parent:
                os._exit(9)
            result: Verdict = spec.function(res, ctx)
            return result

        return dataclasses.replace(spec, function=judge)

    rules = [dying(spec) for spec in RULES]
    sequential = evaluate(SnapshotIndex(snapshot), rules, _defaults(), jobs=1)
    parallel = evaluate(SnapshotIndex(snapshot), rules, _defaults(), jobs=3)
    assert [f.to_dict() for f in parallel.findings] == [f.to_dict() for f in sequential.findings]
    assert parallel.coverage == sequential.coverage
    assert len(parallel.findings) > 1_000


def test_findings_the_children_send_keep_every_field(tmp_path: Path) -> None:
    """Evidence, workspaces, skip reasons and gating survive the trip through the pipe."""
    snapshot = load([str(write_json(tmp_path / "estate.json", estate()))])
    sequential = evaluate(SnapshotIndex(snapshot), RULES, _defaults(), jobs=1)
    parallel = evaluate(SnapshotIndex(snapshot), RULES, _defaults(), jobs=2)
    assert [dataclasses.astuple(f) for f in parallel.findings] == [
        dataclasses.astuple(f) for f in sequential.findings
    ]
    assert any(f.evidence for f in parallel.findings)
    assert any(not f.gating for f in parallel.findings) == any(
        not f.gating for f in sequential.findings
    )


def test_shares_cover_every_rule_once_and_do_not_depend_on_the_run(tmp_path: Path) -> None:
    index = SnapshotIndex(load([str(write_json(tmp_path / "e.json", estate()))]))
    split = shares(index, RULES, 3)
    assert sorted(n for share in split for n in share) == list(range(len(RULES)))
    assert split == shares(index, RULES, 3)
    loads = [sum(work_of(index, RULES[n]) for n in share) for share in split]
    assert max(loads) - min(loads) <= max(work_of(index, spec) for spec in RULES)


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_jobs_must_be_a_positive_number(tmp_path: Path, value: str) -> None:
    snapshot = write_json(tmp_path / "estate.json", estate())
    result = run_cli("scan", "--snapshot", str(snapshot), "--jobs", value)
    assert result.code == 2
    assert "--jobs" in result.stderr and "Traceback" not in result.stderr


def test_jobs_from_the_configuration_is_checked_and_used(tmp_path: Path) -> None:
    snapshot = write_json(tmp_path / "estate.json", estate())
    (tmp_path / "amlaudit.toml").write_text("jobs = 0\n", encoding="utf-8")
    refused = run_cli("scan", "--snapshot", str(snapshot), cwd=tmp_path)
    assert refused.code == 2 and "jobs must be at least 1" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    (tmp_path / "amlaudit.toml").write_text("jobs = 2\n", encoding="utf-8")
    used = run_cli("scan", "--snapshot", str(snapshot), "-o", "json", cwd=tmp_path)
    alone = run_cli("scan", "--snapshot", str(snapshot), "-o", "json", "--jobs", "1")
    assert used.code == alone.code == 3
    assert used.stdout == alone.stdout


def _defaults() -> dict[str, Any]:
    from amlaudit.config import rule_options

    return rule_options(RULES, {}, "test")


def synthetic() -> Any:
    """The benchmark generator's estate (benchmarks/generate.py), 2 subscriptions x 20."""
    return envelope(synthetic_plan(2, 20, 0.3, "parallel"))
