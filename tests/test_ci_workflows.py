"""The nightly drift workflows in docs/ci/ are valid YAML with the steps the docs promise.

They cannot run here (no Azure tenant, no hosted runner); this checks what can be checked
offline: the YAML parses, it is scheduled, it exports, keeps the snapshot as an artifact,
diffs the previous one with options `amlaudit diff` accepts, and publishes the Markdown.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from amlaudit.app import build_parser
from conftest import ROOT

CI = ROOT / "docs" / "ci"


def load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((CI / name).read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def scripts(steps: list[dict[str, Any]]) -> str:
    out = []
    for step in steps:
        out.append(str(step.get("run") or step.get("script") or ""))
        out.append(str((step.get("inputs") or {}).get("inlineScript") or ""))
    return "\n".join(out)


def diff_invocations(text: str) -> list[list[str]]:
    """`amlaudit diff ...` commands with their continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("amlaudit diff "):
            found.append(shlex.split(line.replace("$", "X"))[2:])
    return found


def test_github_nightly_exports_keeps_and_diffs() -> None:
    workflow = load("nightly-drift-github.yml")
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["schedule"][0]["cron"]
    assert workflow["permissions"]["id-token"] == "write"
    steps = workflow["jobs"]["drift"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("azure/login@") for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    text = scripts(steps)
    assert "amlaudit export" in text and "gh run download" in text
    assert "GITHUB_STEP_SUMMARY" in text and "gh issue comment" in text


def test_azure_pipelines_nightly_exports_keeps_and_diffs() -> None:
    pipeline = load("nightly-drift-azure-pipelines.yml")
    assert pipeline["schedules"][0]["always"] is True
    tasks = [s.get("task", "") for s in pipeline["steps"]]
    assert "DownloadPipelineArtifact@2" in tasks and "PublishPipelineArtifact@1" in tasks
    text = scripts(pipeline["steps"])
    assert "amlaudit export" in text and "##vso[task.uploadsummary]" in text


@pytest.mark.parametrize("name", ["nightly-drift-github.yml", "nightly-drift-azure-pipelines.yml"])
def test_the_diff_command_lines_parse(name: str) -> None:
    document = load(name)
    steps = document["steps"] if "steps" in document else document["jobs"]["drift"]["steps"]
    invocations = diff_invocations(scripts(steps))
    assert invocations, "the workflow runs amlaudit diff"
    parser = build_parser()
    for argv in invocations:
        args = parser.parse_args(["diff", *argv])
        assert {o.split(":", 1)[0] for o in args.output} >= {"markdown", "json"}


def test_docs_say_the_workflows_cannot_run_here() -> None:
    text = (CI / "README.md").read_text("utf-8")
    assert "cannot run in this repository's test environment" in text
    assert Path(CI / "nightly-drift-github.yml").name in text
