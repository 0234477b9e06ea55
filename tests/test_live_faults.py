"""Faults are data: throttling, 5xx bursts, timeouts, dropped connections, 403 and 404 all end
in a finished scan whose `errors` say what was missed, with bounded retries and exit 3."""

from __future__ import annotations

import json
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from amlaudit import armid
from conftest import ROOT
from fakearm import Fault
from fakearm.harness import by_id, fixture_resources, main_in_process, serving, subscriptions_of

FIXTURE = "hardened.json"
SCHEMA = json.loads(
    (ROOT / "auditor/amlaudit/schemas/snapshot.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture
def estate() -> list[dict[str, Any]]:
    return fixture_resources(FIXTURE)


def _workspace(resources: list[dict[str, Any]]) -> str:
    return next(r["id"] for r in resources if r["type"].lower().endswith("/workspaces"))


def _export(
    arm: Any, tmp_path: Path, monkeypatch: Any, capsys: Any, *args: str, **kw: Any
) -> tuple[Any, dict[str, Any]]:
    out = tmp_path / "out.json"
    run = main_in_process(arm, monkeypatch, capsys, "export", "-o", str(out), *args, **kw)
    document = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if document:
        jsonschema.validate(document, SCHEMA)  # errors entries included
    return run, document


def test_throttling_storm_is_ridden_out_with_capped_waits(
    estate, tmp_path, monkeypatch, capsys
) -> None:
    subs = subscriptions_of(estate)
    with serving(estate, tmp_path) as arm:
        # Retry-After asks for 30 s; the cap (0.5 s in tests, 30 s by default) bounds the wait.
        arm.faults.add(Fault("throttle", times=25, value="30"))
        started = time.monotonic()
        run, document = _export(arm, tmp_path, monkeypatch, capsys, subscriptions=subs)
        elapsed = time.monotonic() - started
        throttled = [r for r in arm.log if r.status == 429]
    assert run.code == 0, run.stderr
    assert document["errors"] == []
    assert len(throttled) == 25
    assert elapsed < 20
    assert set(by_id(document["resources"])) >= set(by_id(estate))


def test_retry_after_ms_is_honoured(estate, tmp_path, monkeypatch, capsys) -> None:
    with serving(estate, tmp_path) as arm:
        arm.faults.add(
            Fault(
                "throttle",
                match="/microsoft.machinelearningservices/workspaces?",
                times=1,
                ms="400",
            )
        )
        run, _ = _export(arm, tmp_path, monkeypatch, capsys, subscriptions=subscriptions_of(estate))
        hits = [
            r
            for r in arm.log
            if r.path.lower().endswith("/microsoft.machinelearningservices/workspaces")
        ]
    assert run.code == 0, run.stderr
    assert [r.status for r in hits[:2]] == [429, 200]
    assert hits[1].started - hits[0].ended >= 0.35


def test_5xx_burst_is_retried_to_completion(estate, tmp_path, monkeypatch, capsys) -> None:
    with serving(estate, tmp_path) as arm:
        arm.faults.add(Fault("error", status=503, code="ServiceUnavailable", times=15))
        run, document = _export(
            arm, tmp_path, monkeypatch, capsys, subscriptions=subscriptions_of(estate)
        )
        failed = [r for r in arm.log if r.status == 503]
    assert run.code == 0, run.stderr
    assert document["errors"] == []
    assert len(failed) == 15
    assert set(by_id(document["resources"])) >= set(by_id(estate))


def test_persistent_500_is_an_error_entry_after_bounded_retries(
    estate, tmp_path, monkeypatch, capsys
) -> None:
    workspace = _workspace(estate)
    with serving(estate, tmp_path) as arm:
        arm.faults.add(Fault("error", match=f"{workspace}/computes".lower()))
        run, document = _export(
            arm,
            tmp_path,
            monkeypatch,
            capsys,
            subscriptions=subscriptions_of(estate),
            env={"AMLAUDIT_RETRIES": "2"},
        )
        attempts = [r for r in arm.log if r.path.lower() == f"{workspace}/computes".lower()]
    assert run.code == 3
    assert len(attempts) == 3  # one try + two retries
    [error] = document["errors"]
    assert error["scope"] == workspace
    assert error["status"] == "500"
    assert error["operation"] == "list Microsoft.MachineLearningServices/workspaces/computes"
    assert error["resource_type"] == "Microsoft.MachineLearningServices/workspaces/computes"


def test_forbidden_subscription_is_one_error_and_the_rest_is_collected(
    tmp_path, monkeypatch, capsys
) -> None:
    resources = fixture_resources("demo.json")
    blocked, allowed = subscriptions_of(resources)
    with serving(resources, tmp_path) as arm:
        arm.faults.forbidden_subscriptions.add(blocked)
        run, document = _export(
            arm, tmp_path, monkeypatch, capsys, subscriptions=[blocked, allowed]
        )
    assert run.code == 3
    assert document["errors"] == [
        {
            "scope": f"/subscriptions/{blocked}",
            "operation": "read subscription",
            "status": "403",
            "message": f"AuthorizationFailed: the client has no read access to subscription {blocked}",
        }
    ]
    expected = {k for k in by_id(resources) if armid.subscription_id(k) == allowed}
    collected = set(by_id(document["resources"]))
    assert expected <= collected
    assert not any(armid.subscription_id(k) == blocked for k in collected)


def test_scan_with_a_missing_child_list_reports_error_findings(
    estate, tmp_path, monkeypatch, capsys
) -> None:
    workspace = _workspace(estate)
    with serving(estate, tmp_path) as arm:
        arm.faults.add(
            Fault(
                "notfound",
                match=f"{workspace}/providers/microsoft.insights/diagnosticsettings".lower(),
            )
        )
        out = tmp_path / "report.json"
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "scan",
            "-o",
            f"json:{out}",
            subscriptions=subscriptions_of(estate),
        )
    assert run.code == 3
    report = json.loads(out.read_text(encoding="utf-8"))
    assert any(e["status"] == "404" and e["scope"] == workspace for e in report["errors"])
    diagnostics = [
        f for f in report["findings"] if f["rule_id"] == "AML010" and f["resource_id"] == workspace
    ]
    assert [f["status"] for f in diagnostics] == ["error"]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("malformed", "invalid-response"),
        ("drop", "connection"),
        ("foreignlink", "invalid-response"),
    ],
)
def test_broken_responses_become_error_entries(
    kind, status, estate, tmp_path, monkeypatch, capsys
) -> None:
    workspace = _workspace(estate)
    with serving(estate, tmp_path) as arm:
        # The current listing only: v1 datastores are listed again at 2020-05-01-preview.
        arm.faults.add(Fault(kind, match=f"{workspace}/datastores?api-version=2025".lower()))
        run, document = _export(
            arm,
            tmp_path,
            monkeypatch,
            capsys,
            subscriptions=subscriptions_of(estate),
            env={"AMLAUDIT_RETRIES": "1"},
        )
    assert run.code == 3
    [error] = document["errors"]
    assert (error["scope"], error["status"]) == (workspace, status)


