"""The HTML report (`-o html:PATH`): one self-contained page people can read, print and share.

Everything is inline (CSS, a few lines of filtering JS, SVG charts); nothing loads from the
network, and every table is rendered here so the page works with scripts blocked. Jinja2
autoescaping covers every resource-derived string, in HTML and in SVG alike; the only markup
not escaped is our own: the packaged stylesheet and script, and rule docs rendered by
markdown-it with raw HTML turned off. A Content-Security-Policy pins the one inline script
and stylesheet by hash, so even a missed escape could not run injected script.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib.resources import files
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

from amlaudit.reports import ReportSettings
from amlaudit.reports.html_view import SEVERITIES, build
from amlaudit.result import ScanResult

TEMPLATE = "report.html.j2"


def render(result: ScanResult, out: TextIO, settings: ReportSettings) -> None:
    view = build(result, settings.extra)
    css, script = _asset("report.css"), _asset("filter.js")
    template = _environment().get_template(TEMPLATE)
    context: dict[str, Any] = {
        "view": view,
        "severities": SEVERITIES,
        "rule_ids": sorted(result.rules, key=lambda spec: spec.id),
        "names": view.workspace_names,
        "css": Markup(css),
        "script": Markup(script),
        "csp": content_security_policy(css, script),
        "access": _access(result),
    }
    out.write(template.render(context))  # one write: far cheaper than a million chunks


def _access(result: ScanResult) -> dict[str, Any] | None:
    """The Access section's data (`scan --access`), with each workspace's matrix rows."""
    if result.access is None:
        return None
    from amlaudit.access.render_html import html_document

    return html_document(result.access)


def content_security_policy(css: str, script: str) -> str:
    """Allow only our own inline stylesheet and script (by hash); no network at all."""
    return (
        "default-src 'none'; "
        f"style-src {_hash_source(css)}; "
        f"script-src {_hash_source(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _hash_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return (files("amlaudit") / "reports" / "templates" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # commonmark with raw HTML off: a rule pack's doc cannot inject markup either.
    return MarkdownIt("commonmark", {"html": False})


@lru_cache(maxsize=512)
def rule_markdown(text: str) -> Markup:
    """A rule doc section as HTML: fenced blocks become escaped <pre>, links are sanitised."""
    return Markup(_markdown().render(text))


def link_label(url: str) -> str:
    """A reference link's text: the URL without its scheme."""
    return url.split("://", 1)[-1]


def is_web_url(url: str) -> bool:
    """Only http(s) links are rendered: a rule pack cannot smuggle in a javascript: URL."""
    return url.lower().startswith(("https://", "http://"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("amlaudit", "reports/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = lambda value: f"{value:,}"
    env.filters["rule_markdown"] = rule_markdown
    env.filters["link_label"] = link_label
    env.tests["web_url"] = is_web_url
    return env
