"""`amlaudit diff` on pairs of real snapshots.

Every pair starts from `fixtures/hardened.json` (its resource shapes cite their public REST
examples in fixtures/estate/) and changes only what a test names, with values the same
api-versions allow: a role assignment is shaped like the assignments already in the estate
(azure-rest-api-specs `Microsoft.Authorization` 2022-04-01 `RoleAssignments_Get` example),
and "exported" copies are redacted with `amlaudit.redact`, exactly as `amlaudit export` does.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from amlaudit.redact import MARKER, redact_tree
from conftest import FIXTURES, Run

SUB = "753251ba-0207-723c-ad2f-75c2976a0306"
WS_DEV = (
    f"/subscriptions/{SUB}/resourceGroups/rg-ml-secure-dev/providers/"
    "Microsoft.MachineLearningServices/workspaces/mlw-secure-dev"
)
ST_DEV = (
    f"/subscriptions/{SUB}/resourceGroups/rg-ml-secure-dev/providers/"
    "Microsoft.Storage/storageAccounts/stmlwsecuredev"
)
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
SCHEMA = json.loads(
    (FIXTURES.parent / "auditor/amlaudit/schemas/diff.schema.json").read_text("utf-8")
)
Mutation = Callable[[dict[str, Any]], None]


def estate() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / "hardened.json").read_text("utf-8"))
    return document


def find(document: dict[str, Any], resource_id: str) -> dict[str, Any]:
    for resource in document["resources"]:
        if resource["id"].lower() == resource_id.lower():
            return resource  # type: ignore[no-any-return]
    raise KeyError(resource_id)


def of_type(document: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r for r in document["resources"] if r["type"].lower() == resource_type.lower()]


def exported(document: dict[str, Any]) -> dict[str, Any]:
    """The estate as `amlaudit export` writes it: secrets some GETs return are redacted."""
    return {**document, "resources": [redact_tree(r)[0] for r in document["resources"]]}


def pair(tmp_path: Path, mutate: Mutation, base: dict[str, Any] | None = None) -> tuple[str, str]:
    old = base if base is not None else estate()
    new = copy.deepcopy(old)
    mutate(new)
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    return str(old_path), str(new_path)


@pytest.fixture
def diff(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`amlaudit diff ...` through the real CLI entry point, in this process."""
    from amlaudit.app import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(["diff", *args])
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def as_json(run: Run) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run.stdout)
    jsonschema.validate(document, SCHEMA)
    return document


def kinds(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["kind"] == kind]


# -- the finding diff and the configuration diff -----------------------------------------------


def open_dev_workspace(document: dict[str, Any]) -> None:
    find(document, WS_DEV)["properties"]["publicNetworkAccess"] = "Enabled"


def test_a_regressed_setting_is_a_new_failing_finding_and_a_security_relevant_change(
    tmp_path: Path, diff: Any
) -> None:
    old, new = pair(tmp_path, open_dev_workspace)
    run = diff(old, new, "-o", "json")
    assert run.code == 1, run.stderr
    document = as_json(run)
    new_failing = kinds(document, "new_failing")
    assert ("AML001", WS_DEV) in {(f["rule_id"], f["resource_id"]) for f in new_failing}
    assert all(f["direction"] == "worse" for f in new_failing)
    [change] = document["resources"]
    assert change["kind"] == "changed" and change["resource_id"] == WS_DEV
    [path] = change["paths"]
    assert (path["path"], path["old"], path["new"]) == (
        "properties.publicNetworkAccess",
        "Disabled",
        "Enabled",
    )
    assert path["security_relevant"] and "AML001" in path["rules"]
    assert document["headline"]["worse"][0]["workspace_id"] == WS_DEV
    assert document["verdict"]["exit_code"] == 1


def test_accepted_risk_is_listed_but_does_not_gate(tmp_path: Path, diff: Any) -> None:
    old, new = pair(tmp_path, open_dev_workspace)
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text(
        "version: 1\nsuppressions:\n"
        f"  - rule: AML001\n    resource: {json.dumps(WS_DEV)}\n"
        "    justification: temporary partner access\n"
        "    owner: ml-platform@contoso.com\n    expires: 2026-06-30\n",
        encoding="utf-8",
    )
    run = diff(old, new, "-o", "json", "--suppressions", str(suppressions))
    document = as_json(run)
    [aml001] = [f for f in kinds(document, "new_failing") if f["rule_id"] == "AML001"]
    assert aml001["suppressed"] is True
    assert run.code == (1 if document["verdict"]["gating"] else 0)
    assert (
        "AML001"
        not in {f["rule_id"] for f in kinds(document, "new_failing") if not f["suppressed"]}
        or run.code == 1
    )


