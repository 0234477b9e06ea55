"""Test helpers around the fake ARM: serve a fixture, run the real CLI against it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from amlaudit import armid
from amlaudit.snapshot import load
from conftest import FIXTURES, Run, run_cli
from fakearm.server import FakeArm


def fixture_resources(name: str) -> list[dict[str, Any]]:
    """The raw ARM JSON of a fixture, whatever shape the file has."""
    return [r.raw for r in load([str(FIXTURES / name)]).resources]


def subscriptions_of(resources: list[dict[str, Any]]) -> list[str]:
    return sorted({s for r in resources if (s := armid.subscription_id(r["id"]))})


@contextmanager
def serving(resources: list[dict[str, Any]], directory: Path, **kwargs: Any) -> Iterator[FakeArm]:
    with FakeArm(resources, directory, **kwargs) as arm:
        yield arm


def live(
    arm: FakeArm, *args: str, subscriptions: Sequence[str] = (), env: dict[str, str] | None = None
) -> Run:
    """`amlaudit <args>` in a subprocess, pointed at the fake with a bearer token."""
    scope = [arg for sub in subscriptions for arg in ("--subscription", sub)]
    return run_cli(*args, *arm.args(), *scope, env={**arm.env(), **(env or {})})


def export(
    arm: FakeArm, out: Path, *args: str, subscriptions: Sequence[str] = ()
) -> tuple[Run, dict[str, Any]]:
    run = live(arm, "export", "-o", str(out), *args, subscriptions=subscriptions)
    document = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return run, document


def by_id(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {armid.key(r["id"]): r for r in resources}


def main_in_process(
    arm: FakeArm,
    monkeypatch: Any,
    capsys: Any,
    *args: str,
    subscriptions: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> Run:
    """The real CLI entry point in this process (no interpreter start-up): faster for the
    many fault scenarios; the subprocess tests cover the process boundary."""
    from amlaudit.cli import main

    for name, value in {**arm.env(), "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}.items():
        monkeypatch.setenv(name, value)
    scope = [arg for sub in subscriptions for arg in ("--subscription", sub)]
    capsys.readouterr()
    code = main([*args, *arm.args(), *scope])
    out = capsys.readouterr()
    return Run(code, out.out, out.err)
