"""The report's compliance section: per framework, each control with its rules and results.

Coverage itself is computed by :mod:`amlaudit.controls` (shared with the other formats); this
module only shapes it for the page: the controls that have rules go in the table, and every
control of the catalog, with or without a rule, goes in the heat map so gaps stay visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from amlaudit.api import RuleSpec
from amlaudit.controls import ControlCoverage, coverage, framework_name
from amlaudit.model import Finding
from amlaudit.reports.svg import HeatCell, HeatMap, heat_level, heat_map

STATE_LABELS = {
    "fail": "failing",
    "error": "error",
    "pass": "passing",
    "not-evaluated": "no resource",
    "no-rule": "no rule",
}


@dataclass(frozen=True)
class FrameworkView:
    key: str
    name: str
    rows: tuple[ControlCoverage, ...]
    without_rule: tuple[ControlCoverage, ...]
    heat: HeatMap
    states: dict[str, int]


def compliance(rules: Sequence[RuleSpec], findings: Sequence[Finding]) -> list[FrameworkView]:
    views = []
    for framework, controls in coverage(rules, findings).items():
        rows = tuple(c for c in controls if c.rules)
        if not rows:
            continue  # a catalogued framework no selected rule maps to says nothing here
        states: dict[str, int] = dict.fromkeys(STATE_LABELS, 0)
        for control in controls:
            states[control.state] = states.get(control.state, 0) + 1
        views.append(
            FrameworkView(
                key=framework,
                name=framework_name(framework),
                rows=rows,
                without_rule=tuple(c for c in controls if not c.rules),
                heat=heat_map([_cell(c) for c in controls]),
                states=states,
            )
        )
    return views


def _cell(control: ControlCoverage) -> HeatCell:
    title = f" {control.control.title}" if control.control.title else ""
    detail = (
        f"{control.failed} failing, {control.passed} passing, {control.errors} error"
        f" ({', '.join(control.rules)})"
        if control.rules
        else "no rule maps to this control"
    )
    return HeatCell(
        label=control.control.id,
        tooltip=f"{control.control.id}{title}: {detail}",
        css=heat_level(control.state, control.failed, control.passed),
    )
