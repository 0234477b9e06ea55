"""Round trip through the fake ARM: `export` returns the fixture's resources, `scan` of the
live fake gives the findings `scan --snapshot` gives, and nothing but reads reaches ARM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from amlaudit import armid
from amlaudit.redact import MARKER, redact_tree
from conftest import FIXTURES, run_cli
from fakearm.harness import (
    by_id,
    export,
    fixture_resources,
    live,
    main_in_process,
    serving,
    subscriptions_of,
)

SCHEMA = json.loads(
    (FIXTURES.parent / "auditor/amlaudit/schemas/snapshot.schema.json").read_text(encoding="utf-8")
)
ROUND_TRIP = [
    "demo.json",
    "hardened.json",
    "rules/AML001/pass.json",
    "rules/AML001/fail.json",
    "rules/AML010/pass.json",
    "rules/AML010/fail-logs-disabled.json",
    "rules/AML011/fail-v2-child-broad-domain.json",
]


def _findings(stdout: str) -> list[tuple[Any, ...]]:
    report = json.loads(stdout)
    return sorted(
        (
            f["rule_id"],
            f["resource_id"].lower(),
            f["status"],
            f["message"],
            json.dumps(f["evidence"]),
        )
        for f in report["findings"]
    )


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_export_returns_the_fixture_resources(name: str, tmp_path: Path) -> None:
    resources = fixture_resources(name)
    with serving(resources, tmp_path, page_size=2) as arm:
        run, document = export(
            arm, tmp_path / "out.json", subscriptions=subscriptions_of(resources)
        )
        assert arm.writes() == []
    assert run.code == 0, run.stderr
    assert document["errors"] == []
    expected = by_id([redact_tree(r)[0] for r in resources])
    exported = by_id(document["resources"])
    # Rules read the subscription resource itself; the fake serves one for each subscription.
    added = {k for k in set(exported) - set(expected) if k.count("/") == 2}
    assert added <= {armid.subscription_scope(s) for s in subscriptions_of(resources)}
    assert sorted(set(exported) - added) == sorted(expected)
    for key, resource in expected.items():
        assert exported[key] == resource, key
    jsonschema.validate(document, SCHEMA)
    source = document["source"]
    assert source["mode"] == "live"
    assert source["scopes"] == [f"/subscriptions/{s}" for s in subscriptions_of(resources)]
    assert source["subscriptions"] == subscriptions_of(resources)
    assert source["api_versions"]["Microsoft.MachineLearningServices/workspaces"] == "2025-12-01"
    assert document["collected_at"] == "2026-01-01T00:00:00Z"  # SOURCE_DATE_EPOCH


@pytest.mark.parametrize("name", ["demo.json", "hardened.json", "rules/AML010/fail.json"])
def test_live_scan_matches_snapshot_scan(name: str, tmp_path: Path) -> None:
    resources = fixture_resources(name)
    offline = run_cli("scan", "--snapshot", str(FIXTURES / name), "-o", "json")
    with serving(resources, tmp_path) as arm:
        online = live(arm, "scan", "-o", "json", subscriptions=subscriptions_of(resources))
        log = list(arm.log)
        assert arm.writes() == []
    assert online.code == offline.code, online.stderr
    assert _findings(online.stdout) == _findings(offline.stdout)
    assert log and all(r.authorization == "Bearer fake-token" for r in log)
    assert all("api-version=" in r.query for r in log if r.method == "GET")
    ml = [
        r for r in log if armid.split_scope(r.path)[1][:1] == ["Microsoft.MachineLearningServices"]
    ]
    # v1 web services and v1 datastores are listed at the one api-version that returns them.
    v1 = [r for r in ml if "api-version=2020-05-01-preview" in r.query]
    assert v1 and {r.path.lower().rsplit("/", 1)[1] for r in v1} == {"services", "datastores"}
    assert ml and all("api-version=2025-12-01" in r.query for r in ml if r not in v1)


def test_scan_collects_only_what_the_selected_rules_read(tmp_path: Path) -> None:
    resources = fixture_resources("demo.json")
    with serving(resources, tmp_path) as arm:
        run = live(
            arm,
            "scan",
            "--select",
            "AML001",
            "-o",
            "json",
            subscriptions=subscriptions_of(resources),
        )
        paths = [r.path.lower() for r in arm.log]
    assert run.code in (0, 1), run.stderr
    assert any(p.endswith("/workspaces") for p in paths)
    assert not any("/computes" in p or "roleassignments" in p for p in paths)


def test_save_snapshot_rescans_to_the_same_findings(tmp_path: Path) -> None:
    resources = fixture_resources("demo.json")
    saved = tmp_path / "saved.json"
    with serving(resources, tmp_path) as arm:
        online = live(
            arm,
            "scan",
            "-o",
            "json",
            "--save-snapshot",
            str(saved),
            subscriptions=subscriptions_of(resources),
        )
    again = run_cli("scan", "--snapshot", str(saved), "-o", "json")
    assert again.code == online.code
    assert _findings(again.stdout) == _findings(online.stdout)


def test_secrets_returned_by_gets_are_redacted_and_listed(tmp_path: Path) -> None:
    resources = fixture_resources("demo.json")
    workspace = next(r for r in resources if r["type"].lower().endswith("/workspaces"))
    component_id = workspace["properties"]["applicationInsights"]
    secret_key = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    component = {
        "id": component_id,
        "name": armid.name_from_id(component_id),
        "type": "Microsoft.Insights/components",
        "kind": "web",
        "location": "westeurope",
        "properties": {
            "ApplicationId": "appi",
            "InstrumentationKey": secret_key,
            "ConnectionString": f"InstrumentationKey={secret_key};IngestionEndpoint=https://x/",
            "DisableLocalAuth": False,
        },
    }
    with serving([*resources, component], tmp_path) as arm:
        run, document = export(
            arm, tmp_path / "out.json", subscriptions=subscriptions_of(resources)
        )
    assert run.code == 0, run.stderr
    text = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert secret_key not in text
    stored = by_id(document["resources"])[armid.key(component_id)]
    assert stored["properties"]["InstrumentationKey"] == MARKER
    assert stored["properties"]["DisableLocalAuth"] is False
    redactions = document["source"]["redactions"]
    assert {"id": component_id, "path": "properties.ConnectionString"} in redactions
    assert {"id": component_id, "path": "properties.InstrumentationKey"} in redactions


def test_export_is_byte_stable(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    resources = fixture_resources("hardened.json")
    outputs = []
    with serving(resources, tmp_path, page_size=3) as arm:
        for name, concurrency in (("a.json", "16"), ("b.json", "3")):
            out = tmp_path / name
            run = main_in_process(
                arm,
                monkeypatch,
                capsys,
                "export",
                "-o",
                str(out),
                "--concurrency",
                concurrency,
                subscriptions=subscriptions_of(resources),
            )
            assert run.code == 0, run.stderr
            outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_managed_network_is_read_at_the_stable_version_and_no_preview_is_sent(
    tmp_path: Path,
) -> None:
    """The `managedNetworks/default` resource (stable 2025-12-01 `getManagedNetworkV2.json`
    shape) is collected and judged; 0.1.0 asked for its outbound rules at 2026-03-15-preview
    and never fetched the resource itself. A workspace without one answers 404: no error. (The
    v1 lifecycle rules list v1 shapes at 2020-05-01-preview on purpose; they are not selected.)"""
    resources = fixture_resources("rules/AML011/fail-v2-child-broad-domain.json")
    with serving(resources, tmp_path) as arm:
        run = live(
            arm,
            "scan",
            "--select",
            "AML004,AML011,AML012,AML021,AML024,AML043",
            "-o",
            "json",
            subscriptions=subscriptions_of(resources),
        )
        log = list(arm.log)
    report = json.loads(run.stdout)
    assert report["errors"] == []
    aml011 = [f for f in report["findings"] if f["rule_id"] == "AML011"]
    assert [f["status"] for f in aml011] == ["fail"], aml011
    assert aml011[0]["evidence"][0]["path"].startswith("managedNetworks/default: ")
    network = [r for r in log if r.path.lower().endswith("/managednetworks/default")]
    assert network and all("api-version=2025-12-01" in r.query for r in network)
    ml = [
        r for r in log if armid.split_scope(r.path)[1][:1] == ["Microsoft.MachineLearningServices"]
    ]
    assert ml and not [r for r in ml if "preview" in r.query.lower()]
    assert not [r for r in log if "/outboundrules" in r.path.lower() and "preview" in r.query]
