"""A contributor's first rule, end to end, in a temporary copy of the repository: scaffold it,
fill its TODOs as the README's "Adding a rule, step by step" says, run the one regeneration
command, and the rule meta-tests, fixture tests, read-path tests and drift tests (catalog,
golden reports) pass there on the first run.

The rule judges `properties.enableDataIsolation`, a workspace setting no rule reads yet; its
fixtures follow the public example
`specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/
stable/2024-10-01/examples/Workspace/get.json` of Azure/azure-rest-api-specs (2024-10-01).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

RULE_ID = "AML015"
NAME = "workspace-data-isolation-disabled"
WS_TYPE = "Microsoft.MachineLearningServices/workspaces"
SKIP = {".git", "__pycache__", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache"}

FILLED_DOC = '''    """
    ## What it checks
    `properties.enableDataIsolation` must be `true`. Absent means the service default, `false`.

    ## Why it matters
    Without data isolation, the workspace's dependent storage and registry keep the data of
    every workspace that shares them side by side.

    ## How to fix
    The flag can only be set when the workspace is created.

    ```bash
    az ml workspace create --name <workspace> --resource-group <rg> --enable-data-isolation true
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
      name: name
      location: location
      properties: { enableDataIsolation: true }
    }
    ```
    """
    value = res.bool("properties.enableDataIsolation")
    if value is True:
        return passed("data isolation is enabled")
    return failed(
        "data isolation is not enabled",
        path="properties.enableDataIsolation",
        expected=True,
        actual=value,
    )
'''


def _copy(target: Path) -> Path:
    def ignore(_: str, names: list[str]) -> list[str]:
        return [name for name in names if name in SKIP or name.endswith(".pyc")]

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(repo / "auditor"), "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run(
        [sys.executable, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )


def _fill_module(module: Path) -> None:
    """The TODOs of the scaffold, filled as the README lists them."""
    text = module.read_text("utf-8")
    text = re.sub(
        r'title="TODO[^"]*"',
        'title="Azure ML workspaces isolate their data in shared storage"',
        text,
    )
    text = text.replace(
        'controls=["MCSB-v1:TODO", "ASB-v1:TODO"]', 'controls=["MCSB-v1:DP-2", "ASB-v1:4.3"]'
    )
    text = text.replace(
        "references=[]",
        'references=["https://learn.microsoft.com/azure/machine-learning/concept-workspace"]',
    )
    head, _, _ = text.partition('    """\n    ## What it checks')
    text = head + FILLED_DOC
    assert "TODO" not in text
    module.write_text(text, "utf-8")


def _workspace(isolated: bool) -> dict[str, object]:
    return {
        "id": "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/workspace-1234"
        f"/providers/{WS_TYPE}/testworkspace",
        "name": "testworkspace",
        "type": WS_TYPE,
        "location": "eastus2euap",
        "kind": "Default",
        "identity": {"type": "SystemAssigned", "principalId": "00000000-1111-2222-3333-444444444444",
                     "tenantId": "00000000-1111-2222-3333-444444444444"},
        "sku": {"name": "Basic", "tier": "Basic"},
        "properties": {"friendlyName": "HelloName", "enableDataIsolation": isolated,
                       "publicNetworkAccess": "Disabled", "provisioningState": "Succeeded"},
    }  # fmt: skip


def _fill_fixtures(directory: Path) -> None:
    (directory / "pass.json").write_text(json.dumps([_workspace(True)], indent=2) + "\n", "utf-8")
    (directory / "fail.json").write_text(json.dumps([_workspace(False)], indent=2) + "\n", "utf-8")
    (directory / "README.md").write_text(
        "Shapes follow `Workspace/get.json` (api-version 2024-10-01) of "
        "Azure/azure-rest-api-specs.\n",
        "utf-8",
    )


def test_scaffold_fill_regenerate_and_the_rule_tests_pass(tmp_path: Path) -> None:
    repo = _copy(tmp_path / "repo")
    readme = (repo / "README.md").read_text("utf-8")
    assert "python reports/generate.py" in readme and "### Adding a rule, step by step" in readme

    scaffold = _run(
        repo, "-m", "amlaudit", "new-rule", RULE_ID, NAME, "--family", "workspace",
        "--resource-type", WS_TYPE, "--root", str(repo),
    )  # fmt: skip
    assert scaffold.returncode == 0, scaffold.stderr
    assert "python reports/generate.py" in scaffold.stdout
    module = repo / "auditor/amlaudit/rules/workspace/data_isolation.py"
    assert 'status="preview"' in module.read_text("utf-8")
    _fill_module(module)
    _fill_fixtures(repo / "fixtures/rules" / RULE_ID)

    regenerate = _run(repo, "reports/generate.py")
    assert regenerate.returncode == 0, regenerate.stdout + regenerate.stderr
    reads = json.loads((repo / "auditor/amlaudit/data/rule_reads.json").read_text("utf-8"))
    assert {"type": WS_TYPE, "path": "properties.enableDataIsolation"} in reads["rules"][RULE_ID]
    assert (repo / "rules" / f"{RULE_ID}.md").is_file()

    tests = _run(
        repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_rule_meta.py",
        "tests/test_rule_fixtures.py", "tests/test_rule_reads.py",
        "tests/test_sarif.py::test_golden_reports_are_up_to_date",
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert RULE_ID in (repo / "reports/demo.json").read_text("utf-8")
