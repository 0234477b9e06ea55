"""Judge rules in several processes, forked after the snapshot is indexed once.

Findings are independent per rule, so the rules are shared out by the work they have (the
resources of their types); this process judges one share itself while forked children judge
the others on the index they inherit (copy-on-write: nothing is parsed or indexed twice).
Each child sends its findings back as compact rows, and the parent puts every rule's findings
and coverage gaps back in rule order, so the report is byte-identical to a sequential run. A
child that dies or fails is not trusted for anything: its share is judged again here.

It is opt-in (`scan --jobs N`): on 2 cores it measured no faster than one process, because
every process warms the same per-resource caches and the rows cross a pipe, and the tree
holds more memory (benchmarks/README.md). With more cores each share shrinks, which is where
it can pay; the reference machine has 2, so that is not measured here. `fork` is asked for
explicitly (the only start method that shares the index); without it the scan runs
sequentially.
"""

from __future__ import annotations

import gc
import pickle
import sys
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from amlaudit.api import RuleSpec
from amlaudit.index import SnapshotIndex
from amlaudit.model import Finding

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from amlaudit.depscope import ScopeMode
    from amlaudit.engine import RuleJudgement


def work_of(index: SnapshotIndex, spec: RuleSpec) -> int:
    """How many findings a rule will produce: one per resource of its types."""
    return sum(len(index.of_type(t)) for t in {t.lower() for t in spec.resource_types})


def shares(index: SnapshotIndex, rules: Sequence[RuleSpec], count: int) -> list[list[int]]:
    """Rule positions split into `count` shares of about equal work: the largest rule first
    to the least-loaded share, ties broken by position, so the split is deterministic."""
    loads = [0] * count
    split: list[list[int]] = [[] for _ in range(count)]
    order = sorted(range(len(rules)), key=lambda n: (-work_of(index, rules[n]), n))
    for position in order:
        target = min(range(count), key=lambda s: (loads[s], s))
        split[target].append(position)
        loads[target] += work_of(index, rules[position]) + 1
    return [sorted(share) for share in split if share]


def judge_in_parallel(
    index: SnapshotIndex,
    rules: Sequence[RuleSpec],
    options: dict[str, Any],
    scope: ScopeMode,
    jobs: int,
) -> list[RuleJudgement]:
    """Every rule's judgement, in the order of `rules`, made in `jobs` processes."""
    import multiprocessing

    from amlaudit.display import DisplayNames
    from amlaudit.engine import TextCleaner, judge_rule

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        context = None
    texts, names = TextCleaner(), DisplayNames(index)
    split = shares(index, rules, jobs)
    if context is None or len(split) < 2:
        return [judge_rule(index, spec, options, scope, texts, names) for spec in rules]
    results: list[RuleJudgement | None] = [None] * len(rules)
    children = []
    sys.stdout.flush()
    sys.stderr.flush()
    for share in split[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_child,
            args=(sender, index, [rules[n] for n in share], options, scope),
            daemon=True,
        )
        process.start()
        sender.close()
        children.append((share, receiver, process))
    for position in split[0]:
        results[position] = judge_rule(index, rules[position], options, scope, texts, names)
    for share, receiver, process in children:
        rows = _receive(receiver)
        process.join()
        receiver.close()
        if rows is None or len(rows) != len(share):  # the child died or failed: judge here
            rows = None
        for offset, position in enumerate(share):
            if rows is not None:
                results[position] = _decode(rows[offset])
            else:
                spec = rules[position]
                results[position] = judge_rule(index, spec, options, scope, texts, names)
    return [result for result in results if result is not None]


def _child(
    sender: Connection,
    index: SnapshotIndex,
    rules: list[RuleSpec],
    options: dict[str, Any],
    scope: ScopeMode,
) -> None:
    """In the forked process: judge a share of the rules and send the rows back."""
    from amlaudit.display import DisplayNames
    from amlaudit.engine import TextCleaner, judge_rule

    gc.disable()  # like the parent's scan: nothing judged here is cyclic (amlaudit.gcpause)
    try:
        texts, names = TextCleaner(), DisplayNames(index)
        rows = [_encode(judge_rule(index, spec, options, scope, texts, names)) for spec in rules]
        payload = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # any failure: the parent judges this share itself
        payload = pickle.dumps(None)
    sender.send_bytes(payload)
    sender.close()


def _receive(receiver: Connection) -> list[Any] | None:
    try:
        rows = pickle.loads(receiver.recv_bytes())
    except (EOFError, OSError, pickle.UnpicklingError):
        return None
    return rows if isinstance(rows, list) else None


# A finding crosses the pipe as a tuple of the fields the engine sets; the strings it shares
# with other findings (resource IDs, messages, workspaces) are pickled once per child.
_FIELDS = (
    "rule_id",
    "resource_id",
    "resource_type",
    "resource_name",
    "status",
    "severity",
    "message",
    "evidence",
    "skip_reason",
    "workspaces",
    "gating",
    "display_name",
)
_ROW = attrgetter(*_FIELDS)


def _encode(judgement: RuleJudgement) -> tuple[list[tuple[Any, ...]], Any, dict[str, int]]:
    return [_ROW(f) for f in judgement.findings], judgement.coverage, judgement.out_of_scope


def _decode(row: tuple[list[tuple[Any, ...]], Any, dict[str, int]]) -> RuleJudgement:
    from amlaudit.engine import RuleJudgement

    rows, coverage, out_of_scope = row
    findings = [
        Finding(
            rule_id=v[0],
            resource_id=v[1],
            resource_type=v[2],
            resource_name=v[3],
            status=v[4],
            severity=v[5],
            message=v[6],
            evidence=v[7],
            skip_reason=v[8],
            workspaces=v[9],
            gating=v[10],
            display_name=v[11],
        )
        for v in rows
    ]
    return RuleJudgement(findings, coverage, out_of_scope)
