"""The access report as a self-contained HTML page, and as the Access section `scan --access`
adds to the scan report. Same template, same escaping (Jinja2 autoescape), no script."""

from __future__ import annotations

from typing import Any, TextIO

from amlaudit.access.render import best_grades

MAX_LISTED = 50


def html_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document with each workspace's matrix rows, as the template reads it."""
    return {
        **document,
        "workspaces": [{**ws, "matrix": best_grades(ws)} for ws in document["workspaces"]],
    }


def render_html(document: dict[str, Any], out: TextIO) -> None:
    from amlaudit.reports.html import _asset, _environment, content_security_policy

    css = _asset("report.css")
    template = _environment().get_template("access.html.j2")
    from markupsafe import Markup

    out.write(
        template.render(
            doc=html_document(document),
            limit=MAX_LISTED,
            css=Markup(css),
            csp=content_security_policy(css, ""),
        )
    )
