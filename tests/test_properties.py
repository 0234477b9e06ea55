"""Property-based robustness: no rule crashes on any ARM shape it can be given.

Every built-in rule gets resources of its types with random JSON at the paths it reads
(fuzz/arm_shapes.py). Wrong shapes must surface through the typed accessors as a clean
`cannot judge` error finding; any other exception is a rule bug, which the engine still turns
into an error finding (proved below with a deliberately crashing rule).

Budget: `AMLAUDIT_HYPOTHESIS_PROFILE=ci` (default, 20 examples per rule: with ~100 rules that
is ~2,000 scans) or `fuzz` (2,000 per rule, used by fuzz/fuzz_scan.py).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fuzz.arm_shapes import envelope, estate_for, junk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amlaudit.api import Context, Resource, Verdict, rule
from amlaudit.depscope import ScopeMode
from amlaudit.model import Status
from amlaudit.registry import find_packs, load_rules
from amlaudit.reports.json_report import report_dict
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import SUBSCRIPTION_TYPE, load

settings.register_profile(
    "ci", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("AMLAUDIT_HYPOTHESIS_PROFILE", "ci"))

RULES = load_rules(find_packs(use_entry_points=False))
WORK = Path(tempfile.mkdtemp(prefix="amlaudit-props-"))


def scan_document(text: str, rules: list[Any]) -> Any:
    """Scan under `--dependency-scope all`: the generated resources are judged whether or not
    a generated workspace happens to use them."""
    path = WORK / "estate.json"
    path.write_text(text, encoding="utf-8")
    return scan_snapshot(load([str(path)]), rules, dependency_scope=ScopeMode.ALL)


def crashes(result: Any) -> list[str]:
    return [
        f"{f.rule_id} on {f.resource_id}: {f.message}"
        for f in result.findings
        if f.status is Status.ERROR and " raised " in f.message
    ]


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_rule_never_crashes_on_any_shape(spec: Any) -> None:
    @given(estate_for(spec))
    def check(resources: list[dict[str, Any]]) -> None:
        result = scan_document(envelope(resources), [spec])
        assert not crashes(result), crashes(result)
        judged = {r["id"].lower() for r in resources if r["type"] in spec.resource_types}
        found = {f.resource_id.lower() for f in result.findings}
        assert judged <= found, "every resource of the rule's types gets a finding"
        given_by_id = {r["id"].lower(): r for r in resources}
        for finding in result.findings:
            raw = given_by_id.get(finding.resource_id.lower())
            needs_properties = finding.resource_type != SUBSCRIPTION_TYPE
            if raw is not None and needs_properties and not isinstance(raw.get("properties"), dict):
                assert finding.status is Status.ERROR, (finding.status, raw.get("properties"))
            if finding.status is Status.ERROR:
                gaps = {(g.resource_id.lower(), g.rule_id) for g in result.coverage}
                assert gaps, "an error finding is listed in coverage"
        json.dumps(report_dict(result), allow_nan=False)  # the report is valid JSON

    check()


@rule(
    id="TST901",
    name="test-rule-crashes",
    title="A rule that crashes on purpose",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
)
def crashing_rule(res: Resource, ctx: Context) -> Verdict:
    """## What it checks
    Nothing: it raises, to prove the engine turns a crash into an error finding."""
    return {"not": "a dict"}["boom"]  # type: ignore[return-value]


@given(
    st.lists(
        st.fixed_dictionaries({"properties": st.one_of(st.just({}), junk())}),
        min_size=1,
        max_size=4,
    )
)
@settings(max_examples=25)
def test_a_crashing_rule_becomes_an_error_finding(bodies: list[dict[str, Any]]) -> None:
    resources = [
        {
            "id": f"/subscriptions/s/resourceGroups/rg/providers/"
            f"Microsoft.MachineLearningServices/workspaces/ws{n}",
            "type": "Microsoft.MachineLearningServices/workspaces",
            **body,
        }
        for n, body in enumerate(bodies)
    ]
    result = scan_document(json.dumps(resources), [crashing_rule, *RULES[:1]])
    mine = [f for f in result.findings if f.rule_id == "TST901"]
    assert len(mine) == len(resources)
    assert all(f.status is Status.ERROR for f in mine)
    # One entry per rule, or (a resource without properties) one naming every rule affected.
    assert {
        g.resource_id
        for g in result.coverage
        if g.rule_id == "TST901" or (g.rule_id is None and "TST901" in g.reason)
    } == {r["id"] for r in resources}
    # the other rule still ran on every resource
    assert len([f for f in result.findings if f.rule_id == RULES[0].id]) == len(resources)
