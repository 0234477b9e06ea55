"""The bad-input corpus through the real CLI: each case ends in a clean result, an `error`
finding, or exit 2 with one clear line — never a traceback, never a silent pass.

Cases are built by tests/corpus/cases.py; their expected outcomes live in
tests/corpus/expected.toml. The CLI runs in process (`amlaudit.cli.main`, the same code path
as the console script) to keep ~100 scans fast; tests/test_core_cli.py covers subprocess runs.
"""

from __future__ import annotations

import json
import random
import re
import time
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from amlaudit.cli import main
from amlaudit.reports import FORMATS
from corpus.cases import CASES, WS_ID, write_case

EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "corpus" / "expected.toml").read_text(encoding="utf-8")
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.err


def test_every_case_has_an_expectation_and_the_corpus_is_large() -> None:
    assert sorted(CASES) == sorted(EXPECTED)
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = EXPECTED[name]
    snapshot = write_case(name, tmp_path)
    report, text = tmp_path / "report.json", tmp_path / "report.txt"
    code, err = run(
        capsys,
        "scan",
        "--snapshot",
        str(snapshot),
        "-o",
        f"json:{report}",
        "-o",
        f"text:{text}",
        *expected.get("args", []),
    )
    assert "Traceback" not in err
    assert code == expected["exit"], err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("amlaudit: error: ") and str(snapshot) in lines[0]
        assert expected["stderr"] in lines[0]
        assert not report.exists() and not text.exists()
        return
    if "stderr" in expected:
        assert expected["stderr"] in err
    raw_report = report.read_text(encoding="utf-8")
    document = json.loads(raw_report)
    rendered = text.read_text(encoding="utf-8")
    # No terminal escape, bidi override or workflow-command line reaches any output.
    decoded = json.dumps(document, ensure_ascii=False)
    for output in (rendered, decoded):
        assert not re.search("[\x1b\u202e]", output)
        assert not any(line.lstrip().startswith("::") for line in output.splitlines())
    if "report_contains" in expected:
        assert expected["report_contains"] in raw_report
    findings = document["findings"]
    for rule_id in expected.get("error", []):
        mine = [f for f in findings if f["rule_id"] == rule_id]
        assert mine, f"{rule_id} judged nothing"
        assert {f["status"] for f in mine} == {"error"}, [(f["status"], f["message"]) for f in mine]
        assert {f["resource_id"] for f in mine} <= {g["resource_id"] for g in document["coverage"]}
        # One entry per rule, or one per resource naming every rule it affected.
        assert any(
            g["rule_id"] == rule_id or (g["rule_id"] is None and rule_id in g["reason"])
            for g in document["coverage"]
        )
    errors = [f for f in findings if f["status"] == "error"]
    if errors or document["errors"]:
        assert "Incomplete" in rendered
        assert not document["summary"]["complete"]
    assert len(document["errors"]) >= expected.get("collection_errors", 0)
    assert len(document["errors"]) <= expected.get("max_collection_errors", len(document["errors"]))
    if "workspaces" in expected:
        assert document["summary"]["workspaces"] == expected["workspaces"]
    if "coverage" in expected:
        assert any(expected["coverage"] in json.dumps(g) for g in document["coverage"])
    if "name" in expected:
        names = {f["resource_name"] for f in findings if f["resource_type"].endswith("workspaces")}
        assert names == {expected["name"]}


# Cases whose unjudged resources every report format must show, with the name it must print.
UNJUDGED = {
    "properties-null": "mlw-corpus",
    "duplicate-conflicting": "mlw-corpus",
    "id-control-characters": "mlw\ufffd\ufffd[31m",
}


@pytest.mark.parametrize("name", sorted(UNJUDGED))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_hostile_cases_and_shows_what_was_not_judged(
    name: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = write_case(name, tmp_path)
    out = tmp_path / f"report.{fmt}"
    code, err = run(capsys, "scan", "--snapshot", str(snapshot), "-o", f"{fmt}:{out}")
    assert code in (0, 3) and "Traceback" not in err, err
    body = out.read_text(encoding="utf-8")
    assert "\x1b" not in body and "\x00" not in body
    if fmt in ("json", "sarif"):
        json.loads(body)
    if fmt == "junit":
        ET.fromstring(body)
    if name != "id-control-characters":
        assert UNJUDGED[name] in body
        if fmt == "text":
            assert "Incomplete" in body
        if fmt == "json":
            assert any(g["resource_id"] == WS_ID for g in json.loads(body)["coverage"])


def test_missing_and_unreadable_paths_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for target, message in ((tmp_path / "absent.json", "no such file"), (tmp_path, "directory")):
        code, err = run(capsys, "scan", "--snapshot", str(target))
        assert code == 2 and len(err.strip().splitlines()) == 1 and message in err


def test_fuzz_smoke(tmp_path: Path) -> None:
    """A few seconds of both fuzzing campaigns (the long run is fuzz/fuzz_scan.py)."""
    from fuzz import fuzz_scan

    campaign = fuzz_scan.Campaign(tmp_path)
    fuzz_scan.fuzz_rules(campaign, examples=2, deadline=time.monotonic() + 4)
    fuzz_scan.fuzz_bytes(campaign, seconds=4, rng=random.Random(7))
    assert campaign.cases > 5
    assert not campaign.problems, campaign.problems


def test_corpus_messages_never_quote_python_internals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("top-null", "array-with-null", "huge-int-10k-digits"):
        _, err = run(capsys, "scan", "--snapshot", str(write_case(name, tmp_path)))
        assert not re.search(r"NoneType|sys\.set_int_max_str_digits|Exception", err), err
