"""Every command says why it exits as it does: one verdict line, in every mode.

Real CLI runs on the demo estate (fixtures/demo.json) and the twins snapshot
(fixtures/display/twins.json); SOURCE_DATE_EPOCH (run_cli) makes "today" 2026-01-01.
"""

from __future__ import annotations

import json
from pathlib import Path

from amlaudit.gate import GatePolicy
from amlaudit.model import Finding, Severity, Status
from amlaudit.verdict import judge, plural, verdict_line
from conftest import FIXTURES, run_cli

DEMO = str(FIXTURES / "demo.json")
TWINS = FIXTURES / "display" / "twins.json"


def _failing(report: Path, at_least: str | None = None) -> int:
    """Failing findings of the report; with `at_least`, those that gate at that threshold
    (stable rules only: preview rules report without gating)."""
    rank = ["info", "low", "medium", "high", "critical"]
    document = json.loads(report.read_text("utf-8"))
    stable = {r["id"] for r in document["rules"] if r["status"] == "stable"}
    return sum(
        1
        for f in document["findings"]
        if f["status"] == "fail"
        and (
            at_least is None
            or (f["rule_id"] in stable and rank.index(f["severity"]) >= rank.index(at_least))
        )
    )


def _last_line(text: str) -> str:
    return text.rstrip("\n").rsplit("\n", 1)[-1]


def test_text_on_stdout_ends_with_the_verdict_on_stderr() -> None:
    run = run_cli("scan", "--snapshot", DEMO)
    assert run.code == 1
    assert "amlaudit scan" not in run.stdout
    assert _last_line(run.stderr) == (
        "amlaudit scan: FAIL (exit 1): 51 active failing findings at or above high; "
        "0 suppressed; complete"
    )


def test_file_only_output_prints_the_verdict_and_the_files(tmp_path: Path) -> None:
    html, sarif = tmp_path / "r.html", tmp_path / "r.sarif"
    run = run_cli("scan", "--snapshot", DEMO, "-o", f"html:{html}", "-o", f"sarif:{sarif}")
    assert run.code == 1
    assert run.stdout == (
        "amlaudit scan: FAIL (exit 1): 51 active failing findings at or above high; "
        f"0 suppressed; complete; wrote {html}, {sarif}\n"
    )


def test_fail_on_never_says_the_gate_was_not_applied(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = run_cli("scan", "--snapshot", DEMO, "--fail-on", "never", "-o", f"json:{out}")
    assert run.code == 0
    assert run.stdout.startswith("amlaudit scan: gate not applied (--fail-on never), exit 0: ")
    assert f"{_failing(out)} active failing findings; 0 suppressed; complete" in run.stdout


def test_baseline_counts_new_and_known_findings(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    assert run_cli("scan", "--snapshot", DEMO, "--ignore", "AML001", "-o", f"json:{base}").code
    run = run_cli("scan", "--snapshot", DEMO, "--baseline", str(base), "-o", "json")
    assert run.code == 1
    assert _last_line(run.stderr) == (
        "amlaudit scan: FAIL (exit 1): 5 active failing findings at or above high; "
        f"5 new since the baseline; 0 suppressed; {_failing(base)} in the baseline; complete"
    )


def test_incomplete_scan_says_why(tmp_path: Path) -> None:
    resources = json.loads(TWINS.read_text("utf-8"))
    workspace = resources[0]["id"]
    envelope = {
        "format": "amlaudit-snapshot",
        "version": 1,
        "collected_at": "2026-01-01T00:00:00Z",
        "resources": resources,
        "errors": [
            {
                "scope": workspace,
                "operation": "list diagnostic settings",
                "status": "403",
                "message": "AuthorizationFailed",
                "resource_type": "Microsoft.Insights/diagnosticSettings",
            }
        ],
    }
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(json.dumps(envelope), "utf-8")
    report = tmp_path / "r.json"
    run = run_cli("scan", "--snapshot", str(snapshot), "-o", f"json:{report}")
    assert run.code == 3
    assert run.stdout.startswith("amlaudit scan: INCOMPLETE (exit 3): ")
    errors = sum(
        1 for f in json.loads(report.read_text("utf-8"))["findings"] if f["status"] == "error"
    )
    assert errors >= 1
    reason = f"1 collection error, {errors} rule error{'s' if errors != 1 else ''}"
    assert f"incomplete: {reason}" in run.stdout
    allowed = run_cli(
        "scan",
        "--snapshot",
        str(snapshot),
        "--allow-incomplete",
        "--fail-on",
        "never",
        "-o",
        f"json:{tmp_path / 'r.json'}",
    )
    assert allowed.code == 0
    assert f"incomplete (allowed): {reason}" in allowed.stdout


def test_gate_and_merge_end_with_the_verdict(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    run_cli("scan", "--snapshot", DEMO, "-o", f"json:{report}")
    gate = run_cli("gate", str(report), "--fail-on", "medium")
    assert gate.code == 1
    assert _last_line(gate.stdout) == (
        f"amlaudit gate {report}: FAIL (exit 1): {_failing(report, 'medium')} active failing "
        "findings at or above medium; 0 suppressed; complete"
    )
    merged = run_cli("merge", str(report), "-o", f"json:{tmp_path / 'm.json'}")
    assert merged.code == 0
    assert merged.stdout.startswith(
        "amlaudit merge: gate not applied (merge does not gate: run amlaudit gate on the merged "
        f"JSON), exit 0: {_failing(report)} active failing findings"
    )


def test_unknown_fail_on_lists_every_value_including_never() -> None:
    run = run_cli("scan", "--snapshot", DEMO, "--fail-on", "severe")
    assert run.code == 2
    assert run.stderr.strip().endswith("(choose from critical, high, medium, low, info, never)")


def test_preview_and_suppressed_findings_do_not_count_at_the_threshold() -> None:
    def finding(rule: str, gating: bool = True) -> Finding:
        return Finding(
            rule, f"/x/{rule}", "t", rule, Status.FAIL, Severity.HIGH, "m", gating=gating
        )

    findings = [finding("A001"), finding("A002", gating=False)]
    outcome = judge(findings, GatePolicy(fail_on=Severity.HIGH))
    assert (outcome.code, outcome.gating, outcome.active) == (1, 1, 2)
    assert verdict_line("diff", outcome).startswith(
        "amlaudit diff: FAIL (exit 1): 1 active failing finding at or above high"
    )


def test_plurals() -> None:
    assert plural(1, "rule") == "1 rule" and plural(2, "rule") == "2 rules"
    assert plural(1_234, "entry", "entries") == "1,234 entries"
