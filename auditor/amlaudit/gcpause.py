"""Pause Python's cyclic garbage collector while a scan builds its large, acyclic data.

A 1,000-workspace snapshot parses into millions of dicts and lists, and a scan adds ~150,000
findings. Every collection of the oldest generation walks all of them, and CPython runs one
each time the survivors grow by a quarter: on that estate the collector took ~45% of a scan
(4.3 s with it, 2.4 s without, benchmarks/README.md). What a scan builds is acyclic (JSON
trees, resources, findings) except the index's lazily built views, which point back at it and
which the scan releases when it is done (SnapshotIndex.release), so reference counting frees
it all; any other cycle waits for the next full collection after the pause.
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
        # Everything allocated in the pause is still in the youngest generation, and the first
        # allocation after re-enabling would collect it: one pass over every object the scan
        # built (~1 s at 1,000 workspaces). Moving it all to the oldest generation first (a
        # list splice, no pass) leaves it to the next full collection, as for any old object.
        gc.freeze()
        gc.unfreeze()
        gc.enable()