def test_text_leads_with_what_got_worse_and_ends_with_the_verdict(
    tmp_path: Path, diff: Any
) -> None:
    old, new = pair(tmp_path, open_dev_workspace)
    run = diff(old, new)
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines.index("What got worse") < len(lines) - 3
    assert "workspace mlw-secure-dev" in run.stdout
    assert "properties.publicNetworkAccess: Disabled -> Enabled" in run.stdout
    assert lines[-1].startswith("amlaudit diff: FAIL (exit 1): 1 new failing finding at or above")


def test_a_fix_is_better_and_passes_the_gate(tmp_path: Path, diff: Any) -> None:
    broken = estate()
    open_dev_workspace(broken)

    def close(document: dict[str, Any]) -> None:
        find(document, WS_DEV)["properties"]["publicNetworkAccess"] = "Disabled"

    old, new = pair(tmp_path, close, broken)
    run = diff(old, new, "-o", "json")
    assert run.code == 0, run.stderr
    document = as_json(run)
    fixed = kinds(document, "fixed")
    assert ("AML001", WS_DEV) in {(f["rule_id"], f["resource_id"]) for f in fixed}
    assert kinds(document, "new_failing") == []
    assert document["headline"]["better"][0]["workspace_id"] == WS_DEV
    [change] = document["resources"]
    assert change["security_relevant"] and change["direction"] == "better"
    assert document["headline"]["worse"] == [], "a change that fixed a finding is not worse"
    assert document["summary"]["fixed"] == len(fixed)


def test_a_recreated_resource_is_told_apart_from_a_changed_one(tmp_path: Path, diff: Any) -> None:
    def recreate(document: dict[str, Any]) -> None:
        workspace = find(document, WS_DEV)
        workspace["properties"]["workspaceId"] = "0f4c1c55-7b4e-4d0e-9a8f-2b1f0c3d4e5f"
        workspace["systemData"]["createdAt"] = "2026-11-30T22:00:00.0000000Z"

    old, new = pair(tmp_path, recreate)
    document = as_json(diff(old, new, "-o", "json"))
    [change] = document["resources"]
    assert change["kind"] == "recreated"
    assert change["recreation"]["properties.workspaceId"][1] == (
        "0f4c1c55-7b4e-4d0e-9a8f-2b1f0c3d4e5f"
    )
    assert set(change["recreation"]) == {"properties.workspaceId", "systemData.createdAt"}


def test_volatile_only_changes_are_no_changes(tmp_path: Path, diff: Any) -> None:
    def churn(document: dict[str, Any]) -> None:
        workspace = find(document, WS_DEV)
        # (a provisioning state other than Succeeded would make the rules judge nothing yet)
        workspace["properties"]["privateLinkCount"] = 7
        workspace["etag"] = '"00000000-0000-0000-0000-0000000000aa"'
        workspace["systemData"]["lastModifiedAt"] = "2026-11-30T23:59:00.0000000Z"
        for insights in of_type(document, "microsoft.insights/components"):
            insights["etag"] = '"00000000-0000-0000-0000-000000000001"'
        for compute in of_type(document, "Microsoft.MachineLearningServices/workspaces/computes"):
            compute["properties"].setdefault("properties", {})["state"] = "Stopped"
            compute["properties"]["modifiedOn"] = "2026-11-30T23:00:00Z"

    old, new = pair(tmp_path, churn)
    run = diff(old, new)
    assert run.code == 0, run.stderr
    assert "\nno changes\n" in run.stdout
    assert as_json(diff(old, new, "-o", "json"))["no_changes"] is True


