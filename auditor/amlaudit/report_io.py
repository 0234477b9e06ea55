"""Read amlaudit JSON reports back into a ScanResult, and merge several into one.

Sharded scans (one CI job per subscription list) each write a JSON report; `amlaudit merge`
reads them here and renders any format from the union, as if one scan had seen everything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from amlaudit.api import RuleSpec, rule
from amlaudit.engine import CoverageGap
from amlaudit.errors import InputError
from amlaudit.model import Finding, ScanError, Status
from amlaudit.redact import clean
from amlaudit.result import ScanResult, scan_time
from amlaudit.snapshot import SnapshotSource
from amlaudit.suppress import drop_expired

# When a resource appears in two shards with different verdicts, keep the most severe.
_STATUS_WEIGHT = {
    Status.FAIL: 4,
    Status.ERROR: 3,
    Status.INFO: 2,
    Status.PASS: 1,
    Status.SKIPPED: 0,
}


def _strictness(finding: Finding) -> tuple[int, bool, bool, str]:
    """Which of two shards' verdicts on one resource the merge keeps, whatever the argument
    order: the worse status, then unsuppressed over suppressed, then new over baselined, then
    the content itself (so ties are broken the same way every time)."""
    return (
        _STATUS_WEIGHT[finding.status],
        finding.suppression is None,
        finding.baseline_state != "unchanged",
        json.dumps(finding.to_dict(), sort_keys=True, default=str),
    )


def read_report(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a report") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not a readable JSON report ({exc})") from None
    if (
        not isinstance(document, dict)
        or document.get("schema_version") != 1
        or not isinstance(document.get("findings"), list)
    ):
        raise InputError(f"{path}: not an amlaudit JSON report (schema_version 1)")
    return document


def _stand_in(data: dict[str, Any]) -> RuleSpec:
    """A rule known only from a report (e.g. from a pack not installed here)."""

    def unavailable(res: Any, ctx: Any) -> Any:
        raise RuntimeError("rule code is not installed; known only from a report")

    spec = rule(
        id=data["id"],
        name=data["name"],
        title=data["title"],
        severity=data["severity"],
        resource_types=data.get("resource_types") or ["unknown/unknown"],
        reads=data.get("reads", []),
        controls=data.get("controls", []),
        azure_policy=data.get("azure_policy", []),
        references=data.get("references", []),
        since=data.get("since", "0.0.0"),
        status=data.get("status", "stable"),
        labels=data.get("labels", []),
    )(unavailable)
    object.__setattr__(spec, "doc", f"## What it checks\n{data.get('summary', '')}")
    return spec


def merge_reports(paths: Sequence[str], known_rules: Sequence[RuleSpec]) -> ScanResult:
    """The union of several JSON reports; rules are matched by ID to the installed code."""
    installed = {spec.id: spec for spec in known_rules}
    rules: dict[str, RuleSpec] = {}
    findings: dict[tuple[str, str], Finding] = {}
    errors: dict[tuple[str, str, str, str], ScanError] = {}
    coverage: dict[tuple[str, str | None, str], CoverageGap] = {}
    sources: list[SnapshotSource] = []
    subscriptions: set[str] = set()
    workspaces: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    generated: list[datetime] = []
    today = scan_time().date()
    disputed: set[tuple[str, str]] = set()
    # Shards partition the estate, so what each left out of scope adds up.
    out_of_scope: dict[str, int] = {}
    for path in paths:
        document = read_report(path)
        shard: list[Finding] = []
        try:
            for data in document["rules"]:
                rules.setdefault(data["id"], installed.get(data["id"]) or _stand_in(data))
            for data in document["findings"]:
                finding = Finding.from_dict(data, rules[data["rule_id"]].status.value == "stable")
                shard.append(finding)
            warnings += drop_expired(shard, today, path)
            for finding in shard:
                key = (finding.rule_id, finding.resource_id.lower())
                previous = findings.get(key)
                if previous is not None and previous.suppressed != finding.suppressed:
                    disputed.add(key)
                if previous is None or _strictness(finding) > _strictness(previous):
                    findings[key] = finding
            for data in document["errors"]:
                error = ScanError(**data)
                errors[error.sort_key()] = error
            for data in document.get("coverage", []):
                gap = CoverageGap(data["resource_id"], data.get("rule_id"), data["reason"])
                coverage[(gap.resource_id.lower(), gap.rule_id, gap.reason)] = gap
            scope = document["scope"]
            subscriptions.update(scope["subscriptions"])
            for ws in scope["workspaces"]:
                workspaces.setdefault(ws["id"].lower(), ws)
            for src in scope["sources"]:
                sources.append(
                    SnapshotSource(
                        src["path"], src["shape"], src["resources"], src.get("collected_at")
                    )
                )
            warnings.extend(document.get("warnings", []))
            for kind, count in document["summary"].get("out_of_scope", {}).items():
                kind = clean(str(kind))  # a type name read from a report: input text
                out_of_scope[kind] = out_of_scope.get(kind, 0) + int(count)
            generated.append(
                datetime.fromisoformat(document["generated_at"].replace("Z", "+00:00"))
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{path}: malformed amlaudit report ({type(exc).__name__}: {exc})"
            ) from None
    warnings += [
        f"shards disagree whether {rule_id} on {findings[(rule_id, rid)].resource_id} is "
        "suppressed; the unsuppressed verdict is kept"
        for rule_id, rid in sorted(disputed)
    ]
    return ScanResult(
        rules=sorted(rules.values(), key=lambda s: s.id),
        findings=sorted(findings.values(), key=Finding.sort_key),
        errors=sorted(errors.values(), key=ScanError.sort_key),
        coverage=sorted(coverage.values(), key=lambda g: (g.resource_id.lower(), g.rule_id or "")),
        sources=sources,
        subscriptions=sorted(subscriptions),
        workspaces=sorted(workspaces.values(), key=lambda w: str(w["id"]).lower()),
        generated_at=max(generated),
        warnings=sorted(set(warnings)),
        out_of_scope=dict(sorted(out_of_scope.items())),
    )
