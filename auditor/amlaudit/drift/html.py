"""The diff as one self-contained HTML page (no scripts, no external assets).

Rendered by Jinja2 with autoescaping, so every estate-derived string (names, IDs, values,
messages) is escaped; text lines come from the same views as the text format.
"""

from __future__ import annotations

from typing import TextIO

from amlaudit.drift.model import DriftReport
from amlaudit.drift.text import HEADINGS, item_lines, side_text, summary_line
from amlaudit.drift.verdict import DiffVerdict
from amlaudit.drift.views import sections
from amlaudit.reports.html import _environment


def render(report: DriftReport, out: TextIO, verdict: DiffVerdict, verbose: bool = False) -> None:
    parts = sections(report)
    groups = []
    for heading, group in zip(HEADINGS, (parts.worse, parts.better, parts.rest), strict=True):
        blocks = []
        for section in group:
            told: set[str] = set()
            items = [list(item_lines(item, report.attributions, told)) for item in section.items]
            blocks.append({"section": section, "entries": items})
        if blocks:
            groups.append({"heading": heading, "css": heading.split()[-1], "blocks": blocks})
    template = _environment().get_template("diff.html.j2")
    out.write(
        template.render(
            report=report,
            old=side_text(report.old),
            new=side_text(report.new),
            groups=groups,
            secrets=[s for s in report.secrets if verbose or s.kind != "not_comparable_redacted"],
            hidden_secrets=sum(
                1 for s in report.secrets if not verbose and s.kind == "not_comparable_redacted"
            ),
            summary=summary_line(report),
            verdict=verdict,
        )
    )