def test_id_casing_and_set_order_are_not_changes(tmp_path: Path, diff: Any) -> None:
    base = estate()
    # two firewall entries (shape of the storage REST example StorageAccountGetProperties)
    find(base, ST_DEV)["properties"].setdefault("networkAcls", {})["ipRules"] = [
        {"value": "203.0.113.0/24", "action": "Allow"},
        {"value": "198.51.100.7", "action": "Allow"},
    ]

    def recase(document: dict[str, Any]) -> None:
        workspace = find(document, WS_DEV)
        workspace["id"] = workspace["id"].upper()
        workspace["type"] = workspace["type"].lower()
        references = workspace["properties"]
        references["storageAccount"] = references["storageAccount"].lower()
        find(document, ST_DEV)["properties"]["networkAcls"]["ipRules"].reverse()

    old, new = pair(tmp_path, recase, base)
    run = diff(old, new, "-o", "json")
    assert run.code == 0, run.stderr
    assert as_json(run)["no_changes"] is True


def test_a_snapshot_against_itself_is_no_changes_and_byte_identical(diff: Any) -> None:
    path = str(FIXTURES / "hardened.json")
    outputs = {}
    for fmt in ("text", "json", "markdown", "html"):
        first, second = diff(path, path, "-o", fmt), diff(path, path, "-o", fmt)
        assert first.code == 0, first.stderr
        assert first.stdout == second.stdout
        outputs[fmt] = first.stdout
    assert "\nno changes\n" in outputs["text"]
    assert "**no changes**" in outputs["markdown"]
    assert as_json(Run(0, outputs["json"], ""))["no_changes"] is True


# -- RBAC drift --------------------------------------------------------------------------------


def assignment(scope: str, name: str, role: str, principal_type: str) -> dict[str, Any]:
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}",
            "principalId": "4b2d5c3e-8f1a-4e6b-9c7d-0a1b2c3d4e5f",
            "principalType": principal_type,
            "scope": scope,
            "createdOn": "2026-11-30T21:00:00.0000000Z",
            "updatedOn": "2026-11-30T21:00:00.0000000Z",
        },
    }


def test_role_assignments_added_at_the_subscription_and_on_a_dependency(
    tmp_path: Path, diff: Any
) -> None:
    def grant(document: dict[str, Any]) -> None:
        document["resources"] += [
            assignment(
                f"/subscriptions/{SUB}", "6c1f0d5a-1111-4a4a-8b8b-000000000001", OWNER, "User"
            ),
            assignment(ST_DEV, "6c1f0d5a-2222-4a4a-8b8b-000000000002", BLOB_CONTRIBUTOR, "User"),
            # the data lake both workspaces reach through a datastore (the dependency scope)
            assignment(
                f"/subscriptions/{SUB}/resourceGroups/rg-data-platform",
                "6c1f0d5a-4444-4a4a-8b8b-000000000004",
                BLOB_CONTRIBUTOR,
                "Group",
            ),
            assignment(
                f"/subscriptions/{SUB}/resourceGroups/rg-unrelated",
                "6c1f0d5a-3333-4a4a-8b8b-000000000003",
                OWNER,
                "User",
            ),
        ]

    old, new = pair(tmp_path, grant)
    document = as_json(diff(old, new, "-o", "json"))
    roles = {r["assignment_id"].rsplit("/", 1)[-1]: r for r in document["role_assignments"]}
    assert set(roles) == {
        "6c1f0d5a-1111-4a4a-8b8b-000000000001",
        "6c1f0d5a-2222-4a4a-8b8b-000000000002",
        "6c1f0d5a-4444-4a4a-8b8b-000000000004",
    }, "an assignment on a scope no workspace depends on is not RBAC drift of the estate"
    above_datastore_target = roles["6c1f0d5a-4444-4a4a-8b8b-000000000004"]
    assert above_datastore_target["reach"] == "dependency"
    assert len(above_datastore_target["workspaces"]) == 2
    at_subscription = roles["6c1f0d5a-1111-4a4a-8b8b-000000000001"]
    assert at_subscription["kind"] == "added" and at_subscription["reach"] == "above"
    assert WS_DEV in at_subscription["workspaces"] and len(at_subscription["workspaces"]) == 2
    on_storage = roles["6c1f0d5a-2222-4a4a-8b8b-000000000002"]
    assert on_storage["reach"] == "dependency" and on_storage["workspaces"] == [WS_DEV]
    assert on_storage["principal_type"] == "User" and on_storage["direction"] == "worse"
    worse = {w["workspace_id"] for w in document["headline"]["worse"]}
    assert WS_DEV in worse
    listed = {r["resource_id"] for r in document["resources"]}
    assert not listed & {r["assignment_id"] for r in document["role_assignments"]}


