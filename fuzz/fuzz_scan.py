"""Long-running fuzzer for amlaudit: run it outside CI, for minutes or hours.

    python -m fuzz.fuzz_scan --minutes 15 [--seed N]

Two campaigns alternate until the time is up:

1. *rules*: every built-in rule on Hypothesis-generated ARM shapes (fuzz/arm_shapes.py), as in
   tests/test_properties.py but with a large budget; a finding saying "rule ... raised" is a
   rule bug (it should have used the typed accessors, which give a clean error finding).
2. *bytes*: the real CLI (in process) on mutations of the demo snapshot — truncation, byte
   flips, splices, deep nesting, odd encodings, wrong types swapped in at random JSON paths —
   asserting the contract: exit 0/1/2/3, never 4 (internal error); exit 2 prints exactly one
   line; the JSON report, when written, parses.

Every failure is written to fuzz/crashes/ (input + what went wrong) and counted; the exit status
is 1 when anything was found. tests/test_corpus.py runs a few seconds of both in CI.

Recorded runs (2 cores shared with other jobs, load average ~14):
- 2026-11-29, `--minutes 15 --rule-examples 100` (113 rules): one round, 7,100 cases (up to
  100 generated estates per rule, then CLI byte mutations), 0 problems. Earlier hand probing
  had found, and this run no longer finds: an unpaired `\\ud800` escape crashing the JSON
  writer (exit 4), NaN/Infinity/1e400 written back as invalid JSON, control characters in
  names reaching terminals and JUnit XML.
- 2026-11-29, `--minutes 10 --rule-examples 30 --seed 2` (after the redaction, control-character
  and determinism fixes): three rounds, 9,111 cases, 0 problems.
- 2026-12-06, `--minutes 7 --rule-examples 20 --seed 12` (issue 12: the generator now also
  plants deep IDs, nested twins, hostile collection-error fields, secrets in environment maps
  and URL userinfo, numbers beyond 64 bits; every report is checked for planted secrets,
  escapes and workflow-command lines, and read back by `gate`): three rounds, 7,242 cases,
  0 problems. Its first attempt stopped on a generator bug (a shared `[None]` replacement made
  a document circular), fixed by copying replacements.
- 2026-12-06, `--minutes 3 --rule-examples 10 --seed 21`, after merging 0.2.0's lifecycle
  rules: two rounds, 3,397 cases, 0 problems.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from amlaudit.api import RuleSpec
from amlaudit.cli import main as cli_main
from amlaudit.model import Status
from amlaudit.registry import find_packs, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from fuzz.arm_shapes import envelope, estate_for

ROOT = Path(__file__).resolve().parent.parent
CRASHES = Path(__file__).resolve().parent / "crashes"
SEED_FILE = ROOT / "fixtures" / "demo.json"


class Campaign:
    """Counts and records what one run found."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.cases = 0
        self.problems: list[str] = []

    def record(self, kind: str, data: bytes, what: str) -> None:
        CRASHES.mkdir(exist_ok=True)
        name = f"{kind}-{len(self.problems):04d}"
        (CRASHES / f"{name}.json").write_bytes(data)
        (CRASHES / f"{name}.txt").write_text(what + "\n", encoding="utf-8")
        self.problems.append(f"{name}: {what.splitlines()[0][:200]}")


# -- campaign 1: rules on generated shapes ------------------------------------------------------


def fuzz_rules(campaign: Campaign, examples: int, deadline: float) -> None:
    """Each rule in turn (Hypothesis picks fresh random examples every round)."""
    for spec in load_rules(find_packs(use_entry_points=False)):
        _rule_test(campaign, spec, examples)()
        if time.monotonic() > deadline:
            return


