"""Baselines (previous JSON or SARIF) and `amlaudit gate` on our reports and on foreign SARIF."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, run_cli, write_json

RULES = "AML001,AML002,AML003"  # keeps these tests about the gate, not about rule content


def demo() -> dict[str, Any]:
    return json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def scan(snapshot: Path | str, *flags: str) -> int:
    return run_cli("scan", "--snapshot", str(snapshot), "--select", RULES, *flags).code


def findings(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text("utf-8"))["findings"]  # type: ignore[no-any-return]


def opened_up(tmp_path: Path) -> Path:
    """The demo estate a week later: mlw-fraud-prod now allows public network access."""
    estate = demo()
    workspace = next(r for r in estate["resources"] if r["name"] == "mlw-fraud-prod")
    workspace["properties"]["publicNetworkAccess"] = "Enabled"
    return write_json(tmp_path / "later.json", estate)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_baseline_marks_new_and_unchanged_and_only_new_gates(tmp_path: Path, fmt: str) -> None:
    previous = tmp_path / f"previous.{fmt}"
    assert scan(FIXTURES / "demo.json", "-o", f"{fmt}:{previous}") == 1
    report, sarif = tmp_path / "now.json", tmp_path / "now.sarif"
    flags = ("--baseline", str(previous), "-o", f"json:{report}", "-o", f"sarif:{sarif}")

    assert scan(FIXTURES / "demo.json", *flags) == 0  # nothing new since the baseline
    assert {f["baseline_state"] for f in findings(report) if f["status"] == "fail"} == {"unchanged"}

    assert scan(opened_up(tmp_path), *flags) == 1
    failing = [f for f in findings(report) if f["status"] == "fail"]
    new = [(f["rule_id"], f["resource_name"]) for f in failing if f["baseline_state"] == "new"]
    assert new == [("AML001", "mlw-fraud-prod")]
    assert all(
        f["baseline_state"] == "unchanged"
        for f in failing
        if f["resource_name"] != "mlw-fraud-prod" or f["rule_id"] != "AML001"
    )
    states = {
        r["locations"][0]["logicalLocations"][0]["name"] + "/" + r["ruleId"]: r["baselineState"]
        for r in json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
    }
    assert states["mlw-fraud-prod/AML001"] == "new"
    assert set(states.values()) == {"new", "unchanged"}
    assert run_cli("gate", str(report), "--allow-empty").code == 1


def test_unreadable_baseline_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    write_json(tmp_path / "other.json", {"hello": "world"})
    for name, problem in (
        ("missing.json", "no such file"),
        ("bad.json", "invalid JSON"),
        ("other.json", "not an amlaudit JSON report or a SARIF log"),
    ):
        run = run_cli(
            "scan", "--snapshot", str(FIXTURES / "demo.json"), "--baseline", str(tmp_path / name)
        )
        assert run.code == 2 and problem in run.stderr and "Traceback" not in run.stderr


def test_gate_usage_errors_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty.sarif").write_text("", encoding="utf-8")
    for args, problem in (
        ((str(tmp_path / "missing.json"),), "no such file"),
        ((str(tmp_path / "empty.sarif"),), "invalid JSON"),
        ((str(tmp_path / "empty.sarif"), "--fail-on", "severe"), "--fail-on"),
    ):
        run = run_cli("gate", *args)
        assert run.code == 2 and problem in run.stderr, run.stderr
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_gate_on_our_reports_matches_scan(tmp_path: Path) -> None:
    report, sarif = tmp_path / "r.json", tmp_path / "r.sarif"
    for threshold, expected in (("critical", 0), ("high", 1), ("never", 0)):
        code = scan(
            FIXTURES / "demo.json",
            "--fail-on",
            threshold,
            "-o",
            f"json:{report}",
            "-o",
            f"sarif:{sarif}",
        )
        assert code == expected
        for path in (report, sarif):
            run = run_cli("gate", str(path), "--fail-on", threshold)
            assert run.code == expected, (path.name, threshold, run.stdout, run.stderr)
    run = run_cli("gate", str(sarif))
    assert "FAIL (exit 1)" in run.stdout and "HIGH AML001 mlw-forecast-prod" in run.stdout
    suppressions = tmp_path / "s.yaml"
    suppressions.write_text(
        "- rule: workspace-public-network-access-enabled\n"
        "  resource: '*'\n"
        "  justification: accepted for the pilot\n"
        "  owner: secops\n"
        "  expires: 2026-03-01\n",
        encoding="utf-8",
    )
    assert run_cli("gate", str(sarif), "--suppressions", str(suppressions)).code == 0
    assert run_cli("gate", str(report), "--suppressions", str(suppressions)).code == 0


def test_gate_on_incomplete_json_exits_3(tmp_path: Path) -> None:
    estate = demo()
    estate["errors"] = [
        {
            "scope": estate["resources"][0]["id"],
            "operation": "get",
            "status": "429",
            "message": "throttled",
        }
    ]
    report = tmp_path / "r.json"
    assert scan(write_json(tmp_path / "s.json", estate), "-o", f"json:{report}") == 3
    run = run_cli("gate", str(report))
    assert run.code == 3 and "collection error" in run.stderr
    assert run_cli("gate", str(report), "--allow-incomplete").code == 1


def trivy_like(successful: bool = True) -> dict[str, Any]:
    """A foreign SARIF shaped like Trivy's misconfiguration output."""
    rule = {
        "id": "AVD-AZU-0013",
        "name": "Misconfiguration",
        "shortDescription": {"text": "Storage accounts should enforce HTTPS"},
        "fullDescription": {"text": "Disable plain HTTP on storage accounts."},
        "defaultConfiguration": {"level": "error"},
        "help": {"text": "Set enable_https_traffic_only = true"},
        "properties": {
            "precision": "very-high",
            "security-severity": "8.0",
            "tags": ["misconfiguration", "security", "HIGH"],
        },
    }
    low = {
        **rule,
        "id": "AVD-AZU-0007",
        "properties": {"security-severity": "2.0", "tags": ["security", "LOW"]},
    }

    def result(rule_id: str, index: int, line: int, **extra: Any) -> dict[str, Any]:
        return {
            "ruleId": rule_id,
            "ruleIndex": index,
            "level": "error" if index == 0 else "note",
            "message": {"text": f"Artifact: infra/main.tf\nType: terraform\nline {line}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "ROOTPATH"},
                        "region": {
                            "startLine": line,
                            "startColumn": 1,
                            "endLine": line + 4,
                            "endColumn": 1,
                        },
                    }
                }
            ],
            **extra,
        }

    return {
        "version": "2.1.0",
        "$schema": "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "fullName": "Trivy Vulnerability Scanner",
                        "informationUri": "https://github.com/aquasecurity/trivy",
                        "name": "Trivy",
                        "rules": [rule, low],
                        "version": "0.58.1",
                    }
                },
                "results": [
                    result("AVD-AZU-0013", 0, 12),
                    result("AVD-AZU-0007", 1, 30),
                    result("AVD-AZU-0013", 0, 48, properties={"security-severity": "9.8"}),
                ],
                "columnKind": "utf16CodeUnits",
                "invocations": [{"executionSuccessful": successful}],
                "originalUriBaseIds": {"ROOTPATH": {"uri": "file:///github/workspace/"}},
            }
        ],
    }


