"""Same input, same bytes: every registered report format is byte-identical across runs with
SOURCE_DATE_EPOCH fixed, under different PYTHONHASHSEEDs, and when the resources (and the
recorded collection errors) arrive in another order or split over several files.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from amlaudit.reports import FORMATS
from conftest import load_fixture, run_cli, write_json

WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"


def estate() -> dict[str, Any]:
    """The demo estate plus what makes ordering interesting: errors, an unjudgeable resource,
    a conflicting duplicate and two IDs that differ only in case."""
    document = copy.deepcopy(load_fixture("demo.json"))
    workspaces = [r for r in document["resources"] if r["type"] == WORKSPACE_TYPE]
    base = workspaces[0]["id"].rsplit("/", 1)[0]
    broken = {"id": f"{base}/mlw-null", "type": WORKSPACE_TYPE, "properties": None}
    clash = copy.deepcopy(workspaces[1])
    clash["properties"]["publicNetworkAccess"] = "Enabled"
    clash["id"] = clash["id"].upper()
    document["resources"] += [broken, clash]
    document["errors"] = [
        {"scope": f"{base}/mlw-z", "operation": "get", "status": "403", "message": "denied"},
        {"scope": f"{base}/mlw-a", "operation": "get", "status": "429", "message": "throttled"},
        {"scope": f"{base}/mlw-a", "operation": "list", "status": "500", "message": "boom"},
    ]
    return document


def scan_all(folder: Path, snapshots: list[str], hash_seed: str) -> dict[str, bytes]:
    outputs = [f"{fmt}:out/report.{fmt}" for fmt in sorted(FORMATS)]
    (folder / "out").mkdir()
    result = run_cli(
        "scan",
        *[arg for s in snapshots for arg in ("--snapshot", s)],
        *[arg for o in outputs for arg in ("-o", o)],
        env={"PYTHONHASHSEED": hash_seed, "SOURCE_DATE_EPOCH": "1767225600"},
        cwd=folder,
    )
    assert result.code == 3, result.stderr
    return {fmt: (folder / "out" / f"report.{fmt}").read_bytes() for fmt in FORMATS}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("first")
    write_json(folder / "estate.json", estate())
    return scan_all(folder, ["estate.json"], "0")


def test_same_input_twice_is_byte_identical(reference: dict[str, bytes], tmp_path: Path) -> None:
    write_json(tmp_path / "estate.json", estate())
    assert scan_all(tmp_path, ["estate.json"], "0") == reference


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_input_and_other_hash_seed_give_identical_bytes(
    reference: dict[str, bytes], tmp_path: Path, seed: int
) -> None:
    document = estate()
    rng = random.Random(seed)
    rng.shuffle(document["resources"])
    rng.shuffle(document["errors"])
    write_json(tmp_path / "estate.json", document)
    again = scan_all(tmp_path, ["estate.json"], str(1000 + seed))
    for fmt in FORMATS:
        assert again[fmt] == reference[fmt], f"{fmt} differs after shuffling (seed {seed})"


def test_json_report_is_sorted_and_stamped_by_source_date_epoch(
    reference: dict[str, bytes],
) -> None:
    report = json.loads(reference["json"])
    assert report["generated_at"] == "2026-01-01T00:00:00Z"
    keys = [(f["rule_id"], f["resource_id"].lower(), f["status"]) for f in report["findings"]]
    assert keys == sorted(keys)
    errors = [e["scope"].lower() for e in report["errors"]]
    assert errors == sorted(errors)