def test_a_custom_role_that_gained_a_permission(tmp_path: Path, diff: Any) -> None:
    def widen(document: dict[str, Any]) -> None:
        for definition in of_type(document, "Microsoft.Authorization/roleDefinitions"):
            if definition["properties"].get("roleName") == "ML Job Operator":
                definition["properties"]["permissions"][0]["actions"].append(
                    "Microsoft.MachineLearningServices/workspaces/listKeys/action"
                )

    old, new = pair(tmp_path, widen)
    document = as_json(diff(old, new, "-o", "json"))
    [change] = document["role_definitions"]
    assert change["role"] == "ML Job Operator"
    assert change["added"] == {
        "actions": ["microsoft.machinelearningservices/workspaces/listkeys/action"]
    }
    assert change["direction"] == "worse"


# -- rule-set drift, reports, coverage, secrets --------------------------------------------------


def test_old_report_from_a_rule_set_lacking_a_rule_gives_new_rule_not_regression(
    tmp_path: Path, diff: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from amlaudit.app import main

    demo = str(FIXTURES / "demo.json")
    report = tmp_path / "old-report.json"
    assert main(["scan", "--snapshot", demo, "--ignore", "AML001", "-o", f"json:{report}"]) == 1
    document = as_json(diff(str(report), demo, "-o", "json"))
    new_rule = kinds(document, "new_rule")
    assert new_rule and {f["rule_id"] for f in new_rule} == {"AML001"}
    assert all(f["direction"] == "neutral" for f in new_rule)
    assert kinds(document, "new_failing") == []
    assert document["verdict"]["exit_code"] == 0


def test_report_against_snapshot_compares_findings_only_and_says_so(
    tmp_path: Path, diff: Any
) -> None:
    from amlaudit.app import main

    old, new = pair(tmp_path, open_dev_workspace)
    report = tmp_path / "old-report.json"
    assert main(["scan", "--snapshot", old, "-o", f"json:{report}"]) == 0
    run = diff(str(report), new, "-o", "json")
    document = as_json(run)
    assert document["config_compared"] is False
    assert document["resources"] == [] and document["role_assignments"] == []
    assert any("OLD is a report" in note for note in document["notes"])
    assert ("AML001", WS_DEV) in {
        (f["rule_id"], f["resource_id"]) for f in kinds(document, "new_failing")
    }
    text = diff(str(report), new)
    assert "note: OLD is a report: only findings are compared" in text.stdout


def test_a_type_uncollected_on_one_side_is_not_comparable_never_deleted(
    tmp_path: Path, diff: Any
) -> None:
    def lose_vaults(document: dict[str, Any]) -> None:
        document["resources"] = [
            r for r in document["resources"] if r["type"] != "Microsoft.KeyVault/vaults"
        ]
        document["errors"] = [
            {
                "scope": f"/subscriptions/{SUB}",
                "operation": "list Microsoft.KeyVault/vaults",
                "status": "403 AuthorizationFailed",
                "message": "the client has no read access to Key Vaults",
                "resource_type": "Microsoft.KeyVault/vaults",
            }
        ]

    old, new = pair(tmp_path, lose_vaults)
    run = diff(old, new, "-o", "json")
    assert run.code == 3
    document = as_json(run)
    assert [r for r in document["resources"] if r["kind"] == "removed"] == []
    assert not [f for f in document["findings"] if f["kind"] in ("resource_removed", "fixed")]
    [gap] = document["coverage"]
    assert (gap["side"], gap["resource_type"]) == ("new", "microsoft.keyvault/vaults")
    assert diff(old, new, "--allow-incomplete").code == 0


def test_a_type_a_bare_array_does_not_hold_is_not_comparable(tmp_path: Path, diff: Any) -> None:
    old, _ = pair(tmp_path, lambda document: None)
    keys = "Microsoft.KeyVault/vaults/keys"
    new = tmp_path / "new-array.json"
    new.write_text(
        json.dumps([r for r in estate()["resources"] if r["type"] != keys]), encoding="utf-8"
    )
    document = as_json(diff(old, str(new), "-o", "json", "--allow-incomplete"))
    assert not [r for r in document["resources"] if r["resource_type"] == keys]
    assert ("new", keys.lower()) in {(g["side"], g["resource_type"]) for g in document["coverage"]}


def test_rotation_shown_by_key_creation_time_and_redacted_secrets_not_comparable(
    tmp_path: Path, diff: Any
) -> None:
    def rotate(document: dict[str, Any]) -> None:
        find(document, ST_DEV)["properties"]["keyCreationTime"]["key1"] = (
            "2026-11-30T20:00:00.0000000Z"
        )

    base = exported(estate())
    assert any(MARKER in json.dumps(r) for r in of_type(base, "microsoft.insights/components"))
    old, new = pair(tmp_path, rotate, base)
    run = diff(old, new, "-o", "json", "-v")
    document = as_json(run)
    rotated = [s for s in document["secrets"] if s["kind"] == "rotated"]
    assert rotated == [
        {
            "resource_id": ST_DEV,
            "path": "properties.keyCreationTime.key1",
            "kind": "rotated",
            "old": "2025-03-04T10:11:12.0000000Z",
            "new": "2026-11-30T20:00:00.0000000Z",
        }
    ]
    redacted = {
        (s["resource_id"].rsplit("/", 1)[-1], s["path"])
        for s in document["secrets"]
        if s["kind"] == "not_comparable_redacted"
    }
    assert ("appi-mlw-secure-dev", "properties.InstrumentationKey") in redacted
    assert document["resources"] == [], "a rotation indicator is reported as a rotation only"
    text = diff(old, new, "-v").stdout
    assert "rotated: " in text and "not comparable (redacted): " in text
    assert "c2aad3a3-b1b5-2d1b-bcd6-6b5b2c4b9095" not in text + run.stdout


def test_a_changed_secret_in_hand_made_snapshots_is_changed_but_never_shown(
    tmp_path: Path, diff: Any
) -> None:
    secret = "d3b07384-d9a0-4c9b-8f3e-000000000042"

    def rekey(document: dict[str, Any]) -> None:
        for insights in of_type(document, "microsoft.insights/components"):
            insights["properties"]["InstrumentationKey"] = secret

    old, new = pair(tmp_path, rekey)
    outputs = [diff(old, new, "-o", fmt, "-v") for fmt in ("json", "text", "markdown", "html")]
    changed = [s for s in as_json(outputs[0])["secrets"] if s["kind"] == "changed_redacted"]
    assert {s["path"] for s in changed} == {"properties.InstrumentationKey"}
    for run in outputs:
        assert secret not in run.stdout


# -- formats, input errors -----------------------------------------------------------------------


def test_hostile_names_are_escaped_in_html_and_markdown(tmp_path: Path, diff: Any) -> None:
    def hostile(document: dict[str, Any]) -> None:
        open_dev_workspace(document)
        find(document, WS_DEV)["properties"]["description"] = "<script>alert(1)</script> @team"

    old, new = pair(tmp_path, hostile)
    html = diff(old, new, "-o", "html").stdout
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    markdown = diff(old, new, "-o", "markdown").stdout
    assert "<script>" not in markdown and "@team" not in markdown
    assert markdown.rstrip().splitlines()[-1].startswith("**amlaudit diff: FAIL (exit 1)")


def test_markdown_stays_under_the_comment_limit(tmp_path: Path, diff: Any) -> None:
    def churn_everything(document: dict[str, Any]) -> None:
        for resource in document["resources"]:
            resource.setdefault("tags", {})["owner"] = "someone-else"

    old, new = pair(tmp_path, churn_everything)
    document = as_json(diff(old, new, "-o", "json"))
    assert len(document["resources"]) > 60
    markdown = diff(old, new, "-o", "markdown").stdout
    assert len(markdown) < 65_536
    assert "more row(s) left out: see the JSON output" in markdown


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, diff: Any) -> None:
    missing = diff(str(tmp_path / "nope.json"), str(FIXTURES / "hardened.json"))
    assert missing.code == 2
    assert missing.stderr.count("\n") == 1 and "no such file" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"resources": [', encoding="utf-8")
    run = diff(str(bad), str(FIXTURES / "hardened.json"))
    assert run.code == 2 and "Traceback" not in run.stderr
    assert (
        diff(str(FIXTURES / "hardened.json"), str(FIXTURES / "hardened.json"), "-o", "sarif").code
        == 2
    )
