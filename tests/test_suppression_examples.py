"""The suppression examples people copy (README.md and docs/ci/README.md) are one and the same
and load as written once the placeholder date is filled in."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli

PLACEHOLDER = "YYYY-MM-DD"
DOCS = ("README.md", "docs/ci/README.md")


def example(document: str) -> str:
    text = (ROOT / document).read_text("utf-8")
    blocks = re.findall(r"^( *)```yaml\n(.*?)^\1```", text, re.DOTALL | re.MULTILINE)
    found = [textwrap.dedent(body) for _, body in blocks if "suppressions:" in body]
    assert len(found) == 1, f"{document}: expected one suppressions example"
    return found[0]


def test_the_examples_are_identical() -> None:
    assert example(DOCS[0]) == example(DOCS[1])
    assert f"expires: {PLACEHOLDER}" in example(DOCS[0])


@pytest.mark.parametrize("document", DOCS)
def test_each_example_loads_with_a_date_filled_in(document: str, tmp_path: Path) -> None:
    path = tmp_path / "suppressions.yaml"
    path.write_text(example(document).replace(PLACEHOLDER, "2026-03-31"), "utf-8")
    demo = str(FIXTURES / "demo.json")
    run = run_cli("scan", "--snapshot", demo, "--suppressions", str(path), "-o", "json")
    assert run.code == 1, run.stderr  # valid: the demo still fails; nothing in rg-partner-*
    assert f"{path}: entry 1 (SUP-0001): matched no failing finding" in run.stderr
    # As written, the placeholder is refused with one clear line (exit 2).
    path.write_text(example(document), "utf-8")
    refused = run_cli("scan", "--snapshot", demo, "--suppressions", str(path), "-o", "json")
    assert refused.code == 2 and "is not a date (YYYY-MM-DD)" in refused.stderr
