"""Earlier reports read back: baselines for `scan --baseline` and the input of `amlaudit gate`.

A report is an amlaudit JSON report or a SARIF log, ours or another tool's. Each becomes
findings with the same fields a scan produces, so one gate (amlaudit.gate) judges them all.
A baseline marks each failing finding `unchanged` when the earlier report already had its
fingerprint and `new` otherwise; only new findings gate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from amlaudit.errors import InputError
from amlaudit.model import Finding, Severity, Status, Suppression
from amlaudit.redact import clean
from amlaudit.result import EMPTY_KIND, WORKSPACES_KEY
from amlaudit.verdict import plural

FINGERPRINT_KEY = "amlaudit/v1"
SEVERITY_KEY = "amlaudit/severity"
_LEVEL_SEVERITY = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW}
_KIND_STATUS = {"pass": Status.PASS, "fail": Status.FAIL, "notApplicable": Status.SKIPPED}


@dataclass
class LoadedReport:
    path: str
    kind: str  # "amlaudit-json" or "sarif"
    findings: list[Finding] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    incomplete: list[str] = field(default_factory=list)  # why the scan cannot be trusted
    workspaces: int | None = None  # None when the format does not say


def read_report(path: str) -> LoadedReport:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a report") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    try:
        if isinstance(document, dict) and isinstance(document.get("runs"), list):
            return _from_sarif(document, path)
        if isinstance(document, dict) and isinstance(document.get("findings"), list):
            return _from_json(document, path)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: malformed report ({type(exc).__name__}: {exc})") from None
    raise InputError(f"{path}: not an amlaudit JSON report or a SARIF log")


def _from_json(document: dict[str, Any], path: str) -> LoadedReport:
    rules = document.get("rules") or []
    gating = {r["id"]: r.get("status", "stable") == "stable" for r in rules}
    report = LoadedReport(path, "amlaudit-json", rules=[(r["id"], r["name"]) for r in rules])
    for item in document["findings"]:
        finding = Finding.from_dict(item, gating.get(item["rule_id"], True))
        report.findings.append(finding)
    errors = document.get("errors") or []
    rule_errors = sum(1 for f in report.findings if f.status is Status.ERROR)
    if errors:
        report.incomplete.append(plural(len(errors), "collection error"))
    if rule_errors:
        report.incomplete.append(plural(rule_errors, "rule error"))
    scope = document.get("scope")
    if isinstance(scope, dict) and isinstance(scope.get("workspaces"), list):
        report.workspaces = len(scope["workspaces"])
    return report


def _from_sarif(document: dict[str, Any], path: str) -> LoadedReport:
    report = LoadedReport(path, "sarif")
    counts: list[int | None] = []
    for run in document["runs"]:
        driver = run["tool"]["driver"]
        rules = list(driver.get("rules") or [])
        by_id = {r["id"]: r for r in rules}
        for extension in run["tool"].get("extensions") or []:
            by_id.update({r["id"]: r for r in extension.get("rules") or []})
        report.rules += [(clean(str(r["id"])), _rule_name(r)) for r in by_id.values()]
        for invocation in run.get("invocations") or []:
            if invocation.get("executionSuccessful") is False and not _only_empty(invocation):
                tool = clean(str(driver.get("name", "the tool")))
                report.incomplete.append(f"{tool} reported executionSuccessful: false")
        count = (run.get("properties") or {}).get(WORKSPACES_KEY)
        counts.append(count if isinstance(count, int) and not isinstance(count, bool) else None)
        for result in run.get("results") or []:
            index = result.get("ruleIndex")
            rule = rules[index] if isinstance(index, int) and 0 <= index < len(rules) else None
            rule_id = result.get("ruleId") or (result.get("rule") or {}).get("id")
            rule_id = rule_id or (rule or {}).get("id") or "(no rule)"
            rule = rule or by_id.get(rule_id) or {}
            report.findings.append(_sarif_finding(result, rule_id, rule))
    if counts and None not in counts:  # amlaudit's runs say how many workspaces they saw
        report.workspaces = sum(c for c in counts if c is not None)
    return report


def _only_empty(invocation: dict[str, Any]) -> bool:
    """An amlaudit run unsuccessful only because it found no workspace: judged by the
    report's workspace count instead, so `gate --allow-empty` treats it as for JSON."""
    errors = [
        note
        for note in invocation.get("toolExecutionNotifications") or []
        if isinstance(note, dict) and note.get("level", "warning") == "error"
    ]
    return bool(errors) and all(
        (note.get("properties") or {}).get("amlaudit/kind") == EMPTY_KIND for note in errors
    )