def test_gate_on_foreign_sarif(tmp_path: Path) -> None:
    sarif = write_json(tmp_path / "trivy.sarif", trivy_like())
    assert run_cli("gate", str(sarif), "--fail-on", "critical").code == 1  # result-level 9.8
    document = trivy_like()
    document["runs"][0]["results"].pop()  # without it, the worst is the rule's 8.0: high
    without = write_json(tmp_path / "high.sarif", document)
    assert run_cli("gate", str(without), "--fail-on", "critical").code == 0
    assert run_cli("gate", str(without), "--fail-on", "high").code == 1
    for result in document["runs"][0]["results"]:
        result["suppressions"] = [{"kind": "inSource", "status": "underReview"}]
    under_review = write_json(tmp_path / "review.sarif", document)
    assert run_cli("gate", str(under_review)).code == 1  # only accepted suppressions count
    # no security-severity anywhere: the SARIF level decides (note -> low, error -> high)
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        rule["properties"].pop("security-severity")
    del document["runs"][0]["results"][0]
    levels = write_json(tmp_path / "levels.sarif", document)
    assert run_cli("gate", str(levels), "--fail-on", "medium").code == 0
    assert run_cli("gate", str(levels), "--fail-on", "low").code == 1

    # a baseline of the same foreign file: nothing is new
    assert run_cli("gate", str(sarif), "--baseline", str(sarif)).code == 0
    suppressions = tmp_path / "s.yaml"
    suppressions.write_text(
        "- {rule: 'AVD-AZU-*', resource: 'infra/*.tf', justification: legacy module, "
        "owner: platform, expires: 2026-02-01}\n",
        encoding="utf-8",
    )
    run = run_cli("gate", str(sarif), "--suppressions", str(suppressions), "--fail-on", "low")
    assert run.code == 0 and "3 suppressed" in run.stdout

    broken = write_json(tmp_path / "broken.sarif", trivy_like(successful=False))
    assert run_cli("gate", str(broken)).code == 3
    assert run_cli("gate", str(broken), "--allow-incomplete").code == 1
    malformed = write_json(tmp_path / "malformed.sarif", {"version": "2.1.0", "runs": [{}]})
    run = run_cli("gate", str(malformed))
    assert run.code == 2 and "malformed report" in run.stderr


