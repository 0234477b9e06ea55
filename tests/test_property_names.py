"""Property names match ignoring case, as Azure Policy aliases do (item 4 of "Real Azure JSON
(2/2)"); two names of one object equal ignoring case are a data error, never first-wins.

The AKS fixtures follow azure-rest-api-specs containerservice `aks/stable/2025-07-01/examples/
ManagedClustersGet.json` with the casings of other exporters (real-shapes.md: PowerShell's
`Sku.Name`, `authorizedIpRanges` where ARM writes `sku.name`, `authorizedIPRanges`).
"""

from __future__ import annotations

from typing import Any

import pytest

from amlaudit.depscope import ScopeMode
from amlaudit.model import Status
from amlaudit.registry import find_packs, find_rule, load_rules
from amlaudit.resource import DataError, Resource, item_get
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES

RULES = load_rules(find_packs(use_entry_points=False))
AKS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a"


def _resource(raw: dict[str, Any]) -> Resource:
    return Resource(
        {"id": AKS, "type": "Microsoft.ContainerService/managedClusters", **raw}, AKS, "x"
    )


def test_exact_spelling_then_any_casing() -> None:
    res = _resource(
        {
            "Sku": {"Name": "Base", "tier": "Free"},
            "properties": {"apiServerAccessProfile": {"authorizedIpRanges": ["203.0.113.0/24"]}},
        }
    )
    assert res.str("sku.name") == "Base"
    assert res.str("sku.tier") == "Free"
    assert res.list("properties.apiServerAccessProfile.authorizedIPRanges") == ["203.0.113.0/24"]
    assert res.get("properties.absent.deeper") is None
    assert res.properties == res.raw["properties"]


def test_two_names_equal_ignoring_case_are_an_error_only_where_read() -> None:
    res = _resource(
        {
            "tags": {"Env": "prod", "env": "dev"},
            "properties": {"publicNetworkAccess": "Disabled", "PublicNetworkAccess": "Enabled"},
        }
    )
    with pytest.raises(DataError, match="ambiguous"):
        res.str("properties.publicNetworkAccess")
    with pytest.raises(DataError, match="ambiguous"):
        res.str("properties.PUBLICNETWORKACCESS")
    assert res.get("properties.minimumTlsVersion") is None  # other members stay readable
    with pytest.raises(DataError, match="ambiguous"):
        item_get(res.raw, "tags.env")


def test_array_items_match_ignoring_case() -> None:
    item = {"Properties": {"PrivateLinkServiceConnectionState": {"Status": "Approved"}}}
    assert item_get(item, "properties.privateLinkServiceConnectionState.status") == "Approved"
    assert item_get(item, "properties.absent") is None
    assert item_get("not an object", "properties") is None


def _finding(fixture: str) -> Any:
    spec = find_rule(RULES, "AML125")
    path = FIXTURES / "rules/AML125" / fixture
    # The clusters stand alone (no workspace attaches them): judge them as `--dependency-scope all`.
    return scan_snapshot(load([str(path)]), [spec], dependency_scope=ScopeMode.ALL)


def test_aks_with_other_casing_keeps_its_authorized_ranges() -> None:
    """0.1.0 read `authorizedIPRanges` only and failed this cluster as open to any address."""
    result = _finding("pass-powershell-casing.json")
    (finding,) = result.findings
    assert finding.status is Status.PASS, finding.message
    assert "2 authorized IP range(s)" in finding.message


def test_aks_with_both_casings_is_an_error_with_a_coverage_entry() -> None:
    """0.1.0 read the exact spelling (a restricted range) and passed; the other spelling opens
    the API server to every address: which one holds cannot be known."""
    result = _finding("error-ambiguous-casing.json")
    (finding,) = result.findings
    assert finding.status is Status.ERROR
    assert "ambiguous" in finding.message
    assert any(gap.rule_id == "AML125" for gap in result.coverage)
