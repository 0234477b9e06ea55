"""Every rule proves itself on raw ARM JSON: fixtures/rules/<ID>/{pass,fail,info,error}*.json.

A `pass*` fixture: the rule's findings are all pass (or skipped/info), and at least one passes.
A `fail*` fixture: at least one finding fails. `info*`: at least one info, none fail.
`error*`: at least one error, none pass. Each fixture is any snapshot shape amlaudit reads.

A fixture holding an ML workspace runs under the default `--dependency-scope used` (so an
unused storage account beside it proves it is not judged); one holding only the judged
resource (a registry, a subscription's pricings) runs under `all`, as it proves the rule's
own judgement. The scope itself is proven in tests/test_depscope.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from amlaudit.depscope import WORKSPACE_TYPE, ScopeMode
from amlaudit.model import Status
from amlaudit.registry import find_packs, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import Snapshot, load
from conftest import FIXTURES

RULES = load_rules(find_packs(use_entry_points=False))
RULE_DIR = FIXTURES / "rules"


def _scope(snapshot: Snapshot) -> ScopeMode:
    has_workspace = any(r.type.lower() == WORKSPACE_TYPE for r in snapshot.resources)
    return ScopeMode.USED if has_workspace else ScopeMode.ALL


def _cases() -> list[tuple[str, Path]]:
    cases = []
    for spec in RULES:
        for path in sorted((RULE_DIR / spec.id).glob("*.json")):
            cases.append((spec.id, path))
    return cases


@pytest.mark.parametrize(
    ("rule_id", "path"), _cases(), ids=lambda v: v if isinstance(v, str) else v.stem
)
def test_rule_fixture(rule_id: str, path: Path) -> None:
    spec = next(s for s in RULES if s.id == rule_id)
    snapshot = load([str(path)])
    result = scan_snapshot(snapshot, [spec], dependency_scope=_scope(snapshot))
    statuses = [f.status for f in result.findings]
    detail = [(f.resource_name, f.status.value, f.message) for f in result.findings]
    kind = path.stem.split("-", 1)[0]
    if kind == "pass":
        assert Status.PASS in statuses, detail
        assert not {Status.FAIL, Status.ERROR} & set(statuses), detail
    elif kind == "fail":
        assert Status.FAIL in statuses, detail
    elif kind == "info":
        assert Status.INFO in statuses, detail
        assert Status.FAIL not in statuses, detail
    elif kind == "error":
        assert Status.ERROR in statuses, detail
        assert Status.PASS not in statuses, detail
    else:
        pytest.fail(f"fixture name {path.name} must start with pass, fail, info or error")


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.id)
def test_every_rule_has_pass_and_fail_fixtures(spec) -> None:  # type: ignore[no-untyped-def]
    names = [p.stem for p in (RULE_DIR / spec.id).glob("*.json")]
    assert any(n.startswith("pass") for n in names), f"{spec.id}: no pass fixture"
    non_pass = [n for n in names if n.startswith("fail") or n.startswith("info")]
    assert non_pass, f"{spec.id}: no fail fixture"
    if spec.severity.value != "info":
        assert any(n.startswith("fail") for n in names), f"{spec.id}: no fail fixture"
