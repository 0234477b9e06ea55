"""The live collector reads the ML lifecycle types through the fake ARM: Event Grid system
topics of ML workspaces (and nothing else's), both forms of subscriptions, monitors, model
versions, Key Vault secret metadata, file services, v1 web services and the v1 datastore
listing at 2020-05-01-preview — where a refusal is a coverage error, never "none".

Shapes follow the public examples listed in fixtures/rules/SOURCES-lifecycle.md.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from amlaudit import armid
from amlaudit.collect.catalog import ML_V1
from amlaudit.redact import MARKER
from fakearm import Fault
from fakearm.harness import by_id, fixture_resources, main_in_process, serving, subscriptions_of

SERVICES = "microsoft.machinelearningservices/workspaces/services"


def _workspace(resources: list[dict[str, Any]], name: str) -> str:
    return next(r["id"] for r in resources if r["id"].lower().endswith(f"/workspaces/{name}"))


def _estate() -> tuple[list[dict[str, Any]], str, dict[str, list[dict[str, Any]]]]:
    """The hardened estate plus a storage account's system topic (not ML), a v1 web service
    holding a TLS key and environment variables, a webhook whose full URL an export of
    another tool kept; and the v1 shapes only 2020-05-01-preview returns."""
    resources = copy.deepcopy(fixture_resources("hardened.json"))
    ws = _workspace(resources, "mlw-secure-dev")
    group = ws.split("/providers/")[0]
    storage_topic = f"{group}/providers/Microsoft.EventGrid/systemTopics/st-blob-events"
    resources += [
        {
            "id": storage_topic,
            "name": "st-blob-events",
            "type": "Microsoft.EventGrid/systemTopics",
            "location": "westeurope",
            "properties": {
                "source": f"{group}/providers/microsoft.storage/storageaccounts/stblob".lower(),
                "topicType": "microsoft.storage.storageaccounts",
                "provisioningState": "Succeeded",
            },
        },
        {
            "id": f"{storage_topic}/eventSubscriptions/blob-created",
            "name": "blob-created",
            "type": "Microsoft.EventGrid/systemTopics/eventSubscriptions",
            "properties": {"topic": storage_topic, "provisioningState": "Succeeded"},
        },
        {
            "id": f"{ws}/services/churn-aci",
            "name": "churn-aci",
            "type": "Microsoft.MachineLearningServices/workspaces/services",
            "properties": {
                "computeType": "ACI",
                "authEnabled": True,
                "sslEnabled": True,
                "sslCertificate": "-----BEGIN CERTIFICATE-----MIIB-----END CERTIFICATE-----",
                "sslKey": "tls-private-key-material",
                "scoringUri": "https://churn.contoso.com/score",
                "environmentImageRequest": {
                    "environment": {"environmentVariables": {"SCORING_API_TOKEN": "tok-123456"}}
                },
            },
        },
    ]
    hook = next(r for r in resources if r["name"] == "mlops-deployments")
    hook["properties"]["destination"]["properties"]["endpointUrl"] = (
        "https://mlops.contoso.com/api/events?code=webhook-key-value"
    )
    blob = next(
        r
        for r in resources
        if r["id"].lower().endswith(f"{ws}/datastores/workspaceblobstore".lower())
    )
    v1_shapes = [
        {  # the same datastore as the v1 listing shows it: the current shape must win
            "id": blob["id"],
            "name": "workspaceblobstore",
            "type": blob["type"],
            "properties": {"dataStoreType": "AzureBlob", "azureStorageSection": {}},
        },
        {  # only the v1 listing returns SQL datastores
            "id": f"{ws}/datastores/sales_sql",
            "name": "sales_sql",
            "type": blob["type"],
            "properties": {
                "dataStoreType": "AzureSqlDatabase",
                "azureSqlDatabaseSection": {
                    "credentialType": "SqlAuthentication",
                    "serverName": "sql-sales",
                    "userId": "svc_ml",
                    "userPassword": "Sup3r-Secret!",
                },
            },
        },
    ]
    return resources, ws, {ML_V1: v1_shapes}


def _export(arm: Any, tmp_path: Path, monkeypatch: Any, capsys: Any, subs: list[str]) -> Any:
    out = tmp_path / "out.json"
    run = main_in_process(arm, monkeypatch, capsys, "export", "-o", str(out), subscriptions=subs)
    return run, json.loads(out.read_text(encoding="utf-8"))


def test_export_collects_the_lifecycle_types(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    resources, ws, shapes = _estate()
    with serving(resources, tmp_path, shapes=shapes) as arm:
        # The current listing answers last, so its shape must replace the v1 one.
        arm.faults.add(
            Fault("slow", match=f"{ws}/datastores?api-version=2025".lower(), value="0.5")
        )
        run, document = _export(arm, tmp_path, monkeypatch, capsys, subscriptions_of(resources))
        log = list(arm.log)
        assert arm.writes() == []
    assert run.code == 0, run.stderr
    assert document["errors"] == []
    exported = by_id(document["resources"])
    types = {str(r["type"]).lower() for r in document["resources"]}
    for wanted in (
        "microsoft.eventgrid/systemtopics",
        "microsoft.eventgrid/systemtopics/eventsubscriptions",
        "microsoft.eventgrid/eventsubscriptions",
        "microsoft.machinelearningservices/workspaces/schedules",
        "microsoft.machinelearningservices/workspaces/models/versions",
        SERVICES,
        "microsoft.keyvault/vaults/secrets",
        "microsoft.storage/storageaccounts/fileservices",
    ):
        assert wanted in types, wanted
    # Only ML workspaces' system topics (and so only their subscriptions) are kept.
    assert not [k for k in exported if "st-blob-events" in k]
    # v1 SQL datastore from the legacy listing; the current shape wins for the same ID.
    sql = exported[armid.key(f"{ws}/datastores/sales_sql")]
    assert sql["properties"]["azureSqlDatabaseSection"]["userPassword"] == MARKER
    blob = exported[armid.key(f"{ws}/datastores/workspaceblobstore")]
    assert "dataStoreType" not in blob["properties"] and "credentials" in blob["properties"]
    # Secrets in the new shapes never reach the snapshot.
    service = exported[armid.key(f"{ws}/services/churn-aci")]["properties"]
    assert service["sslKey"] == MARKER and service["sslCertificate"] == MARKER
    env = service["environmentImageRequest"]["environment"]["environmentVariables"]
    assert env == {"SCORING_API_TOKEN": MARKER}
    text = json.dumps(document)
    for secret in ("webhook-key-value", "tls-private-key-material", "tok-123456", "Sup3r"):
        assert secret not in text
    # Read-only: no action that returns a webhook URL, key or secret value is ever called.
    assert all(r.method == "GET" for r in log)
    assert not [r for r in log if "getfullurl" in r.path.lower() or "listkeys" in r.path.lower()]
    v1 = {r.path.lower().rsplit("/", 1)[1] for r in log if f"api-version={ML_V1}" in r.query}
    assert v1 == {"services", "datastores"}


def test_a_refused_v1_listing_is_a_coverage_error_not_none(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    resources, ws, shapes = _estate()
    report = tmp_path / "report.json"
    with serving(resources, tmp_path, shapes=shapes) as arm:
        for collection in ("services", "datastores"):
            arm.faults.add(
                Fault(
                    "status",
                    match=f"{ws}/{collection}?api-version={ML_V1}".lower(),
                    status=400,
                    code="InvalidResourceType",
                )
            )
        run = main_in_process(
            arm,
            monkeypatch,
            capsys,
            "scan",
            "--select",
            "AML243,AML244",
            "-o",
            f"json:{report}",
            subscriptions=subscriptions_of(resources),
        )
    assert run.code == 3, run.stderr
    document = json.loads(report.read_text(encoding="utf-8"))
    errors = {(e["resource_type"].lower(), e["status"]) for e in document["errors"]}
    assert errors == {
        (SERVICES, "400"),
        ("microsoft.machinelearningservices/workspaces/datastores", "400"),
    }
    assert any(ML_V1 in e["operation"] for e in document["errors"])
    verdicts = {
        (f["rule_id"], f["resource_name"]): f["status"]
        for f in document["findings"]
        if f["rule_id"] == "AML243"
    }
    # The workspace whose v1 listing failed cannot be judged; the other one is.
    assert verdicts == {
        ("AML243", "mlw-secure-dev"): "error",
        ("AML243", "mlw-secure-prod"): "pass",
    }
    # The v1 SQL datastore was not collected, and nothing claims it was judged.
    assert not [f for f in document["findings"] if f["resource_name"] == "sales_sql"]
