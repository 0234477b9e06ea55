"""`amlaudit access` through the real CLI: formats, exit codes, escaping, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import access_estate as e
from conftest import FIXTURES, ROOT, run_cli

ALICE = "aaaaaaaa-1111-4111-8111-000000000001"


def write(tmp_path: Path, resources: list[dict[str, object]]) -> str:
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(resources), encoding="utf-8")
    return str(path)


def test_every_format_on_the_demo_estate(tmp_path: Path) -> None:
    outputs = {fmt: tmp_path / f"access.{fmt}" for fmt in ("json", "markdown", "html")}
    run = run_cli(
        "access",
        "--snapshot",
        str(FIXTURES / "demo.json"),
        *[a for fmt, p in outputs.items() for a in ("-o", f"{fmt}:{p}")],
        "-o",
        "text",
    )
    assert run.code == 0, run.stderr
    assert "read training data [data-read]" in run.stdout and "What ARM cannot tell" in run.stdout
    document = json.loads(outputs["json"].read_text(encoding="utf-8"))
    assert document["format"] == "amlaudit-access" and document["complete"] is True
    assert len(document["workspaces"]) == 6
    assert "| principal | type | data-read |" in outputs["markdown"].read_text(encoding="utf-8")
    html = outputs["html"].read_text(encoding="utf-8")
    assert '<section id="access">' in html and "Content-Security-Policy" in html


def test_ambiguous_workspace_name_is_exit_2_listing_them(tmp_path: Path) -> None:
    path = write(tmp_path, [*e.basic(e.SUB_A, "mlw-x", "sta"), *e.basic(e.SUB_B, "mlw-x", "stb")])
    run = run_cli("access", "--snapshot", path, "--workspace", "mlw-x")
    assert run.code == 2
    assert run.stderr.count("\n") == 1
    assert e.SUB_A in run.stderr and e.SUB_B in run.stderr
    by_id = run_cli(
        "access",
        "--snapshot",
        path,
        "--workspace",
        f"{e.rg(e.SUB_B)}/providers/Microsoft.MachineLearningServices/workspaces/mlw-x",
        "-o",
        "json",
    )
    assert [w["id"].split("/")[2] for w in by_id.json()["workspaces"]] == [e.SUB_B]


def test_unknown_role_exits_3(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [*e.basic(), e.assignment(e.rg(e.SUB_A), "99999999-9999-4999-8999-999999999999", ALICE)],
    )
    run = run_cli("access", "--snapshot", path)
    assert run.code == 3
    assert "unknown-role" in run.stdout


def test_hostile_role_name_is_escaped_and_output_is_deterministic(tmp_path: Path) -> None:
    role = "12121212-3434-4545-8989-000000000009"
    hostile = e.custom_role(e.SUB_A, role, "<script>alert(1)</script>\x1b[31m", ["*"])
    path = write(tmp_path, [*e.basic(), hostile, e.assignment(e.rg(e.SUB_A), role, ALICE)])
    first = run_cli("access", "--snapshot", path, "-o", "html")
    second = run_cli("access", "--snapshot", path, "-o", "html")
    assert first.code == 0 and first.stdout == second.stdout
    text = run_cli("access", "--snapshot", path, "-o", "text").stdout
    assert "\x1b" not in text
    markdown = run_cli("access", "--snapshot", path, "-o", "markdown").stdout
    assert "<script>" not in markdown
    as_json = run_cli("access", "--snapshot", path, "-o", "json").json()
    roles = {g["role"] for c in as_json["workspaces"][0]["capabilities"] for g in c["grants"]}
    assert "<script>alert(1)</script>\ufffd[31m" in roles


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    missing = run_cli("access", "--snapshot", str(tmp_path / "nope.json"))
    assert missing.code == 2 and missing.stderr.count("\n") == 1
    nothing = run_cli("access")
    assert nothing.code == 2 and "--snapshot" in nothing.stderr
    bad_format = run_cli("access", "--snapshot", str(FIXTURES / "demo.json"), "-o", "sarif")
    assert bad_format.code == 2


def test_scan_access_adds_a_collapsed_access_section_to_the_html_report(tmp_path: Path) -> None:
    with_access, without = tmp_path / "with.html", tmp_path / "without.html"
    demo = str(FIXTURES / "demo.json")
    run_cli("scan", "--snapshot", demo, "--access", "-o", f"html:{with_access}")
    run_cli("scan", "--snapshot", demo, "-o", f"html:{without}")
    page = with_access.read_text(encoding="utf-8")
    assert '<section id="access">' in page and '<details class="access">' in page
    assert '<a href="#access">Access</a>' in page
    section = page.split('<section id="access">', 1)[1].split("</section>", 1)[0]
    assert "mlw-forecast-prod" in section
    assert "style=" not in section and "<script" not in section  # the page's CSP allows neither
    assert '<section id="access">' not in without.read_text(encoding="utf-8")


def test_json_follows_the_documented_contract(tmp_path: Path) -> None:
    import jsonschema

    from amlaudit.access.capabilities import CAPABILITIES

    schema = json.loads((ROOT / "auditor/amlaudit/schemas/access.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    unknown = "99999999-9999-4999-8999-999999999999"
    rich = write(
        tmp_path,
        [
            *e.basic(),
            e.assignment(e.rg(e.SUB_A), unknown, ALICE),
            e.eligibility(f"/subscriptions/{e.SUB_A}", e.OWNER, ALICE),
        ],
    )
    for snapshot in (str(FIXTURES / "demo.json"), rich):
        document = run_cli("access", "--snapshot", snapshot, "-o", "json").json()
        validator.validate(document)
    ids = schema["$defs"]["workspace"]["properties"]["capabilities"]["items"]["properties"]["id"]
    assert ids["enum"] == [c.id for c in CAPABILITIES]
