"""Lifecycle rules beyond their pass/fail fixtures: the scan clock decides whether v1 web
services are past end of support, and secret delivery attributes of Event Grid are redacted."""

from __future__ import annotations

from typing import Any

import pytest

from amlaudit.redact import MARKER, redact_tree
from amlaudit.registry import find_packs, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES

RULES = {spec.id: spec for spec in load_rules(find_packs(use_entry_points=False))}


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        ("1767225600", "whose support ends 2026-06-30"),  # 2026-01-01
        ("1783036800", "past end of support (2026-06-30)"),  # 2026-07-03
    ],
)
def test_v1_end_of_support_is_judged_against_the_scan_clock(
    epoch: str, expected: str, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    snapshot = load([str(FIXTURES / "rules" / "AML243" / "info.json")])
    [finding] = scan_snapshot(snapshot, [RULES["AML243"]]).findings
    assert finding.status.value == "info"
    assert expected in finding.message and "churn-aks" in finding.message


def test_expired_event_subscription_uses_the_scan_clock(monkeypatch: Any) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01: before the expiry
    snapshot = load([str(FIXTURES / "rules" / "AML224" / "fail.json")])
    [finding] = scan_snapshot(snapshot, [RULES["AML224"]]).findings
    assert finding.status.value == "pass" and "expires 2025-06-30" in finding.message


def test_secret_delivery_attributes_and_webhook_urls_are_redacted() -> None:
    destination = {
        "endpointType": "WebHook",
        "properties": {
            "endpointUrl": "https://hooks.contoso.com/ml?code=abc123",
            "endpointBaseUrl": "https://hooks.contoso.com/ml",
            "deliveryAttributeMappings": [
                {
                    "name": "x-api",
                    "type": "Static",
                    "properties": {"value": "k-1", "isSecret": True},
                },
                {
                    "name": "x-tenant",
                    "type": "Static",
                    "properties": {"value": "t-1", "isSecret": False},
                },
            ],
        },
    }
    cleaned, paths = redact_tree(destination)
    props = cleaned["properties"]
    assert props["endpointUrl"] == MARKER
    assert props["endpointBaseUrl"] == "https://hooks.contoso.com/ml"
    assert props["deliveryAttributeMappings"][0]["properties"]["value"] == MARKER
    assert props["deliveryAttributeMappings"][1]["properties"]["value"] == "t-1"
    assert len(paths) == 2
