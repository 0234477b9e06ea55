"""Issue 12, items 11, 14 and 19 against the fake ARM (real HTTPS, the real azure-core stack):
a body that trickles in, a `Retry-After` that is not a number, a body over the size limit.
Each ends in a finished collection whose `errors` say what was missed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakearm import Fault
from fakearm.harness import fixture_resources, main_in_process, serving, subscriptions_of

FIXTURE = "hardened.json"


@pytest.fixture
def estate() -> list[dict[str, Any]]:
    return fixture_resources(FIXTURE)


def _workspace(resources: list[dict[str, Any]]) -> str:
    return next(r["id"] for r in resources if r["type"].lower().endswith("/workspaces"))


def _export(arm: Any, tmp_path: Path, monkeypatch: Any, capsys: Any, *args: str, **kw: Any) -> Any:
    out = tmp_path / "out.json"
    run = main_in_process(arm, monkeypatch, capsys, "export", "-o", str(out), *args, **kw)
    document = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return run, document


def test_a_trickling_body_is_cut_at_the_deadline_whatever_its_length(
    estate: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """Item 11: one byte every 0.1 s never trips a read timeout; the deadline must still hold.
    Work counter: bytes the server got to send, for a body of n and of 4n bytes."""
    sent = []
    for size in (60, 240):
        with serving(estate, tmp_path) as arm:
            fault = Fault("trickle", match="/computes", value="0.1", size=size)
            arm.faults.add(fault)
            run, document = _export(
                arm,
                tmp_path,
                monkeypatch,
                capsys,
                "--timeout",
                "1.5",
                subscriptions=subscriptions_of(estate),
                env={"AMLAUDIT_RETRIES": "0"},
            )
        assert run.code == 3, run.stderr
        assert any(e["status"] == "timeout" for e in document["errors"]), document["errors"]
        sent.append(fault.sent)
    assert sent[1] < sent[0] + 20, sent  # 0.1.0 read all 4n bytes: ~4x


def test_a_retry_after_that_is_not_a_number_counts_as_absent(
    estate: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """Item 14: `Retry-After: soon` raised ValueError (exit 4) and lost the collection."""
    with serving(estate, tmp_path) as arm:
        arm.faults.add(Fault("throttle", match="/computes", value="soon", times=2))
        run, document = _export(
            arm, tmp_path, monkeypatch, capsys, subscriptions=subscriptions_of(estate)
        )
        throttled = [r for r in arm.log if r.status == 429]
    assert run.code == 0, run.stderr
    assert document["errors"] == [] and len(throttled) == 2


def test_a_body_over_the_size_limit_is_an_error_for_its_scope(
    estate: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """Item 19: a response over the per-response limit is an `errors` entry (exit 3); the
    rest of the estate is still collected."""
    workspace = _workspace(estate)
    with serving(estate, tmp_path) as arm:
        # The current listing only: v1 datastores are listed again at 2020-05-01-preview.
        listing = f"{workspace}/datastores?api-version=2025".lower()
        fault = Fault("trickle", match=listing, value="0", size=300_000)
        arm.faults.add(fault)
        run, document = _export(
            arm,
            tmp_path,
            monkeypatch,
            capsys,
            subscriptions=subscriptions_of(estate),
            env={"AMLAUDIT_MAX_RESPONSE_SIZE": "200000", "AMLAUDIT_RETRIES": "0"},
        )
    assert run.code == 3, run.stderr
    [error] = document["errors"]
    assert error["status"] == "too-large" and error["scope"] == workspace
    assert "200,000-byte limit" in error["message"]
    types = {r["type"].lower() for r in document["resources"]}
    assert "microsoft.machinelearningservices/workspaces" in types


def test_live_collection_stops_at_max_resources(
    estate: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """Item 19, live: past --max-resources nothing more is kept, and the scan says so (3)."""
    with serving(estate, tmp_path) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "scan",
            "--max-resources",
            "5",
            "-o",
            "json",
            "--save-snapshot",
            str(tmp_path / "saved.json"),
            subscriptions=subscriptions_of(estate),
        )
    assert run.code == 3, run.stderr
    saved = json.loads((tmp_path / "saved.json").read_text(encoding="utf-8"))
    assert len(saved["resources"]) <= 5 + len(subscriptions_of(estate))
    assert [e["status"] for e in saved["errors"]] == ["too-many-resources"]
