"""Suppressions through the real CLI: matching, expiry, unmatched warnings, strict mode and
every way an entry can be invalid (exit 2, one line naming the file and the entry)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, run_cli

DEMO = str(FIXTURES / "demo.json")  # SOURCE_DATE_EPOCH in run_cli makes "today" 2026-01-01


def demo_id(name: str) -> str:
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    return str(next(r["id"] for r in demo["resources"] if r["name"] == name))


def entry(**fields: Any) -> str:
    base = {
        "rule": "AML001",
        "resource": demo_id("mlw-forecast-prod"),
        "justification": "partner access via IP allow-list",
        "owner": "ml-platform@contoso.com",
        "expires": "2026-06-30",
    }
    base.update(fields)
    lines = []
    for key, value in base.items():
        if value is not None:
            lines.append(f"{key}: {json.dumps(value)}")
    return "  - " + "\n    ".join(lines) + "\n"


def write(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "suppressions.yaml"
    path.write_text("version: 1\nsuppressions:\n" + "".join(entries), encoding="utf-8")
    return path


def scan(tmp_path: Path, *flags: str) -> tuple[int, str, list[dict[str, Any]]]:
    out = tmp_path / "report.json"
    out.unlink(missing_ok=True)
    run = run_cli("scan", "--snapshot", DEMO, "--select", "AML001", "-o", f"json:{out}", *flags)
    findings = json.loads(out.read_text("utf-8"))["findings"] if out.exists() else []
    return run.code, run.stderr, findings


def test_suppressed_findings_stay_visible_and_never_gate(tmp_path: Path) -> None:
    code, _, before = scan(tmp_path)
    assert code == 1
    failing = [f for f in before if f["status"] == "fail"]
    entries = [entry(resource=f["resource_id"].upper(), ticket=42) for f in failing]
    code, stderr, after = scan(tmp_path, "--suppressions", str(write(tmp_path, *entries)))
    assert code == 0, stderr
    suppressed = [f for f in after if f["suppressed"]]
    assert len(suppressed) == len(failing) and all(f["status"] == "fail" for f in suppressed)
    assert suppressed[0]["suppression"] == {
        "justification": "partner access via IP allow-list",
        "owner": "ml-platform@contoso.com",
        "expires": "2026-06-30",
        "source": "file",
        "ticket": "42",
    }


def test_rule_names_and_globs_match_case_insensitively(tmp_path: Path) -> None:
    glob = "/SUBSCRIPTIONS/*/resourcegroups/*/providers/microsoft.machinelearningservices/*"
    path = write(tmp_path, entry(rule="workspace-public-network-*", resource=glob))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path))
    assert code == 0, stderr
    assert all(f["suppressed"] for f in findings if f["status"] == "fail")
    assert not any(f["suppressed"] for f in findings if f["status"] != "fail")


def test_overlapping_entries_both_count_as_used(tmp_path: Path) -> None:
    path = write(tmp_path, entry(justification="first"), entry(resource="*", justification="all"))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path), "--strict-suppressions")
    assert code == 0, stderr
    by_name = {
        f["resource_name"]: f["suppression"]["justification"] for f in findings if f["suppressed"]
    }
    assert by_name["mlw-forecast-prod"] == "first" and set(by_name.values()) == {"first", "all"}


def test_expired_entry_no_longer_applies_and_warns(tmp_path: Path) -> None:
    path = write(tmp_path, entry(expires="2025-12-31"))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path))
    assert code == 1
    assert "expired on 2025-12-31" in stderr and f"{path}: entry 1" in stderr
    assert not any(f["suppressed"] for f in findings)


def test_unmatched_entry_warns_and_fails_in_strict_mode(tmp_path: Path) -> None:
    fixed = demo_id("mlw-fraud-prod")  # AML001 passes there: nothing to suppress
    path = write(tmp_path, entry(resource=fixed, id="SUP-7"))
    code, stderr, _ = scan(tmp_path, "--suppressions", str(path))
    assert code == 1 and "matched no failing finding" in stderr and "(SUP-7)" in stderr
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path), "--strict-suppressions")
    assert code == 2 and findings == []
    assert stderr.count("\n") == 1 and f"{path}: entry 1 (SUP-7)" in stderr


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"owner": None}, "missing required field 'owner'"),
        ({"justification": "  "}, "missing required field 'justification'"),
        ({"expires": None}, "missing required field 'expires'"),
        ({"expires": "next year"}, "is not a date"),
        ({"expires": "2027-06-30"}, "more than 365 days away"),
        ({"rule": "AML999"}, "no rule matches 'AML999'"),
        ({"reason": "typo of justification"}, "unknown field 'reason'"),
    ],
)
def test_invalid_entries_exit_2_naming_file_and_entry(
    tmp_path: Path, fields: dict[str, Any], problem: str
) -> None:
    path = write(tmp_path, entry(), entry(**fields))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path))
    assert code == 2 and findings == []
    assert stderr.startswith(f"amlaudit: error: {path}: entry 2") and problem in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_timestamps_count_as_their_day(tmp_path: Path) -> None:
    path = write(tmp_path, entry(), entry(expires="2025-12-31T23:59:59Z"))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path))
    assert code == 1 and "entry 2: expired on 2025-12-31" in stderr
    assert sum(f["suppressed"] for f in findings) == 1


def test_horizon_is_configurable(tmp_path: Path) -> None:
    config = tmp_path / "amlaudit.toml"
    config.write_text("max-suppression-days = 30\n", encoding="utf-8")
    path = write(tmp_path, entry(expires="2026-03-01"))
    code, stderr, _ = scan(tmp_path, "--suppressions", str(path), "--config", str(config))
    assert code == 2 and "more than 30 days away" in stderr


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("suppressions: [\n  - rule: {\n", encoding="utf-8")
    for path, message in ((broken, "invalid YAML"), (tmp_path / "nope.yaml", "not found")):
        code, stderr, _ = scan(tmp_path, "--suppressions", str(path))
        assert code == 2 and message in stderr and "Traceback" not in stderr


def test_default_file_and_config_tables(tmp_path: Path) -> None:
    (tmp_path / ".amlaudit").mkdir()
    write(tmp_path, entry()).rename(tmp_path / ".amlaudit" / "suppressions.yaml")
    sandbox = demo_id("mlw-legacy-sandbox")
    (tmp_path / "amlaudit.toml").write_text(
        "[[suppress]]\n"
        'rule = "AML001"\n'
        f'resource = "{sandbox}"\n'
        'justification = "decommissioned next sprint"\n'
        'owner = "ml-platform"\n'
        "expires = 2026-02-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    run = run_cli(
        "scan", "--snapshot", DEMO, "--select", "AML001", "-o", f"json:{out}", cwd=tmp_path
    )
    assert run.code == 1, run.stderr  # mlw-research-dev is still open
    suppressed = {
        f["resource_name"]: f["suppression"]["justification"]
        for f in json.loads(out.read_text("utf-8"))["findings"]
        if f["suppressed"]
    }
    assert suppressed == {
        "mlw-forecast-prod": "partner access via IP allow-list",
        "mlw-legacy-sandbox": "decommissioned next sprint",
    }


def test_errors_are_never_suppressed(tmp_path: Path) -> None:
    demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
    target = next(r for r in demo["resources"] if r["name"] == "mlw-forecast-prod")
    target["properties"] = None
    snapshot = tmp_path / "null.json"
    snapshot.write_text(json.dumps(demo), encoding="utf-8")
    path = write(tmp_path, entry(resource="*"))
    out = tmp_path / "r.json"
    run = run_cli(
        "scan",
        "--snapshot",
        str(snapshot),
        "--select",
        "AML001",
        "--suppressions",
        str(path),
        "-o",
        f"json:{out}",
    )
    assert run.code == 3
    errors = [f for f in json.loads(out.read_text("utf-8"))["findings"] if f["status"] == "error"]
    assert errors and not any(f["suppressed"] for f in errors)


def test_entry_for_a_rule_not_selected_is_unmatched_not_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, entry(), entry(rule="AML002"))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path))  # --select AML001
    assert code == 1 and findings
    assert f"{path}: entry 2: matched no failing finding" in stderr


def test_strict_mode_fails_on_an_expired_entry(tmp_path: Path) -> None:
    """--strict-suppressions refused only unmatched entries; an expired one passed with a
    warning, so a CI job kept running on risk nobody had renewed."""
    path = write(tmp_path, entry(expires="2025-12-31", id="SUP-9"))
    code, stderr, findings = scan(tmp_path, "--suppressions", str(path), "--strict-suppressions")
    assert code == 2 and findings == []
    assert stderr.count("\n") == 1
    assert f"{path}: entry 1 (SUP-9): expired on 2025-12-31" in stderr
