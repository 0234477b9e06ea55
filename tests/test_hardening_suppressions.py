"""Issue 12, items 6, 7, 13 and 18: suppressions that are types, not strings; that expire
everywhere (scan, baseline, gate, merge); and a merge that does not depend on argument order.

Runs the real CLI in process on the demo estate (fixtures/demo.json, see fixtures/README.md for
the public examples its shapes follow). 1767225600 is 2026-01-01; 1769904000 is 2026-02-01.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amlaudit.cli import main
from conftest import FIXTURES

DEMO = str(FIXTURES / "demo.json")
JANUARY, FEBRUARY = "1767225600", "1769904000"
ENTRY = """- rule: AML001
  resource: "*"
  justification: accepted until the private endpoints land
  owner: platform-team
  expires: 2026-01-10
"""


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], when: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", when)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def suppressed_in_january(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A JSON and a SARIF report of AML001 written while its suppression was active."""
    entries = tmp_path / "suppressions.yaml"
    entries.write_text(ENTRY, encoding="utf-8")
    code, _, err = _run(
        monkeypatch,
        capsys,
        JANUARY,
        "scan",
        "--snapshot",
        DEMO,
        "--select",
        "AML001",
        "--suppressions",
        str(entries),
        "-o",
        f"json:{tmp_path / 'january.json'}",
        "-o",
        f"sarif:{tmp_path / 'january.sarif'}",
        "--sarif-include-suppressed",
    )
    assert code == 0, err  # every AML001 failure is suppressed
    return tmp_path


def test_a_baseline_does_not_keep_an_expired_suppression_alive(
    suppressed_in_january: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = suppressed_in_january
    code, _, err = _run(
        monkeypatch,
        capsys,
        FEBRUARY,
        "scan",
        "--snapshot",
        DEMO,
        "--select",
        "AML001",
        "--suppressions",
        str(base / "suppressions.yaml"),
        "--baseline",
        str(base / "january.json"),
        "-o",
        f"json:{base / 'february.json'}",
    )
    assert code == 1, err
    report = json.loads((base / "february.json").read_text(encoding="utf-8"))
    failing = [f for f in report["findings"] if f["status"] == "fail"]
    assert failing and {f["baseline_state"] for f in failing} == {"new"}
    assert "expired on 2026-01-10" in err


@pytest.mark.parametrize("report", ["january.json", "january.sarif"])
def test_gate_ignores_suppression_records_that_have_expired(
    report: str,
    suppressed_in_january: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(suppressed_in_january / report)
    code, out, err = _run(monkeypatch, capsys, JANUARY, "gate", path)
    assert code == 0, out + err
    code, out, err = _run(monkeypatch, capsys, FEBRUARY, "gate", path)
    assert code == 1, out + err
    assert "expired on 2026-01-10" in err


def test_merge_drops_expired_records_and_is_independent_of_argument_order(
    suppressed_in_january: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = suppressed_in_january
    _run(
        monkeypatch,
        capsys,
        JANUARY,
        "scan",
        "--snapshot",
        DEMO,
        "--select",
        "AML001",
        "-o",
        f"json:{base / 'plain.json'}",
    )
    merged = []
    for order in (("january.json", "plain.json"), ("plain.json", "january.json")):
        out = base / f"merged-{order[0]}"
        code, _, err = _run(
            monkeypatch,
            capsys,
            JANUARY,
            "merge",
            *(str(base / n) for n in order),
            "-o",
            f"json:{out}",
        )
        assert code == 0, err
        merged.append(out.read_text(encoding="utf-8"))
    assert merged[0] == merged[1]
    document = json.loads(merged[0])
    assert not any(f["suppressed"] for f in document["findings"])  # the stricter state wins
    assert any("shards disagree" in w for w in document["warnings"])
    out = base / "merged-february.json"
    code, _, err = _run(
        monkeypatch, capsys, FEBRUARY, "merge", str(base / "january.json"), "-o", f"json:{out}"
    )
    assert code == 0, err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert not any(f["suppressed"] for f in document["findings"])


BOMB = """a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
suppressions:
  - rule: AML001
    resource: "*"
    justification: j
    owner: o
    expires: 2026-01-10
    ticket: *d
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, "aliases"),
        (ENTRY.replace("2026-01-10", "2026-02-30"), "day is out of range"),
        (ENTRY + "  ticket: {nested: [1, 2]}\n", "ticket must be a string or an integer"),
        (ENTRY.replace("owner: platform-team", "owner: [a, b]"), "owner must be a string"),
        (ENTRY.replace("2026-01-10", "[2026-01-10]"), "expires must be a date"),
        (ENTRY + "  id: {a: 1}\n", "id must be a string or an integer"),
    ],
)
def test_wrong_field_types_and_aliases_are_input_errors(
    text: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entries = tmp_path / "s.yaml"
    entries.write_text(text, encoding="utf-8")
    code, _, err = _run(
        monkeypatch, capsys, JANUARY, "scan", "--snapshot", DEMO, "--suppressions", str(entries)
    )
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert message in err


def test_an_integer_ticket_and_a_huge_horizon_are_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "amlaudit.toml").write_text("max-suppression-days = 99999999999\n", "utf-8")
    entries = tmp_path / "s.yaml"
    entries.write_text(ENTRY + "  ticket: 4711\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(
        monkeypatch,
        capsys,
        JANUARY,
        "scan",
        "--snapshot",
        DEMO,
        "--select",
        "AML001",
        "--suppressions",
        str(entries),
        "-o",
        f"json:{tmp_path / 'r.json'}",
    )
    assert code == 0, err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    tickets = {f["suppression"]["ticket"] for f in report["findings"] if f["suppressed"]}
    assert tickets == {"4711"}


EVIL = """from pathlib import Path

Path(__file__).with_name("ran.txt").write_text("imported", encoding="utf-8")
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.amlaudit]\nrules-path = ["evil"]\n'),
        ("amlaudit.toml", 'rules-path = ["evil"]\n'),
    ],
)
@pytest.mark.parametrize("command", [["rules"], ["scan", "--snapshot", DEMO]])
def test_rules_path_from_a_discovered_config_never_runs_code(
    name: str,
    text: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A scanned checkout that ships `rules-path` must not get its Python imported (item 8);
    the same file passed with --config is the user's choice and loads."""
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "evil.py").write_text(EVIL, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(monkeypatch, capsys, JANUARY, *command)
    assert code == 2 and "--config" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "evil" / "ran.txt").exists()
    if name == "amlaudit.toml":
        _run(monkeypatch, capsys, JANUARY, command[0], "--config", name, *command[1:])
        assert (tmp_path / "evil" / "ran.txt").exists()


