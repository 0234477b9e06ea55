"""The live command-line surface: scopes, discovery, credentials, clouds, lazy imports, usage."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from amlaudit import armid
from amlaudit.collect.clouds import resolve_cloud
from amlaudit.collect.credentials import AuthMethod, StaticTokenCredential, make_credential
from amlaudit.collect.progress import Progress
from amlaudit.errors import AmlauditError, UsageError
from conftest import FIXTURES, ROOT, run_cli
from fakearm.harness import (
    by_id,
    fixture_resources,
    live,
    main_in_process,
    serving,
    subscriptions_of,
)

SUB = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["scan", "--help"],
        ["export", "--help"],
        ["scan", "--snapshot", str(FIXTURES / "demo.json"), "-o", "json:/dev/null"],
    ],
)
def test_offline_paths_import_no_azure_module(argv: list[str]) -> None:
    code = (
        "import sys\nfrom amlaudit.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m == 'azure' or m.startswith('azure.')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stderr


@pytest.mark.parametrize(
    ("argv", "env", "needle"),
    [
        (["export"], {}, "nothing to export"),
        (["scan", "--snapshot", "x.json", "--subscription", SUB], {}, "not both"),
        (["export", "--subscription", "not-a-guid"], {}, "not a subscription ID"),
        (
            ["export", "--subscription", SUB, "--auth", "token"],
            {"AMLAUDIT_ACCESS_TOKEN": ""},
            "AMLAUDIT_ACCESS_TOKEN",
        ),
        (["export", "--subscription", SUB, "--arm-endpoint", "http://127.0.0.1:1"], {}, "https"),
        (["export", "--subscription", SUB, "--concurrency", "0"], {}, "--concurrency"),
        (
            ["export", "--subscription", SUB, "--auth", "env"],
            {"AZURE_CLIENT_ID": "", "AZURE_TENANT_ID": "", "AZURE_CLIENT_SECRET": ""},
            "--auth env: ",
        ),
        (
            ["export", "--subscription", SUB, "--client-secret", "s3cret"],
            {},
            "unrecognized arguments",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    argv: list[str], env: dict[str, str], needle: str
) -> None:
    run = run_cli(*argv, env=env)
    assert run.code == 2
    assert needle in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_subscriptions_file_with_comments(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    resources = fixture_resources("demo.json")
    first, second = subscriptions_of(resources)
    listing = tmp_path / "subs.txt"
    listing.write_text(f"# shard 1 of 2\n{first}  # prod\n\n{second.upper()}\n", encoding="utf-8")
    with serving(resources, tmp_path) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "o.json"),
            "--subscriptions-file",
            str(listing),
        )
    assert run.code == 0, run.stderr
    assert json.loads((tmp_path / "o.json").read_text())["source"]["subscriptions"] == [
        first,
        second,
    ]


def test_bad_subscriptions_file_names_the_line(tmp_path: Path) -> None:
    listing = tmp_path / "subs.txt"
    listing.write_text(f"{SUB}\nnot-a-sub\n", encoding="utf-8")
    run = run_cli("export", "--subscriptions-file", str(listing))
    assert run.code == 2
    assert "line 2" in run.stderr


def test_all_subscriptions_lists_what_the_identity_sees(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    resources = fixture_resources("demo.json")
    with serving(resources, tmp_path) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "o.json"),
            "--all-subscriptions",
        )
        paths = [r.path for r in arm.log]
    assert run.code == 0, run.stderr
    assert "/subscriptions" in paths
    document = json.loads((tmp_path / "o.json").read_text())
    assert document["source"]["subscriptions"] == subscriptions_of(resources)
    assert set(by_id(document["resources"])) >= set(by_id(resources))


def test_management_group_and_graph_discovery_skip_subscriptions_without_ml(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    resources = fixture_resources("demo.json")
    empty = [f"00000000-0000-0000-0000-{n:012d}" for n in range(12)]
    groups = {"mg-ml": [*subscriptions_of(resources), *empty]}
    with serving(
        resources, tmp_path, page_size=3, extra_subscriptions=empty, management_groups=groups
    ) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "o.json"),
            "--management-group",
            "mg-ml",
        )
        graph = [r for r in arm.log if r.method == "POST"]
        touched = {armid.subscription_id(r.path) for r in arm.log if r.method == "GET"}
        writes = arm.writes()
    assert run.code == 0, run.stderr
    assert writes == []
    assert len(graph) >= 3  # paged with $skipToken
    assert not touched & set(empty)  # no ARM request to a subscription without ML
    document = json.loads((tmp_path / "o.json").read_text())
    assert document["source"]["subscriptions_without_ml"] == 12
    assert document["source"]["discovery"] == "resource-graph"
    assert set(by_id(document["resources"])) >= set(by_id(resources))


def test_requested_subscription_invisible_to_graph_and_unreadable_is_an_error(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    resources = fixture_resources("hardened.json")
    ghost = "99999999-9999-9999-9999-999999999999"
    with serving(resources, tmp_path) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "o.json"),
            "--discovery",
            "graph",
            subscriptions=[*subscriptions_of(resources), ghost],
        )
    assert run.code == 3
    errors = json.loads((tmp_path / "o.json").read_text())["errors"]
    assert [(e["scope"], e["status"]) for e in errors] == [(f"/subscriptions/{ghost}", "404")]
    assert "not listed by Resource Graph" in errors[0]["message"]


def test_resource_group_narrows_the_lists(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    resources = fixture_resources("demo.json")
    workspace = next(r for r in resources if r["type"].lower().endswith("/workspaces"))
    group = armid.resource_group(workspace["id"])
    with serving(resources, tmp_path) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "o.json"),
            "--resource-group",
            str(group),
            subscriptions=subscriptions_of(resources),
            env={},
        )
    workspaces = [
        r["id"]
        for r in json.loads((tmp_path / "o.json").read_text())["resources"]
        if r["type"].lower().endswith("/workspaces")
    ]
    assert run.code in (0, 3), run.stderr
    assert workspace["id"] in workspaces
    assert all(armid.resource_group(w) == group for w in workspaces if "hub" not in w)


def test_live_cli_subprocess_uses_the_ca_bundle(tmp_path: Path) -> None:
    resources = fixture_resources("rules/AML001/pass.json")
    with serving(resources, tmp_path) as arm:
        run = live(
            arm, "export", "-o", str(tmp_path / "o.json"), subscriptions=subscriptions_of(resources)
        )
        without_ca = run_cli(
            "export",
            *arm.args(),
            "-o",
            str(tmp_path / "x.json"),
            "--subscription",
            subscriptions_of(resources)[0],
            env={**arm.env(), "REQUESTS_CA_BUNDLE": "", "AMLAUDIT_RETRIES": "0"},
        )
    assert run.code == 0, run.stderr
    assert without_ca.code == 3  # the throw-away certificate is not trusted without the bundle
    assert "connection" in json.loads((tmp_path / "x.json").read_text())["errors"][0]["status"]


@pytest.mark.parametrize("method", list(AuthMethod))
def test_every_auth_method_is_handled(method: AuthMethod, monkeypatch: Any) -> None:
    for name in (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_CLIENT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMLAUDIT_ACCESS_TOKEN", "header.payload.signature")
    cloud = resolve_cloud("public")
    try:
        credential = make_credential(method, cloud, tenant=SUB, client_id=SUB)
    except AmlauditError as exc:
        assert exc.exit_code == 2 and str(exc)
        return
    assert hasattr(credential, "get_token")


def test_static_token_reads_jwt_expiry_and_hides_itself() -> None:
    token = "eyJhbGciOiJub25lIn0.eyJleHAiOjE5MDAwMDAwMDB9.c2ln"
    credential = StaticTokenCredential(token)
    assert credential.get_token("scope").expires_on == 1900000000
    assert token not in repr(credential)


@pytest.mark.parametrize(
    ("name", "endpoint"),
    [
        ("public", "https://management.azure.com"),
        ("AzureCloud", "https://management.azure.com"),
        ("AzureChinaCloud", "https://management.chinacloudapi.cn"),
        ("usgov", "https://management.usgovcloudapi.net"),
    ],
)
def test_clouds_and_aliases(name: str, endpoint: str) -> None:
    assert resolve_cloud(name).arm_endpoint == endpoint
    proxied = resolve_cloud(name, "https://arm-proxy.internal/")
    assert proxied.arm_endpoint == "https://arm-proxy.internal"
    assert proxied.token_scope == f"{endpoint}/.default"
    with pytest.raises(UsageError):
        resolve_cloud("mooncake")


def test_progress_draws_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    drawn, piped = Tty(), io.StringIO()
    for stream in (drawn, piped):
        progress = Progress(stream)
        progress.update(3, 7, 12, 0)
        progress.finish()
    assert "3/10 requests" in drawn.getvalue()
    assert piped.getvalue() == ""


def test_https_proxy_and_no_proxy_are_honoured(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    resources = fixture_resources("rules/AML001/pass.json")
    subs = subscriptions_of(resources)
    dead_proxy = {"HTTPS_PROXY": "http://127.0.0.1:9", "AMLAUDIT_RETRIES": "0"}
    with serving(resources, tmp_path) as arm:
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        through_proxy = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "a.json"),
            subscriptions=subs,
            env=dead_proxy,
        )
        seen_through_proxy = len(arm.log)
        bypassed = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "b.json"),
            subscriptions=subs,
            env={**dead_proxy, "NO_PROXY": "127.0.0.1"},
        )
    assert through_proxy.code == 3 and seen_through_proxy == 0  # every request went to the proxy
    assert bypassed.code == 0, bypassed.stderr


def test_resource_graph_quota_headers_pace_queries(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    resources = fixture_resources("hardened.json")
    empty = [f"00000000-0000-0000-0000-{n:012d}" for n in range(12)]
    with serving(resources, tmp_path, page_size=4, extra_subscriptions=empty, graph_quota=0) as arm:
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "export",
            "-o",
            str(tmp_path / "o.json"),
            subscriptions=[*subscriptions_of(resources), *empty],
        )
        posts = [r for r in arm.log if r.method == "POST"]
    assert run.code == 0, run.stderr
    assert len(posts) >= 3
    gaps = [later.started - earlier.ended for earlier, later in pairwise(posts)]
    assert min(gaps) >= 0.45  # quota exhausted: wait for the reset (capped at 0.5 s in tests)
