"""Registry, App Insights/Log Analytics, AKS and network rules (AML100-AML159) on the generated
estates and through the real CLI: the hardened estate passes, the demo fails in every family,
App Insights keys never reach a report, and the NSG exposure logic honours deny precedence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from amlaudit.checks import nsg_internet_exposure
from amlaudit.resource import DataError
from conftest import FIXTURES, run_cli

SELECT = "AML10*,AML11*,AML12*,AML13*,AML14*"
FAMILIES = {
    "registry": range(100, 115),
    "insights": range(115, 125),
    "aks": range(125, 140),
    "network": range(140, 160),
}


def _scan(snapshot: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    report = tmp_path / "report.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(FIXTURES / snapshot),
        "--select",
        SELECT,
        "-o",
        f"json:{report}",
        "--allow-incomplete",
        *extra,
    )
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads(report.read_text("utf-8"))


def test_hardened_estate_passes_every_dependent_rule(tmp_path: Path) -> None:
    code, report = _scan("hardened.json", tmp_path, "--fail-on", "info")
    bad = [
        (f["rule_id"], f["resource_name"], f["status"], f["message"])
        for f in report["findings"]
        if f["status"] in ("fail", "error")
    ]
    assert not bad
    assert code == 0
    judged = {f["rule_id"] for f in report["findings"] if f["status"] == "pass"}
    for family, ids in FAMILIES.items():
        assert judged & {f"AML{n}" for n in ids}, f"no {family} rule passed on the hardened estate"


def test_demo_estate_fails_in_every_dependent_family(tmp_path: Path) -> None:
    code, report = _scan("demo.json", tmp_path)
    assert code == 1
    failing = {int(f["rule_id"][3:]) for f in report["findings"] if f["status"] == "fail"}
    for family, ids in FAMILIES.items():
        assert failing & set(ids), f"the demo estate shows no failing {family} finding"
    assert not [f for f in report["findings"] if f["status"] == "error"]


def _app_insights_secrets(snapshot: Path) -> list[str]:
    resources = json.loads(snapshot.read_text("utf-8"))["resources"]
    secrets = []
    for res in resources:
        if res["type"].lower() == "microsoft.insights/components":
            secrets += [
                res["properties"]["InstrumentationKey"],
                res["properties"]["ConnectionString"],
            ]
    return secrets


def test_app_insights_keys_never_reach_any_report(tmp_path: Path) -> None:
    secrets = _app_insights_secrets(FIXTURES / "demo.json")
    assert len(secrets) >= 8
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "sarif", "markdown", "html")}
    run = run_cli(
        "scan",
        "--snapshot",
        str(FIXTURES / "demo.json"),
        "--select",
        SELECT,
        *[arg for fmt, path in outputs.items() for arg in ("-o", f"{fmt}:{path}")],
        "-o",
        "text",
        "--allow-incomplete",
    )
    assert run.code == 1, run.stderr
    texts = {fmt: path.read_text("utf-8") for fmt, path in outputs.items()}
    texts["text"] = run.stdout + run.stderr
    for fmt, text in texts.items():
        assert "InstrumentationKey=" not in text, fmt
        leaked = [s[:12] for s in secrets if s in text or s.split(";")[0] in text]
        assert not leaked, f"{fmt} report carries App Insights keys {leaked}"


def _rule(name: str, priority: int, access: str = "Allow", **props: Any) -> dict[str, Any]:
    base = {
        "protocol": "Tcp",
        "sourceAddressPrefix": "Internet",
        "destinationAddressPrefix": "*",
        "destinationPortRange": "22",
        "direction": "Inbound",
    }
    return {"name": name, "properties": {**base, **props, "access": access, "priority": priority}}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([_rule("ssh", 200)], [("ssh", 22)]),
        ([_rule("deny", 100, "Deny", sourceAddressPrefix="*"), _rule("ssh", 200)], []),
        ([_rule("deny", 300, "Deny", sourceAddressPrefix="*"), _rule("ssh", 200)], [("ssh", 22)]),
        # a deny for one source range or another port does not cover the internet-wide allow
        (
            [_rule("deny", 100, "Deny", sourceAddressPrefix="203.0.113.0/24"), _rule("ssh", 200)],
            [("ssh", 22)],
        ),
        ([_rule("deny", 100, "Deny", destinationPortRange="23"), _rule("ssh", 200)], [("ssh", 22)]),
        # a UDP-only deny leaves TCP open; a deny to one address leaves the rest open
        ([_rule("deny", 100, "Deny", protocol="Udp"), _rule("ssh", 200)], [("ssh", 22)]),
        (
            [_rule("deny", 100, "Deny", destinationAddressPrefix="10.0.0.4"), _rule("ssh", 200)],
            [("ssh", 22)],
        ),
        ([_rule("any", 200, destinationPortRange="*", protocol="*")], [("any", 22), ("any", 3389)]),
        (
            [_rule("r", 200, destinationPortRange=None, destinationPortRanges=["80", "3380-3390"])],
            [("r", 3389)],
        ),
        (
            [
                _rule(
                    "r", 200, sourceAddressPrefix=None, sourceAddressPrefixes=["10.0.0.0/8", "ANY"]
                )
            ],
            [("r", 22)],
        ),
        ([_rule("icmp", 200, protocol="Icmp", destinationPortRange="*")], []),
        ([_rule("out", 200, direction="Outbound")], []),
        ([_rule("vnet", 200, sourceAddressPrefix="VirtualNetwork")], []),
    ],
)
def test_nsg_internet_exposure(
    rules: list[dict[str, Any]], expected: list[tuple[str, int]]
) -> None:
    for rule in rules:
        rule["properties"] = {k: v for k, v in rule["properties"].items() if v is not None}
    assert nsg_internet_exposure(rules, [22, 3389]) == expected


def test_nsg_rule_with_unreadable_port_or_priority_is_a_data_error() -> None:
    with pytest.raises(DataError, match="port range"):
        nsg_internet_exposure([_rule("r", 200, destinationPortRange="ssh")], [22])
    with pytest.raises(DataError, match="priority"):
        nsg_internet_exposure(
            [_rule("deny", "100", "Deny"), _rule("r", 200)],  # type: ignore[arg-type]
            [22],
        )