def _rule_test(campaign: Campaign, spec: RuleSpec, examples: int) -> Callable[[], None]:
    path = campaign.work / "rules.json"

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(estate_for(spec))
    def check(resources: list[dict[str, Any]]) -> None:
        campaign.cases += 1
        text = envelope(resources)
        path.write_text(text, encoding="utf-8")
        result = scan_snapshot(load([str(path)]), [spec])
        for finding in result.findings:
            if finding.status is Status.ERROR and " raised " in finding.message:
                campaign.record("rule", text.encode(), f"{spec.id}: {finding.message}")
                return

    return check  # type: ignore[no-any-return]


# -- campaign 2: the CLI on mutated bytes -------------------------------------------------------


def _mutate(seed_doc: Any, seed_bytes: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(12)
    if choice >= 8:  # issue 12: the attacks of the hardening round
        return _attack(seed_doc, rng, choice - 8)
    if choice == 0:  # truncation
        return seed_bytes[: rng.randrange(len(seed_bytes))]
    if choice == 1:  # byte flips
        data = bytearray(seed_bytes)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if choice == 2:  # splice a random window somewhere else
        a, b = sorted(rng.randrange(len(seed_bytes)) for _ in range(2))
        at = rng.randrange(len(seed_bytes))
        return seed_bytes[:at] + seed_bytes[a:b] + seed_bytes[at:]
    if choice == 3:  # deep nesting inside a property
        depth = rng.choice([10, 1000, 50_000])
        return json.dumps({"value": [{"id": "/x", "type": "a/b"}]}).encode()[:-2] + (
            b', "properties": ' + b"[" * depth + b"]" * depth + b"}]}"
        )
    if choice == 4:  # other encodings
        text = seed_bytes.decode("utf-8")
        return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"]))
    # 5-7: structural: swap a value at a random JSON path for a value of another type
    doc = json.loads(json.dumps(seed_doc))
    for _ in range(rng.randint(1, 8)):
        _swap_random_value(doc, rng)
    return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8")


def _attack(seed_doc: Any, rng: random.Random, kind: int) -> bytes:
    """Deep IDs, nested duplicates, hostile collection errors, secrets in environment maps."""
    doc = json.loads(json.dumps(seed_doc))
    resources = doc["resources"]
    victim = rng.choice(resources)
    if kind == 0:  # a child ID of 60-70 or thousands of segments
        depth = rng.choice([rng.randint(56, 70), 5_000])
        victim["id"] += "/computes/c" * (depth // 2)
    elif kind == 1:  # an identical twin with deep nesting inside (compared when loading)
        depth = rng.choice([100, 900, 1_000])
        victim.setdefault("properties", {})["nested"] = "__NESTED__"
        resources.append(json.loads(json.dumps(victim)))
        nested = "[" * depth + "]" * depth
        return json.dumps(doc).replace('"__NESTED__"', nested).encode("utf-8")
    elif kind == 2:  # hostile text in every field of a collection error
        doc["errors"] = [
            {
                name: rng.choice(_HOSTILE) + rng.choice(_HOSTILE)
                for name in ("scope", "operation", "status", "message", "resource_type")
            }
        ]
    else:  # secrets in an environment map and in URL userinfo, numbers beyond 64 bits
        props = victim.setdefault("properties", {})
        if isinstance(props, dict):
            props["environmentVariables"] = {"OPENAI_API_KEY": SECRET, "DB": DB_URL}
            props["description"] = rng.choice(_HOSTILE)
            props["maxNodeCount"] = rng.choice([2**64, -(2**64), 10**30, 1e300, "9" * 30])
    return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8")


SECRET = "LEAKFUZZ-secret-value"
DB_URL = "postgresql://app:LEAKFUZZ-db-password@db.example.net/app"
_HOSTILE = [
    "\x1b]8;;https://evil.example\x07link\x1b[0m",
    "\n::error::pwned",
    "::add-mask::x",
    "abc\u202edef",
    "AccountKey=LEAKFUZZkeyAAAA==;",
    "?sig=LEAKFUZZsignature000000",
    DB_URL,
    "[Fixed](https://evil.example)",
    "/subscriptions/x/../../etc",
]

_REPLACEMENTS: list[Any] = [
    None,
    "",
    "x",
    0,
    -1,
    2**64,
    1.5,
    True,
    [],
    {},
    [None],
    {"": None},
    "AccountKey=c2VjcmV0;",
    "/subscriptions/other/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/elsewhere",
    "ÿ\u202e\u0000 ünïcödé",
    10**30,
    -(2**64),
    1e300,
    "9" * 30,
    *_HOSTILE,
]


def _swap_random_value(node: Any, rng: random.Random) -> None:
    while True:
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            if rng.random() < 0.25 or not isinstance(node[key], dict | list):
                node[key] = copy.deepcopy(rng.choice(_REPLACEMENTS))
                return
            node = node[key]
        elif isinstance(node, list) and node:
            index = rng.randrange(len(node))
            if rng.random() < 0.25 or not isinstance(node[index], dict | list):
                node[index] = copy.deepcopy(rng.choice(_REPLACEMENTS))
                return
            node = node[index]
        else:
            return


def run_cli(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = cli_main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


def check_cli(campaign: Campaign, data: bytes) -> None:
    campaign.cases += 1
    snapshot = campaign.work / "mutant.json"
    report = campaign.work / "report.json"
    snapshot.write_bytes(data)
    report.unlink(missing_ok=True)
    code, err = run_cli(["scan", "--snapshot", str(snapshot), "-o", f"json:{report}"])
    problem = None
    if code not in (0, 1, 2, 3):
        problem = f"exit {code}: {err.strip()}"
    elif "Traceback" in err:
        problem = f"traceback on stderr (exit {code}): {err.strip()}"
    elif code == 2 and len(err.strip().splitlines()) != 1:
        problem = f"exit 2 without exactly one line: {err!r}"
    elif code != 2:
        try:
            document = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problem = f"exit {code} but the JSON report is unreadable: {exc}"
        else:
            problem = _leaks(json.dumps(document, ensure_ascii=False) + err) or _gate(report)
    if problem:
        campaign.record("cli", data, problem)


def _leaks(text: str) -> str | None:
    """Secrets, terminal escapes, bidi overrides or workflow commands in what was written."""
    if "LEAKFUZZ" in text:
        return "a planted secret reached the report or stderr"
    if "\x1b" in text or "\u202e" in text:
        return "a terminal escape or bidi override reached the report or stderr"
    if any(line.lstrip().startswith("::") for line in text.splitlines()):
        return "a line of the report or stderr starts a workflow command"
    return None


def _gate(report: Path) -> str | None:
    """The report read back by `gate`: a verdict, never an internal error."""
    code, err = run_cli(["gate", str(report), "--allow-empty"])
    if code not in (0, 1, 3) or "Traceback" in err:
        return f"gate on the report: exit {code}: {err.strip()[:300]}"
    return _leaks(err)


def fuzz_bytes(campaign: Campaign, seconds: float, rng: random.Random) -> None:
    seed_bytes = SEED_FILE.read_bytes()
    seed_doc = json.loads(seed_bytes)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check_cli(campaign, _mutate(seed_doc, seed_bytes, rng))


def run(minutes: float, seed: int, rule_examples: int) -> Campaign:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    work = Path(tempfile.mkdtemp(prefix="amlaudit-fuzz-"))
    campaign = Campaign(work)
    rng = random.Random(seed)
    deadline = time.monotonic() + minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        fuzz_rules(campaign, rule_examples, deadline)
        fuzz_bytes(campaign, min(60.0, max(0.0, deadline - time.monotonic())), rng)
    print(
        f"fuzz: {rounds} round(s), {campaign.cases} cases in {minutes:g} min, "
        f"{len(campaign.problems)} problem(s)"
    )
    for line in campaign.problems:
        print(f"  {line}")
    return campaign


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rule-examples", type=int, default=100, help="Hypothesis examples per rule per round"
    )
    args = parser.parse_args(argv)
    return 1 if run(args.minutes, args.seed, args.rule_examples).problems else 0


if __name__ == "__main__":
    sys.exit(main())
