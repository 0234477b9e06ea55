"""Control frameworks (MCSB v1, ASB v1, CIS) and how the rules and findings cover them.

The catalog (data/controls.json) lists every control of each framework, so a report can show
not only which controls pass or fail but also which have no rule at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

from amlaudit.api import RuleSpec
from amlaudit.model import Finding, Status

FRAMEWORK_ORDER = ("MCSB-v1", "ASB-v1", "CIS-Azure-2.0.0")


@dataclass(frozen=True)
class Control:
    framework: str
    id: str
    title: str
    family: str


@dataclass
class ControlCoverage:
    """One control: the rules that prove it and what they found."""

    control: Control
    rules: list[str] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    errors: int = 0

    @property
    def state(self) -> str:
        """no-rule, not-evaluated (rules but no applicable resource), fail, error or pass."""
        if not self.rules:
            return "no-rule"
        if self.failed:
            return "fail"
        if self.errors:
            return "error"
        if self.passed:
            return "pass"
        return "not-evaluated"

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.control.framework,
            "id": self.control.id,
            "title": self.control.title,
            "family": self.control.family,
            "rules": self.rules,
            "pass": self.passed,
            "fail": self.failed,
            "error": self.errors,
            "state": self.state,
        }


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (files("amlaudit") / "data" / "controls.json").read_text(encoding="utf-8")
    )
    return data["frameworks"]  # type: ignore[no-any-return]


def framework_name(framework: str) -> str:
    entry = _catalog().get(framework)
    return str(entry["name"]) if entry else framework


# Said once wherever a framework's control titles would be shown (text, HTML).
UNTITLED_NOTE = (
    "Control titles are not shown for {name}: the Center for Internet Security publishes them "
    "only in its licensed benchmark documents, not in a machine-readable form amlaudit may "
    "ship. The IDs are those the Azure Policy CIS initiative maps."
)


def untitled_note(framework: str) -> str | None:
    """Why a framework's titles are missing, when none of its controls has one."""
    controls = catalog_controls(framework)
    if controls and not any(c.title for c in controls):
        return UNTITLED_NOTE.format(name=framework_name(framework))
    return None


def canonical_framework(name: str, known: Sequence[str]) -> str | None:
    """`mcsb-v1` -> `MCSB-v1`: framework names compare case-insensitively."""
    return next((f for f in known if f.lower() == name.strip().lower()), None)


def known_control(framework: str, ident: str) -> bool:
    entry = _catalog().get(framework)
    return entry is not None and ident in entry["controls"]


def catalog_controls(framework: str) -> list[Control]:
    entry = _catalog().get(framework)
    if not entry:
        return []
    families: dict[str, str] = entry.get("families", {})
    out = []
    for ident, info in entry["controls"].items():
        prefix = ident.split("-")[0] if "-" in ident else ident.split(".")[0]
        out.append(Control(framework, ident, str(info.get("title", "")), families.get(prefix, "")))
    return out


def frameworks(rules: Sequence[RuleSpec]) -> list[str]:
    used = {c.partition(":")[0] for spec in rules for c in spec.controls}
    ordered = [f for f in FRAMEWORK_ORDER if f in used or f in _catalog()]
    return ordered + sorted(used - set(ordered))


def coverage(
    rules: Sequence[RuleSpec], findings: Iterable[Finding] = ()
) -> dict[str, list[ControlCoverage]]:
    """Per framework, every control with its rules and pass/fail/error counts."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    out: dict[str, list[ControlCoverage]] = {}
    for framework in frameworks(rules):
        rows = {c.id: ControlCoverage(c) for c in catalog_controls(framework)}
        for spec in rules:
            for control in spec.controls:
                fw, _, ident = control.partition(":")
                if fw != framework:
                    continue
                row = rows.setdefault(ident, ControlCoverage(Control(fw, ident, "", "")))
                row.rules.append(spec.id)
                for finding in by_rule.get(spec.id, []):
                    if finding.status is Status.PASS:
                        row.passed += 1
                    elif finding.status is Status.FAIL and not finding.suppressed:
                        row.failed += 1
                    elif finding.status is Status.ERROR:
                        row.errors += 1
        out[framework] = sorted(rows.values(), key=lambda r: _sort_key(r.control.id))
    return out


def _sort_key(ident: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for piece in ident.replace("-", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)
