"""The access report as text, JSON and Markdown (HTML: `render_html`).

Every format renders the same document, `report.to_dict`, whose snapshot-derived strings
(role names, scopes, conditions, IDs) lost control characters and secret-shaped fragments when
they entered the analysis. Markdown escapes them again as literal text; HTML autoescapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from amlaudit.reports.json_report import dumps
from amlaudit.reports.markdown import escape

GRADE_MARK = {
    "direct": "D",
    "via-credential": "K",
    "indirect": "I",
    "conditional": "C",
    "possible": "?",
    "eligible": "E",
}
LEGEND = (
    "D direct · K via credential (key or secret listing) · I indirect (through an identity) · "
    "C conditional · ? possible (verify live) · E eligible (PIM)"
)
MAX_ROWS = 40


def best_grades(workspace: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """(principal ID, type, {capability: best grade mark}) rows of the matrix, sorted."""
    order = list(GRADE_MARK)
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for capability in workspace["capabilities"]:
        for grant in capability["grants"]:
            cells = rows.setdefault((grant["principal_id"], grant["principal_type"]), {})
            found = cells.get(capability["id"])
            if found is None or order.index(grant["grade"]) < order.index(found):
                cells[capability["id"]] = grant["grade"]
    return [
        (pid, kind, {c: GRADE_MARK[g] for c, g in cells.items()})
        for (pid, kind), cells in sorted(rows.items())
    ]


def render_json(document: dict[str, Any], out: TextIO) -> None:
    out.write(dumps(document).decode("utf-8"))


def render_text(document: dict[str, Any], out: TextIO) -> None:
    write = out.write
    subject = f" for principal {document['principal']}" if document["principal"] else ""
    write(f"amlaudit access{subject}: {len(document['workspaces'])} workspace(s)\n")
    for ws in document["workspaces"]:
        counts = ws["counts"]
        write(f"\n{ws['name']}  {ws['id']}\n")
        write(
            f"  {counts['principals']} principal(s) + {counts['groups']} group(s) of unknown size\n"
        )
        for capability in ws["capabilities"]:
            grants = capability["grants"]
            write(f"  {capability['title']} [{capability['id']}]: {len(grants)}\n")
            for grant in grants[:MAX_ROWS]:
                write(
                    f"    {grant['grade']:<14} {grant['principal_type']:<16} "
                    f"{grant['principal_id']}  {grant['role']} @ {grant['scope']}"
                    f"{_via(grant)}\n"
                )
            if len(grants) > MAX_ROWS:
                write(f"    … and {len(grants) - MAX_ROWS} more in the JSON report\n")
        for denied in ws["denied"][:MAX_ROWS]:
            write(
                f"  denied: {denied['principal_id']} {denied['operation']} "
                f"by {denied['deny_name']}\n"
            )
    _write_coverage(document, write)


def _via(grant: dict[str, Any]) -> str:
    via = grant.get("via")
    if via:
        return f"  via identity {via['principal_id']} ({via['role']} @ {via['scope']})"
    if grant["route"] not in ("data-action", "control-action"):
        return f"  [{grant['route']}: {grant['operation']}]"
    return ""


def _write_coverage(document: dict[str, Any], write: Callable[[str], object]) -> None:
    catalog = document["role_catalog"]
    if catalog["used_for"]:
        names = ", ".join(r["role"] for r in catalog["used_for"])
        write(f"\nRole definitions from the packaged catalog ({catalog['date']}): {names}\n")
    if document["coverage"]:
        write(f"\nIncomplete: {len(document['coverage'])} coverage gap(s)\n")
        for entry in document["coverage"]:
            write(f"  {entry['kind']}: {entry['scope'] or '/'}: {entry['message']}\n")
    write("\nWhat ARM cannot tell:\n")
    for limit in document["limits"]:
        write(f"  - {limit}\n")


def render_markdown(document: dict[str, Any], out: TextIO) -> None:
    lines = ["# amlaudit access", ""]
    if document["principal"]:
        lines += [f"Principal `{escape(document['principal'])}`.", ""]
    lines += [LEGEND, ""]
    for ws in document["workspaces"]:
        capabilities = [c["id"] for c in ws["capabilities"]]
        counts = ws["counts"]
        lines += [
            f"## {escape(ws['name'])}",
            "",
            f"{counts['principals']} principal(s) + {counts['groups']} group(s) of unknown size.",
            "",
            "| principal | type | " + " | ".join(capabilities) + " |",
            "|---|---|" + "---|" * len(capabilities),
        ]
        rows = best_grades(ws)
        for pid, kind, cells in rows[:MAX_ROWS]:
            marks = " | ".join(cells.get(c, "") for c in capabilities)
            lines.append(f"| {escape(pid)} | {escape(kind)} | {marks} |")
        if len(rows) > MAX_ROWS:
            lines.append(f"\n… and {len(rows) - MAX_ROWS} more principals in the JSON report.")
        lines.append("")
    if document["coverage"]:
        lines += ["## Coverage", ""]
        lines += [
            f"- {escape(e['kind'])}: {escape(e['scope'] or '/')}: {escape(e['message'])}"
            for e in document["coverage"]
        ]
        lines.append("")
    lines += ["## What ARM cannot tell", ""]
    lines += [f"- {escape(limit, 1000)}" for limit in document["limits"]]
    out.write("\n".join(lines) + "\n")
