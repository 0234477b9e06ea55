"""Run one command and report its wall time and peak memory as one JSON line on stdout.

    python benchmarks/launch.py [--sample] -- COMMAND ARGS...

Peak RSS comes from `getrusage(RUSAGE_CHILDREN)` in this small process, not in the benchmark
driver: Linux carries a parent's RSS high-water mark into a forked child, so measuring from a
large process inflates `ru_maxrss`. It is the largest single process of the tree. With
`--sample`, /proc/PID/smaps_rollup of the command and all its descendants is read every 10 ms
and the peak of the summed PSS (shared pages split between the processes that map them) and
USS (pages private to one process) is reported too: the figures for a scan with workers.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

INTERVAL = 0.01


def descendants(pid: int) -> list[int]:
    """The process and every process below it (Linux /proc children lists)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def tree_memory(pid: int) -> tuple[int, int]:
    """Summed PSS and USS (bytes) of a process tree."""
    pss = uss = 0
    for member in descendants(pid):
        try:
            text = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            name, _, value = line.partition(":")
            if name == "Pss":
                pss += int(value.split()[0]) * 1024
            elif name in ("Private_Clean", "Private_Dirty"):
                uss += int(value.split()[0]) * 1024
    return pss, uss


def main(argv: list[str]) -> int:
    sample = argv[:1] == ["--sample"]
    command = argv[argv.index("--") + 1 :]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_pss = peak_uss = 0
    while sample and child.poll() is None:
        pss, uss = tree_memory(child.pid)
        peak_pss, peak_uss = max(peak_pss, pss), max(peak_uss, uss)
        time.sleep(INTERVAL)
    _, stderr = child.communicate()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = {
        "exit": child.returncode,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
        "peak_pss_bytes": peak_pss or None,
        "peak_uss_bytes": peak_uss or None,
        "stderr_tail": stderr.decode("utf-8", "replace")[-400:],
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