def test_ci_examples_parse_and_use_real_flags() -> None:
    """The documented pipelines and the action call flags that exist (a drift check)."""
    import yaml

    from conftest import ROOT

    known = {
        command: set(re.findall(r"--[a-z][a-z-]+", run_cli(command, "--help").stdout))
        for command in ("scan", "gate")
    }
    files = [ROOT / "action.yml", *sorted((ROOT / "docs" / "ci").glob("*.yml"))]
    used = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert isinstance(yaml.safe_load(text), dict), path
        joined = re.sub(r"\\\n\s*", " ", text)
        for line in joined.splitlines():
            found = re.search(r"\bamlaudit (scan|gate)\b(.*)", line)
            command = found.group(1) if found else None
            rest = found.group(2) if found else ""
            if not found and "args+=(" in line:
                command, rest = "scan", line
            if command is None:
                continue
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", rest):
                assert flag in known[command], (path.name, flag)
                used += 1
    assert used >= 15


def test_gate_keeps_preview_rules_from_gating(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "preview_rule.py").write_text(
        '''from amlaudit.api import Context, Resource, Verdict, failed, rule


@rule(
    id="ZZZ001",
    name="workspace-always-flagged",
    title="A preview rule that flags every workspace",
    severity="high",
    status="preview",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
)
def always(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Nothing real.

    ## Why it matters
    It is a test.

    ## How to fix
    Nothing to fix.
    """
    return failed("flagged", path="name", expected="anything else", actual=res.name)
''',
        encoding="utf-8",
    )
    report, sarif = tmp_path / "r.json", tmp_path / "r.sarif"
    flags = ("--rules-path", str(pack), "--select", "ZZZ001")
    code = scan_with(FIXTURES / "demo.json", *flags, "-o", f"json:{report}", "-o", f"sarif:{sarif}")
    assert code == 0
    assert any(f["status"] == "fail" for f in findings(report))
    for path in (report, sarif):
        assert run_cli("gate", str(path)).code == 0
        assert run_cli("gate", str(path), "--include-preview").code == 1


def scan_with(snapshot: Path, *flags: str) -> int:
    return run_cli("scan", "--snapshot", str(snapshot), *flags).code


def test_any_malformed_report_is_an_input_error(tmp_path: Path) -> None:
    """Whatever shape a report file has, reading it returns findings or a one-line error."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from amlaudit.baseline import read_report
    from amlaudit.errors import InputError

    scalars = st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=5)
    values = st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=12,
    )
    keys = st.sampled_from(
        [
            "runs",
            "tool",
            "driver",
            "rules",
            "results",
            "findings",
            "ruleId",
            "ruleIndex",
            "level",
            "properties",
            "locations",
            "suppressions",
            "invocations",
            "rule_id",
            "resource_id",
            "status",
            "severity",
            "suppression",
            "partialFingerprints",
            "scope",
            "errors",
            "id",
        ]
    )
    shaped = st.recursive(
        values,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=5),
        max_leaves=25,
    )
    path = tmp_path / "report.json"

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.dictionaries(
            st.sampled_from(["runs", "findings", "rules", "errors"]), shaped, min_size=1
        )
    )
    def check(document: dict[str, Any]) -> None:
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            report = read_report(str(path))
        except InputError as error:
            assert "\n" not in str(error)
            return
        for finding in report.findings:
            assert isinstance(finding.fingerprint, str) and finding.rule_id

    check()
