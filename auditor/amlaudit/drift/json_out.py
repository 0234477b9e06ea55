"""The diff as JSON (`kind: amlaudit-diff`, schema_version 1), documented in
schemas/diff.schema.json. Deterministic: every list sorted, no clock but `generated_at`."""

from __future__ import annotations

from typing import Any, TextIO

import orjson

from amlaudit._version import __version__
from amlaudit.drift.model import DriftReport
from amlaudit.drift.verdict import DiffVerdict
from amlaudit.drift.views import sections, summary_counts
from amlaudit.result import format_time, scan_time

SCHEMA_VERSION = 1
KIND = "amlaudit-diff"


def diff_dict(report: DriftReport, verdict: DiffVerdict) -> dict[str, Any]:
    parts = sections(report)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "tool": {"name": "amlaudit", "version": __version__},
        "generated_at": format_time(scan_time()),
        "old": report.old.to_dict(),
        "new": report.new.to_dict(),
        "config_compared": report.config_compared,
        "notes": list(report.notes),
        "no_changes": report.no_changes,
        "summary": summary_counts(report),
        "headline": {
            direction: [
                {
                    "workspace_id": s.workspace_id or None,
                    "name": s.name,
                    "count": len(s.items),
                }
                for s in group
            ]
            for direction, group in (
                ("worse", parts.worse),
                ("better", parts.better),
                ("other", parts.rest),
            )
        },
        "findings": [c.to_dict() for c in report.findings],
        "resources": [c.to_dict() for c in report.resources],
        "role_assignments": [c.to_dict() for c in report.roles],
        "role_definitions": [c.to_dict() for c in report.role_definitions],
        "coverage": [g.to_dict() for g in report.coverage],
        "secrets": [s.to_dict() for s in report.secrets],
        "attributions": [
            {"resource_id": rid, **a.to_dict()} for rid, a in report.attributions.items()
        ],
        "incomplete": list(report.incomplete),
        "verdict": verdict.to_dict(),
    }


def render(report: DriftReport, out: TextIO, verdict: DiffVerdict, verbose: bool = False) -> None:
    data = orjson.dumps(
        diff_dict(report, verdict),
        option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS,
    )
    out.write(data.decode("utf-8"))
