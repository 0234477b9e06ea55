"""Report formats as plug-ins: each module has `render(result, out, settings)`.

Formats are imported only when asked for, so a JSON-only run never loads the HTML templates.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from amlaudit.errors import UsageError
from amlaudit.result import ScanResult

# name -> module implementing it
FORMATS: dict[str, str] = {
    "text": "amlaudit.reports.text",
    "json": "amlaudit.reports.json_report",
    "html": "amlaudit.reports.html",
    "sarif": "amlaudit.reports.sarif",
    "junit": "amlaudit.reports.junit",
    "markdown": "amlaudit.reports.markdown",
}


@dataclass(frozen=True)
class ReportSettings:
    """Format-specific knobs from the command line; each format reads what it knows."""

    color: bool = False
    verbose: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Renderer(Protocol):
    def __call__(self, result: ScanResult, out: TextIO, settings: ReportSettings) -> None: ...


def renderer(name: str) -> Renderer:
    module_name = FORMATS.get(name)
    if module_name is None:
        raise UsageError(
            f"unknown output format {name!r} (choose from {', '.join(sorted(FORMATS))})"
        )
    render: Renderer = importlib.import_module(module_name).render
    return render