def _rule_name(rule: dict[str, Any]) -> str:
    """Our kebab-case name (what suppressions use), else the SARIF name, else the ID."""
    name = (rule.get("properties") or {}).get("amlaudit/name") or rule.get("name") or rule["id"]
    return clean(str(name))


def _sarif_finding(result: dict[str, Any], rule_id: str, rule: dict[str, Any]) -> Finding:
    props = result.get("properties") or {}
    location = (result.get("locations") or [{}])[0]
    logical = (location.get("logicalLocations") or [{}])[0]
    physical = location.get("physicalLocation") or {}
    uri = (physical.get("artifactLocation") or {}).get("uri", "")
    line = (physical.get("region") or {}).get("startLine", "")
    resource = logical.get("fullyQualifiedName") or uri or "(no location)"
    prints = result.get("partialFingerprints") or {}
    fingerprint = prints.get(FINGERPRINT_KEY) or _foreign_fingerprint(
        rule_id, prints.get("primaryLocationLineHash") or f"{uri}:{line}"
    )
    accepted = [
        s for s in result.get("suppressions") or [] if s.get("status", "accepted") == "accepted"
    ]
    # SARIF plain text escapes literal brackets (§3.11.6); show them as written.
    text = str((result.get("message") or {}).get("text", ""))
    text = text.replace("\\[", "[").replace("\\]", "]")
    # Another tool's text reaches the terminal and CI logs: cleaned like our own.
    return Finding(
        rule_id=clean(str(rule_id)),
        resource_id=clean(str(resource)),
        resource_type=clean(str(props.get("azure/resourceType", ""))),
        resource_name=clean(str(logical.get("name") or str(resource).rsplit("/", 1)[-1])),
        status=_KIND_STATUS.get(result.get("kind", "fail"), Status.INFO),
        severity=_sarif_severity(result, rule),
        message=clean(str(text)),
        suppression=_sarif_suppression(accepted[0]) if accepted else None,
        baseline_state=result.get("baselineState"),
        # our preview rules report without gating, as in `scan`; foreign rules always gate
        gating=(rule.get("properties") or {}).get("amlaudit/status", "stable") == "stable",
        _fingerprint=str(fingerprint),
    )


def _sarif_suppression(raw: dict[str, Any]) -> Suppression:
    """An accepted SARIF suppression; amlaudit's carry owner and expiry in `properties`, so
    an expired one stops applying in `gate` as in `scan`."""
    found = raw.get("properties")
    props: dict[str, Any] = found if isinstance(found, dict) else {}
    return Suppression.from_dict(
        {
            "justification": raw.get("justification", ""),
            "owner": props.get("owner", ""),
            "expires": props.get("expires", ""),
            "source": "sarif",
            "ticket": props.get("ticket"),
        }
    )


def _sarif_severity(result: dict[str, Any], rule: dict[str, Any]) -> Severity:
    """Ours first, then GitHub's `security-severity` buckets, then the SARIF `level`."""
    props = result.get("properties") or {}
    if isinstance(props.get(SEVERITY_KEY), str):
        return Severity.parse(props[SEVERITY_KEY])
    rule_props = rule.get("properties") or {}
    for score in (props.get("security-severity"), rule_props.get("security-severity")):
        bucket = _score_bucket(score)
        if bucket is not None:
            return bucket
    level = result.get("level") or (rule.get("defaultConfiguration") or {}).get("level")
    return _LEVEL_SEVERITY.get(level or "warning", Severity.INFO)


def _score_bucket(score: Any) -> Severity | None:
    try:
        value = float(score)
    except (TypeError, ValueError):
        return None
    if not 0.0 < value <= 10.0:
        return None
    if value >= 9.0:
        return Severity.CRITICAL
    if value >= 7.0:
        return Severity.HIGH
    return Severity.MEDIUM if value >= 4.0 else Severity.LOW


def _foreign_fingerprint(rule_id: str, where: str) -> str:
    return "sarif:" + hashlib.sha256(f"{rule_id}|{where}".encode()).hexdigest()


def baseline_fingerprints(path: str, today: date) -> set[str]:
    """Fingerprints of the failing findings of an earlier report. A finding that report
    showed under a suppression which has expired since is left out: the suppression, not the
    baseline, accepted it, and an expired suppression stops applying everywhere."""
    report = read_report(path)
    return {
        f.fingerprint
        for f in report.findings
        if f.status is Status.FAIL and (f.suppression is None or f.suppression.active(today))
    }


def apply_baseline(findings: Iterable[Finding], known: set[str]) -> None:
    for finding in findings:
        if finding.status is Status.FAIL:
            finding.baseline_state = "unchanged" if finding.fingerprint in known else "new"
