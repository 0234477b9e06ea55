"""The scan pauses the cyclic garbage collector (amlaudit.gcpause): the pause restores it, leaves
nothing for a collection to walk when it ends, and a scan leaves no cycle behind."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from amlaudit.gcpause import paused_gc
from amlaudit.registry import find_packs, load_rules
from amlaudit.resource import Resource
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import write_json
from test_determinism import estate


def test_paused_gc_restores_the_collector_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # nested: leaves it paused
            assert not gc.isenabled()
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller's choice to disable it is kept
    finally:
        gc.enable()


def test_ending_the_pause_starts_no_pass_over_what_it_built() -> None:
    """Re-enabling must not leave 100,000 objects in the youngest generation, where the next
    allocation would start a collection over every one of them."""
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    with paused_gc():
        kept = [{"n": n} for n in range(100_000)]
        gc.callbacks.append(record)
    try:
        after = [{"n": n} for n in range(10)]
    finally:
        gc.callbacks.remove(record)
    assert len(kept) + len(after) == 100_010
    assert started == []


def test_a_scan_leaves_no_cycle_holding_the_snapshot(tmp_path: Path) -> None:
    """With the collector off, dropping the snapshot and the result frees every resource: the
    index's lazily built views (dependency scope, own identities) no longer point back at it."""
    rules = load_rules(find_packs(use_entry_points=False))
    path = write_json(tmp_path / "estate.json", estate())
    gc.collect()
    gc.disable()
    try:
        snapshot = load([str(path)])
        result = scan_snapshot(snapshot, rules)
        assert len(result.findings) > 1_000
        del snapshot, result
        assert not [o for o in gc.get_objects() if type(o) is Resource]
    finally:
        gc.enable()
