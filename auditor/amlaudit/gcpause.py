"""Pause Python's cyclic garbage collector while a scan builds its large, acyclic data.

A 1,000-workspace snapshot parses into millions of dicts and lists, and a scan adds ~150,000
findings. Every collection of the oldest generation walks all of them, and CPython runs one
each time the survivors grow by a quarter: on that estate the collector took ~45% of a scan
(4.3 s with it, 2.4 s without, benchmarks/README.md). Nothing a scan builds is cyclic (JSON
trees, resources, findings), so reference counting frees it all; the pause only defers cycles
that other code might leave, and the collector runs again as soon as the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; nested pauses and an already-disabled collector
    are left as they are."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
