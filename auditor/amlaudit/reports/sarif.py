"""SARIF 2.1.0 for GitHub code scanning and Azure DevOps, built as plain dicts.

Cloud findings have no source line, so each result gets a synthetic, scheme-less relative path
made from the lower-cased ARM ID (GitHub rejects a whole upload over one logical-only or
empty location) plus a logical location holding the ID as Azure returned it. Fingerprints
ignore ID casing, so an alert survives Azure changing `resourceGroups` to `resourcegroups`.
Only failing findings become results: GitHub shows every result as an alert.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from typing import Any, TextIO

from amlaudit import armid, controls
from amlaudit.api import RuleSpec
from amlaudit.model import Finding, Severity, Status
from amlaudit.reports import ReportSettings
from amlaudit.result import EMPTY_KIND, EMPTY_WARNING, WORKSPACES_KEY, ScanResult, format_time

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/amlaudit/amlaudit"
SEVERITY_KEY = "amlaudit/severity"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
GITHUB_KEPT_RESULTS = 5_000
GITHUB_MAX_RESULTS = 25_000
GITHUB_MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_TAGS = 10
PRETTY_MAX_RESULTS = 2_000
MAX_DESCRIPTION = 1024


def render(result: ScanResult, out: TextIO, settings: ReportSettings) -> None:
    document = sarif_log(result, settings)
    # Indented output goes through json's pure-Python encoder (~5x slower); a file this
    # large is read by machines, so it is written compactly.
    pretty = len(document["runs"][0]["results"]) <= PRETTY_MAX_RESULTS
    text = json.dumps(document, indent=2 if pretty else None, ensure_ascii=False) + "\n"
    for warning in size_warnings(document, text):
        print(f"amlaudit: warning: SARIF {warning}", file=sys.stderr)
    out.write(text)


def sarif_log(result: ScanResult, settings: ReportSettings) -> dict[str, Any]:
    include_suppressed = bool(settings.extra.get("sarif_include_suppressed"))
    minimum: Severity = settings.extra.get("sarif_min_severity") or Severity.LOW
    category = settings.extra.get("sarif_category")
    rules = list(result.rules)
    index = {spec.id: number for number, spec in enumerate(rules)}
    taxonomies = _taxonomies(rules)
    selected = [
        f
        for f in result.findings
        if f.status is Status.FAIL
        and f.severity.rank >= minimum.rank
        and (include_suppressed or not f.suppressed)
    ]
    results = [_result(f, index) for f in selected]
    if any(f.suppressed for f in selected):  # SARIF: all results carry the array, or none
        for finding, item in zip(selected, results, strict=True):
            item["suppressions"] = _suppressions(finding)
    run: dict[str, Any] = {
        "tool": {"driver": _driver(result, rules, taxonomies)},
        "invocations": [_invocation(result, index)],
        "results": results,
        "columnKind": "utf16CodeUnits",
        # `gate` reads this to treat an empty scan as JSON reports do (--allow-empty).
        "properties": {WORKSPACES_KEY: len(result.workspaces)},
    }
    if taxonomies:
        run["taxonomies"] = taxonomies
    if category:
        run["automationDetails"] = {"id": category}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _driver(
    result: ScanResult, rules: list[RuleSpec], taxonomies: list[dict[str, Any]]
) -> dict[str, Any]:
    names = {t["name"]: number for number, t in enumerate(taxonomies)}
    driver: dict[str, Any] = {
        "name": "amlaudit",
        "fullName": "amlaudit - Azure Machine Learning security and compliance scanner",
        "version": result.tool_version,
        "semanticVersion": result.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(spec, names) for spec in rules],
    }
    if names:
        driver["supportedTaxonomies"] = [{"name": n, "index": i} for n, i in names.items()]
    return driver


def _rule(spec: RuleSpec, taxonomy_index: dict[str, int]) -> dict[str, Any]:
    fix = spec.fix or f"See {spec.help_uri}."
    tags = list(dict.fromkeys(["security", *spec.controls, *spec.labels]))[:MAX_TAGS]
    properties: dict[str, Any] = {
        "tags": tags,
        "precision": "very-high",
        SEVERITY_KEY: spec.severity.value,
        "amlaudit/name": spec.name,
        "amlaudit/status": spec.status.value,
    }
    if spec.severity.value in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[spec.severity.value]
    if spec.azure_policy:
        properties["azure/policyDefinitions"] = list(spec.azure_policy)
    descriptor: dict[str, Any] = {
        "id": spec.id,
        "name": "".join(part.capitalize() for part in spec.name.split("-"))[:255],
        "shortDescription": {"text": spec.title[:MAX_DESCRIPTION]},
        "fullDescription": {"text": (spec.summary or spec.title)[:MAX_DESCRIPTION]},
        "help": {"text": _plain(fix), "markdown": _help_markdown(spec, fix)},
        "helpUri": spec.help_uri,
        "defaultConfiguration": {"level": LEVEL[spec.severity.value]},
        "properties": properties,
    }
    if spec.controls:
        descriptor["relationships"] = [_relationship(c, taxonomy_index) for c in spec.controls]
    return descriptor


def _relationship(control: str, taxonomy_index: dict[str, int]) -> dict[str, Any]:
    """The rule gives evidence for the control `FRAMEWORK:ID` (a taxon of that taxonomy)."""
    framework, _, ident = control.partition(":")
    component = {"name": framework, "index": taxonomy_index[framework]}
    return {"target": {"id": ident, "toolComponent": component}, "kinds": ["relevant"]}


def _help_markdown(spec: RuleSpec, fix: str) -> str:
    parts = [f"**{spec.title}**", ""]
    why = spec.doc_section("Why it matters")
    if why:
        parts += [why, ""]
    parts += ["## How to fix", "", fix]
    if spec.controls:
        parts += ["", "Controls: " + ", ".join(f"`{c}`" for c in spec.controls)]
    references = [spec.help_uri, *spec.references]
    parts += ["", "References:", *[f"- <{ref}>" for ref in references]]
    return "\n".join(parts)


def _plain(markdown: str) -> str:
    """help.text: the fix without code fences, commands indented as in a terminal."""
    lines, in_code = [], False
    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        lines.append(("    " + line) if in_code and line.strip() else line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _taxonomies(rules: list[RuleSpec]) -> list[dict[str, Any]]:
    """One taxonomy per control framework the rules cite, holding the controls they cite."""
    used: dict[str, set[str]] = {}
    for spec in rules:
        for control in spec.controls:
            framework, _, ident = control.partition(":")
            used.setdefault(framework, set()).add(ident)
    out: list[dict[str, Any]] = []
    for framework in [f for f in controls.frameworks(rules) if f in used]:
        titles = {c.id: c.title for c in controls.catalog_controls(framework)}
        taxa = []
        for ident in sorted(used[framework]):
            taxon: dict[str, Any] = {"id": ident}
            if titles.get(ident):
                taxon["shortDescription"] = {"text": titles[ident]}
            taxa.append(taxon)
        taxonomy = {
            "name": framework,
            "fullName": controls.framework_name(framework),
            "organization": "Center for Internet Security"
            if framework.startswith("CIS")
            else "Microsoft",
            "taxa": taxa,
        }
        out.append(taxonomy)
    return out


def location(finding: Finding) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": armid.to_uri_path(finding.resource_id)},
            "region": {"startLine": 1},
        },
        "logicalLocations": [
            {
                "name": finding.resource_name,
                "fullyQualifiedName": finding.resource_id,
                "kind": "resource",
            }
        ],
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    fingerprint = finding.fingerprint
    message = f"{finding.shown_name}: {finding.message}"
    for item in finding.evidence[:3]:
        message += f". {item.path} is {_short(item.actual)}, expected {_short(item.expected)}"
    out: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "kind": "fail",
        "level": LEVEL[finding.severity.value],
        "message": _text(message.rstrip(".") + "."),
        "locations": [location(finding)],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{fingerprint[:16]}:1",
            "amlaudit/v1": fingerprint,
        },
        "properties": {
            SEVERITY_KEY: finding.severity.value,
            "azure/resourceType": finding.resource_type,
            "amlaudit/workspaces": list(finding.workspaces),
        },
    }
    if finding.baseline_state:
        out["baselineState"] = finding.baseline_state
    return out


def _text(message: str) -> dict[str, str]:
    """A SARIF plain-text message: `[` and `]` escaped (SARIF 2.1.0 §3.11.6), so a resource
    named `[Fixed](https://evil.example)` is shown as text, never rendered as a link."""
    return {"text": message.replace("[", "\\[").replace("]", "\\]")}


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _suppressions(finding: Finding) -> list[dict[str, Any]]:
    if finding.suppression is None:
        return []
    s = finding.suppression
    properties = {"owner": s.owner, "expires": s.expires, "source": s.source}
    if s.ticket:
        properties["ticket"] = s.ticket
    return [
        {
            "kind": "external",
            "status": "accepted",
            "justification": s.justification,
            "properties": properties,
        }
    ]


def _invocation(result: ScanResult, index: dict[str, int]) -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    for error in result.errors:
        notes.append(
            {
                "level": "error",
                "message": _text(
                    f"collection failed: {error.operation} {error.scope}: "
                    f"{error.status} {error.message}".strip()
                ),
                "properties": {"amlaudit/kind": "collection-error", **error.to_dict()},
            }
        )
    for finding in result.findings:
        if finding.status is Status.ERROR:
            notes.append(
                {
                    "level": "error",
                    "message": _text(
                        f"{finding.rule_id} on {finding.shown_name}: {finding.message}"
                    ),
                    "locations": [location(finding)],
                    "associatedRule": {"id": finding.rule_id, "index": index[finding.rule_id]},
                    "properties": {"amlaudit/kind": "rule-error"},
                }
            )
    for gap in result.coverage:
        note: dict[str, Any] = {
            "level": "note",
            "message": _text(f"not in the input: {gap.resource_id}: {gap.reason}"),
            "properties": {"amlaudit/kind": "coverage", **gap.to_dict()},
        }
        if gap.rule_id in index:
            note["associatedRule"] = {"id": gap.rule_id, "index": index[gap.rule_id]}
        notes.append(note)
    empty = EMPTY_WARNING in result.warnings
    for warning in result.warnings:
        if warning == EMPTY_WARNING:  # nothing audited: as incomplete as a failed collection
            notes.append(
                {
                    "level": "error",
                    "message": _text(warning),
                    "properties": {"amlaudit/kind": EMPTY_KIND},
                }
            )
        else:
            notes.append({"level": "warning", "message": _text(warning)})
    incomplete = (
        empty or bool(result.errors) or any(f.status is Status.ERROR for f in result.findings)
    )
    invocation: dict[str, Any] = {
        "executionSuccessful": not incomplete,
        "endTimeUtc": format_time(result.generated_at),
    }
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def size_warnings(document: dict[str, Any], text: str) -> list[str]:
    """GitHub keeps the top 5,000 results, rejects over 25,000 or over 10 MB gzipped."""
    count = sum(len(run["results"]) for run in document["runs"])
    warnings = []
    hint = (
        "raise --sarif-min-severity, or scan each subscription separately with its own "
        "--sarif-category"
    )
    if count > GITHUB_MAX_RESULTS:
        warnings.append(f"has {count:,} results; GitHub rejects more than 25,000 per run: {hint}")
    elif count > GITHUB_KEPT_RESULTS:
        warnings.append(f"has {count:,} results; GitHub keeps only the top 5,000: {hint}")
    if count > GITHUB_KEPT_RESULTS:
        size = len(gzip.compress(text.encode("utf-8"), compresslevel=6))
        if size > GITHUB_MAX_GZIP_BYTES:
            warnings.append(f"is {size:,} bytes gzipped; GitHub rejects over 10 MB: {hint}")
    return warnings
