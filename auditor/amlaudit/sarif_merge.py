"""Merge SARIF files from sharded scans into one run.

GitHub code scanning wants one run per category; shards of a tenant scanned in parallel each
produce a SARIF file. Merging keeps every rule once (results re-pointed at the merged rule
list), every result once (by amlaudit fingerprint, else by rule + location), every taxonomy,
and marks the run unsuccessful if any shard's was.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from amlaudit.errors import InputError


def _read(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be SARIF") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not readable SARIF ({exc})") from None
    if not isinstance(document, dict) or document.get("version") != "2.1.0":
        raise InputError(f"{path}: not a SARIF 2.1.0 log")
    runs = document.get("runs")
    if not isinstance(runs, list) or len(runs) != 1 or not isinstance(runs[0], dict):
        raise InputError(f"{path}: expected exactly one run")
    return document


def _result_key(result: dict[str, Any]) -> str:
    fingerprints = result.get("partialFingerprints") or {}
    if "amlaudit/v1" in fingerprints:
        return str(fingerprints["amlaudit/v1"])
    location = json.dumps(result.get("locations", []), sort_keys=True)
    return f"{result.get('ruleId')}|{location}"


def merge_sarif(paths: Sequence[str]) -> dict[str, Any]:
    documents = [_read(p) for p in paths]
    first_run = documents[0]["runs"][0]
    driver = dict(first_run["tool"]["driver"])
    names = {d["runs"][0]["tool"]["driver"].get("name") for d in documents}
    if len(names) != 1:
        raise InputError(f"cannot merge SARIF from different tools: {sorted(map(str, names))}")
    rules: dict[str, dict[str, Any]] = {}
    results: dict[str, dict[str, Any]] = {}
    taxonomies: dict[str, dict[str, Any]] = {}
    notifications: list[dict[str, Any]] = []
    successful = True
    for document in documents:
        run = document["runs"][0]
        run_rules = run["tool"]["driver"].get("rules", [])
        for item in run_rules:
            rules.setdefault(item["id"], item)
        for result in run.get("results", []):
            result = dict(result)
            result.pop("ruleIndex", None)
            results.setdefault(_result_key(result), result)
        for taxonomy in run.get("taxonomies", []):
            merged = taxonomies.setdefault(taxonomy["name"], {**taxonomy, "taxa": []})
            known = {t["id"] for t in merged["taxa"]}
            merged["taxa"].extend(t for t in taxonomy.get("taxa", []) if t["id"] not in known)
        for invocation in run.get("invocations", []):
            successful &= bool(invocation.get("executionSuccessful", True))
            notifications.extend(invocation.get("toolExecutionNotifications", []))
    ordered_rules = [rules[k] for k in sorted(rules)]
    index = {item["id"]: n for n, item in enumerate(ordered_rules)}
    ordered_results = [results[k] for k in sorted(results)]
    for result in ordered_results:
        if result.get("ruleId") in index:
            result["ruleIndex"] = index[result["ruleId"]]
    driver["rules"] = ordered_rules
    run_out: dict[str, Any] = {"tool": {**first_run["tool"], "driver": driver}}
    if "automationDetails" in first_run:
        run_out["automationDetails"] = first_run["automationDetails"]
    for taxonomy in taxonomies.values():
        taxonomy["taxa"].sort(key=lambda t: str(t["id"]))
    if taxonomies:
        run_out["taxonomies"] = [taxonomies[k] for k in sorted(taxonomies)]
    run_out["invocations"] = [
        {"executionSuccessful": successful, "toolExecutionNotifications": notifications}
    ]
    run_out["results"] = ordered_results
    return {
        "$schema": documents[0].get("$schema", "https://json.schemastore.org/sarif-2.1.0.json"),
        "version": "2.1.0",
        "runs": [run_out],
    }