def test_a_dropped_connection_is_retried(estate, tmp_path, monkeypatch, capsys) -> None:
    workspace = _workspace(estate)
    with serving(estate, tmp_path) as arm:
        arm.faults.add(Fault("drop", match=f"{workspace}/datastores".lower(), times=1))
        run, document = _export(
            arm, tmp_path, monkeypatch, capsys, subscriptions=subscriptions_of(estate)
        )
    assert run.code == 0, run.stderr
    assert document["errors"] == []


def test_overall_timeout_keeps_what_was_collected(estate, tmp_path, monkeypatch, capsys) -> None:
    with serving(estate, tmp_path) as arm:
        arm.faults.add(Fault("slow", match="/computes", value="4"))
        started = time.monotonic()
        run, document = _export(
            arm,
            tmp_path,
            monkeypatch,
            capsys,
            "--timeout",
            "1.5",
            subscriptions=subscriptions_of(estate),
        )
        elapsed = time.monotonic() - started
    assert run.code == 3
    assert elapsed < 6
    timeouts = [e for e in document["errors"] if e["status"] == "timeout"]
    assert timeouts and all("computes" in e["operation"] for e in timeouts)
    types = {r["type"].lower() for r in document["resources"]}
    assert "microsoft.machinelearningservices/workspaces" in types


def test_unregistered_provider_means_none_of_that_type(
    estate, tmp_path, monkeypatch, capsys
) -> None:
    with serving(estate, tmp_path) as arm:
        arm.faults.add(
            Fault(
                "status",
                match="/microsoft.consumption/budgets",
                status=409,
                code="MissingSubscriptionRegistration",
            )
        )
        run, document = _export(
            arm,
            tmp_path,
            monkeypatch,
            capsys,
            "--allow-incomplete",
            subscriptions=subscriptions_of(estate),
        )
        writes = arm.writes()
    assert run.code == 0
    assert document["errors"] == []
    assert writes == []  # never registers the provider
    assert not any(
        r["type"].lower() == "microsoft.consumption/budgets" for r in document["resources"]
    )


def test_low_remaining_reads_pause_every_worker(estate, tmp_path, monkeypatch, capsys) -> None:
    with serving(estate, tmp_path) as arm:
        # 0 reads left: ARM refills 25 per second, so the collector waits 10/25 = 0.4 s.
        arm.faults.add(
            Fault(
                "lowquota",
                match="/microsoft.machinelearningservices/workspaces?",
                times=1,
                value="0",
            )
        )
        run, _ = _export(arm, tmp_path, monkeypatch, capsys, subscriptions=subscriptions_of(estate))
        log = sorted(arm.log, key=lambda r: r.started)
    assert run.code == 0, run.stderr
    low = next(
        r for r in log if r.path.lower().endswith("/microsoft.machinelearningservices/workspaces")
    )
    # Requests already past the pacer still land; then everything waits for the refill.
    starts = [low.ended, *(r.started for r in log if r.started > low.ended)]
    assert max(b - a for a, b in pairwise(starts)) >= 0.3


def test_export_declares_the_types_whose_every_listing_succeeded(
    estate, tmp_path, monkeypatch, capsys
) -> None:
    """`source.collected_types`: a type whose listing failed anywhere is left out (its error
    is an `errors` entry), so a scan of the envelope never reads its absence as a fact."""
    workspace = _workspace(estate)
    datastores = "Microsoft.MachineLearningServices/workspaces/datastores"
    with serving(estate, tmp_path) as arm:
        run, clean = _export(
            arm, tmp_path, monkeypatch, capsys, subscriptions=subscriptions_of(estate)
        )
        arm.faults.add(Fault("error", status=403, match=f"{workspace}/datastores".lower()))
        broken_run, broken = _export(
            arm,
            tmp_path,
            monkeypatch,
            capsys,
            subscriptions=subscriptions_of(estate),
            env={"AMLAUDIT_RETRIES": "1"},
        )
    assert run.code == 0 and broken_run.code == 3
    declared = clean["source"]["collected_types"]
    assert declared == sorted(declared, key=str.lower)
    assert {datastores, "Microsoft.Insights/diagnosticSettings"} <= set(declared)
    assert set(broken["source"]["collected_types"]) == set(declared) - {datastores}