@pytest.mark.parametrize("allow_empty", [False, True])
def test_gate_judges_the_sarif_and_the_json_of_an_empty_scan_alike(
    allow_empty: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item 10: the SARIF of a scan that found no workspace carries the incompleteness."""
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    code, _, err = _run(
        monkeypatch,
        capsys,
        JANUARY,
        "scan",
        "--snapshot",
        str(empty),
        "-o",
        f"json:{tmp_path / 'r.json'}",
        "-o",
        f"sarif:{tmp_path / 'r.sarif'}",
    )
    assert code == 3, err
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert any(n["level"] == "error" for n in invocation["toolExecutionNotifications"])
    flags = ["--allow-empty"] if allow_empty else []
    codes = {
        name: _run(monkeypatch, capsys, JANUARY, "gate", str(tmp_path / name), *flags)[0]
        for name in ("r.json", "r.sarif")
    }
    assert codes == {"r.json": 0 if allow_empty else 3, "r.sarif": 0 if allow_empty else 3}


DEEP = 100_000


@pytest.mark.parametrize(
    "document",
    [
        '{"schema_version": 1, "findings": [' + "[" * DEEP + "]" * DEEP + "]}",
        '{"version": "2.1.0", "runs": [' + "[" * DEEP + "]" * DEEP + "]}",
    ],
    ids=["json", "sarif"],
)
@pytest.mark.parametrize("command", ["gate", "merge", "baseline"])
def test_a_deeply_nested_report_is_an_input_error(
    document: str,
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item 13: RecursionError was exit 4; a report is input like a snapshot is."""
    report = tmp_path / "deep.json"
    report.write_text(document, encoding="utf-8")
    args = {
        "gate": ["gate", str(report)],
        "merge": ["merge", str(report)] + (["-o", "sarif"] if "runs" in document else []),
        "baseline": ["scan", "--snapshot", DEMO, "--baseline", str(report)],
    }[command]
    code, _, err = _run(monkeypatch, capsys, JANUARY, *args)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "nested too deeply" in err
