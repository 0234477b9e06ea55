"""Workspace extras, compute and endpoint rules (AML001-AML049) on the generated estates and
through the real CLI: the hardened estate passes, the demo fails in every family, a hub-based
project is judged by its hub, options from the configuration change verdicts, outbound FQDN
breadth follows the Public Suffix List, and attached computes are skipped with a reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from amlaudit.model import Status
from amlaudit.registry import find_packs, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES, run_cli, write_json

SELECT = "AML00*,AML01*,AML02*,AML03*,AML04*"
FAMILIES = {"workspace": range(1, 20), "compute": range(20, 40), "endpoints": range(40, 50)}
RULES = {spec.id: spec for spec in load_rules(find_packs(use_entry_points=False))}


def _scan(snapshot: Path, tmp_path: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    report = tmp_path / "report.json"
    run = run_cli(
        "scan", "--snapshot", str(snapshot), "--select", SELECT, "-o", f"json:{report}", *extra
    )
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads(report.read_text("utf-8"))["findings"]


def _family(rule_id: str) -> str:
    number = int(rule_id[3:])
    return next(name for name, ids in FAMILIES.items() if number in ids)


def test_hardened_estate_passes_every_workload_rule(tmp_path: Path) -> None:
    code, findings = _scan(FIXTURES / "hardened.json", tmp_path, "--fail-on", "info")
    bad = [
        (f["rule_id"], f["resource_name"], f["message"])
        for f in findings
        if f["status"] in ("fail", "error")
    ]
    assert code == 0 and not bad, bad
    judged = {_family(f["rule_id"]) for f in findings if f["status"] == "pass"}
    assert judged == set(FAMILIES)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[dict[str, Any]]]:
    """One CLI scan of the demo estate, shared by the tests that read it."""
    return _scan(FIXTURES / "demo.json", tmp_path_factory.mktemp("demo"))


def test_demo_estate_fails_in_every_workload_family(demo: tuple[int, list[dict[str, Any]]]) -> None:
    code, findings = demo
    failing = {_family(f["rule_id"]) for f in findings if f["status"] == "fail"}
    assert code == 1 and failing == set(FAMILIES)
    assert not [f for f in findings if f["status"] == "error"]


def test_demo_project_is_judged_by_its_hub(demo: tuple[int, list[dict[str, Any]]]) -> None:
    _, findings = demo
    by_key = {(f["rule_id"], f["resource_name"]): f for f in findings}
    for rule_id in ("AML001", "AML002", "AML003", "AML004", "AML005", "AML011", "AML012"):
        hub = by_key[(rule_id, "hub-genai-prod")]
        project = by_key[(rule_id, "proj-claims-assistant")]
        assert project["status"] == hub["status"], rule_id
        assert project["message"].startswith("hub 'hub-genai-prod' (inherited): "), rule_id
    assert by_key[("AML011", "proj-claims-assistant")]["status"] == "fail"


def test_attached_computes_are_skipped_with_a_reason(
    demo: tuple[int, list[dict[str, Any]]],
) -> None:
    _, findings = demo
    attached = [f for f in findings if f["resource_name"] == "aks-inference"]
    assert attached and {f["status"] for f in attached} == {"skipped"}
    assert all("attached Kubernetes" in f["skip_reason"] for f in attached)


@pytest.mark.parametrize(
    ("rule_id", "fixture", "option"),
    [
        ("AML025", "fail-too-long", "max_idle_minutes = 3000"),
        ("AML030", "fail", "max_cluster_nodes = 60"),
        ("AML031", "fail", 'allowed_vm_sizes = ["Standard_NC24ads_A100_v4"]'),
        ("AML046", "fail", 'production_endpoint_tags = ["stage=live"]'),
    ],
)
def test_options_from_the_configuration_change_the_verdicts(
    tmp_path: Path, rule_id: str, fixture: str, option: str
) -> None:
    config = tmp_path / "amlaudit.toml"
    config.write_text(f"[options]\n{option}\n", encoding="utf-8")
    path = FIXTURES / "rules" / rule_id / f"{fixture}.json"
    report = tmp_path / "report.json"
    base = ("scan", "--snapshot", str(path), "--select", rule_id, "--fail-on", "low")
    assert run_cli(*base, "-o", f"json:{report}").code == 1
    configured = run_cli(*base, "--config", str(config), "-o", f"json:{report}")
    assert configured.code == 0, configured.stderr
    statuses = {f["status"] for f in json.loads(report.read_text("utf-8"))["findings"]}
    assert "fail" not in statuses and statuses & {"pass", "skipped"}, statuses


def test_an_option_of_the_wrong_type_is_a_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / "amlaudit.toml"
    config.write_text('[options]\nmax_idle_minutes = "two hours"\n', encoding="utf-8")
    path = FIXTURES / "rules" / "AML025" / "pass.json"
    run = run_cli("scan", "--snapshot", str(path), "--select", "AML025", "--config", str(config))
    assert run.code == 2 and "max_idle_minutes" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def _workspace_with_fqdn_rule(destination: str) -> dict[str, Any]:
    fixture = json.loads((FIXTURES / "rules" / "AML011" / "pass.json").read_text("utf-8"))
    workspace = fixture[0]
    workspace["properties"]["managedNetwork"]["outboundRules"] = {
        "under-test": {"type": "FQDN", "category": "UserDefined", "destination": destination}
    }
    return workspace


@pytest.mark.parametrize(
    ("destination", "status"),
    [
        ("*.pypi.org", Status.PASS),
        ("files.pythonhosted.org", Status.PASS),
        ("*.internal.contoso.com", Status.PASS),
        ("blob.core.windows.net", Status.PASS),
        ("*", Status.FAIL),
        ("*.io", Status.FAIL),
        ("*.co.uk", Status.FAIL),
        ("*.s3.amazonaws.com", Status.FAIL),
        ("*.githubusercontent.com", Status.FAIL),
        ("*.Blob.Core.Windows.Net.", Status.FAIL),
        ("*.windows.net", Status.FAIL),
    ],
)
def test_fqdn_rule_breadth_follows_the_public_suffix_list(
    tmp_path: Path, destination: str, status: Status
) -> None:
    path = write_json(tmp_path / "ws.json", [_workspace_with_fqdn_rule(destination)])
    result = scan_snapshot(load([str(path)]), [RULES["AML011"]])
    assert [f.status for f in result.findings] == [status], result.findings[0].message


def test_inline_setup_script_text_never_reaches_the_report(tmp_path: Path) -> None:
    path = FIXTURES / "rules" / "AML034" / "info.json"
    secret = json.loads(path.read_text("utf-8"))[1]["properties"]["properties"]["setupScripts"][
        "scripts"
    ]["creationScript"]["scriptData"]
    report = tmp_path / "r.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(path),
        "--select",
        "AML034",
        "--allow-empty",
        "-o",
        f"json:{report}",
        "-o",
        "text",
    )
    assert run.code == 0, run.stderr
    assert secret not in report.read_text("utf-8") and secret not in run.stdout
