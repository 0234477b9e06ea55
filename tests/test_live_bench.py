"""A short smoke of benchmarks/collect_bench.py: the figures are produced and sane."""

from __future__ import annotations

import sys

from conftest import ROOT
from fakearm.harness import fixture_resources

sys.path.insert(0, str(ROOT / "benchmarks"))

from collect_bench import measure


def test_collect_bench_smoke() -> None:
    figures = measure(fixture_resources("hardened.json"), latency=0.01, concurrency=8)
    assert figures["errors"] == 0
    assert figures["resources"] >= len(fixture_resources("hardened.json"))
    assert figures["requests"] > figures["depth"] >= 3
    assert figures["seconds"] >= figures["floor_seconds"] > 0
    assert figures["request_ratio"] == round(figures["requests"] / figures["resources"], 2)
