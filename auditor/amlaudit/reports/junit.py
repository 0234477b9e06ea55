"""JUnit XML for Azure DevOps "Publish Test Results" (and any CI that reads JUnit).

One test suite per rule and one test case per rule x resource: a failing finding is a
<failure>, a rule that could not judge is an <error>, skipped, info and suppressed findings
are <skipped> (with the reason). ElementTree escapes markup; characters XML 1.0 cannot hold
at all (control characters a hostile resource name may carry) are replaced first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from amlaudit.api import RuleSpec
from amlaudit.model import Finding, Status
from amlaudit.reports import ReportSettings
from amlaudit.result import ScanResult, format_time

# XML 1.0 Char production, negated; lone surrogates cannot be encoded either.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(result: ScanResult, out: TextIO, settings: ReportSettings) -> None:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_rule[finding.rule_id].append(finding)
    stamp = format_time(result.generated_at)
    root = ET.Element("testsuites", name="amlaudit", time="0")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    gaps: dict[str | None, list[str]] = defaultdict(list)
    for gap in result.coverage:
        gaps[gap.rule_id].append(f"not in the input: {gap.resource_id}: {gap.reason}")
    for spec in result.rules:
        suite = _suite(spec, by_rule.get(spec.id, []), stamp)
        _system_out(suite, gaps.pop(spec.id, []))
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    unattached = [line for lines in gaps.values() for line in lines]
    if unattached:
        suite = ET.SubElement(root, "testsuite", name="not in the input", timestamp=stamp)
        suite.attrib.update(hostname="amlaudit", time="0", tests="0", failures="0", errors="0")
        suite.set("skipped", "0")
        _system_out(suite, unattached)
    if result.errors:
        root.append(_collection_suite(result, stamp))
        root.set("tests", str(totals["tests"] + len(result.errors)))
        root.set("errors", str(totals["errors"] + len(result.errors)))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def _suite(spec: RuleSpec, findings: list[Finding], stamp: str) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        name=clean(f"{spec.id} {spec.name}"),
        timestamp=stamp,
        hostname="amlaudit",
        time="0",
    )
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for finding in findings:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"amlaudit.{spec.id}",
            name=clean(finding.resource_id),
            time="0",
        )
        kind = _outcome(finding)
        if kind is None:
            continue
        counts[kind + ("s" if kind != "skipped" else "")] += 1
        child = ET.SubElement(case, kind, message=clean(_message(finding)))
        if kind != "skipped":
            child.set("type", finding.severity.value)
            child.text = clean(_details(spec, finding))
    suite.set("tests", str(len(findings)))
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def _system_out(suite: ET.Element, lines: list[str]) -> None:
    """Coverage entries (what the scan needed but the input does not hold) as the suite's
    <system-out>, where CI test viewers show a suite's log."""
    if lines:
        ET.SubElement(suite, "system-out").text = clean("\n".join(sorted(lines)))


def _outcome(finding: Finding) -> str | None:
    if finding.status is Status.FAIL:
        return "skipped" if finding.suppressed else "failure"
    if finding.status is Status.ERROR:
        return "error"
    if finding.status in (Status.SKIPPED, Status.INFO):
        return "skipped"
    return None


def _message(finding: Finding) -> str:
    if finding.status is Status.FAIL and finding.suppression is not None:
        s = finding.suppression
        return f"suppressed until {s.expires} by {s.owner}: {s.justification}"
    prefix = "[baseline] " if finding.baseline_state == "unchanged" else ""
    text = finding.skip_reason if finding.status is Status.SKIPPED else finding.message
    return prefix + f"{finding.shown_name}: {text or finding.message}"


def _details(spec: RuleSpec, finding: Finding) -> str:
    lines = [
        f"{spec.title} ({finding.severity.value})",
        f"resource: {finding.resource_id}",
        f"finding: {finding.message}",
    ]
    lines += [f"{e.path}: is {e.actual!r}, expected {e.expected!r}" for e in finding.evidence]
    if spec.controls:
        lines.append(f"controls: {', '.join(spec.controls)}")
    lines.append(f"fix: amlaudit explain {spec.id} ({spec.help_uri})")
    return "\n".join(lines)


def _collection_suite(result: ScanResult, stamp: str) -> ET.Element:
    """Collection errors are errors of the scan itself: one case each, so CI shows them."""
    suite = ET.Element(
        "testsuite",
        name="collection",
        timestamp=stamp,
        hostname="amlaudit",
        time="0",
        tests=str(len(result.errors)),
        failures="0",
        errors=str(len(result.errors)),
        skipped="0",
    )
    for error in result.errors:
        case = ET.SubElement(
            suite, "testcase", classname="amlaudit.collection", name=clean(error.scope), time="0"
        )
        node = ET.SubElement(case, "error", message=clean(f"{error.operation}: {error.status}"))
        node.set("type", "collection")
        node.text = clean(error.message)
    return suite
