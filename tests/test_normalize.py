"""The one normal form: copies of a resource from different sources compare equal when only
casing, key order, set order, emptiness or volatile read-only fields differ, and never when a
setting differs. Shapes follow the 2025-12-01 `Workspace/get.json` example
(Azure/azure-rest-api-specs) and an `az graph query` row of the same workspace."""

from __future__ import annotations

import copy
from typing import Any

from amlaudit.normalize import canonical, normalize, recreation_markers

WORKSPACE_ID = (
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml/providers/"
    "Microsoft.MachineLearningServices/workspaces/ws-prod"
)


def workspace() -> dict[str, Any]:
    return {
        "id": WORKSPACE_ID,
        "name": "ws-prod",
        "type": "Microsoft.MachineLearningServices/workspaces",
        "location": "East US",
        "etag": 'W/"1"',
        "systemData": {
            "createdAt": "2025-01-01T00:00:00Z",
            "lastModifiedAt": "2025-06-01T00:00:00Z",
            "lastModifiedBy": "someone@example.com",
        },
        "properties": {
            "provisioningState": "Succeeded",
            "publicNetworkAccess": "Disabled",
            "workspaceId": "cbd9d5d3-2d4e-4c2a-9f3a-1f1f1f1f1f1f",
            "privateLinkCount": 1,
            "notebookInfo": {"fqdn": "ml-ws-prod.notebooks.azure.net"},
            "privateEndpointConnections": [
                {
                    "etag": "a",
                    "properties": {
                        "provisioningState": "Succeeded",
                        "privateLinkServiceConnectionState": {"status": "Approved"},
                    },
                }
            ],
            "tags": [],
        },
    }


def test_volatile_fields_casing_and_order_do_not_count() -> None:
    other = copy.deepcopy(workspace())
    other["id"] = WORKSPACE_ID.lower()
    other["type"] = "microsoft.machinelearningservices/workspaces"
    other["location"] = "eastus"
    other["etag"] = 'W/"2"'
    other["systemData"]["lastModifiedAt"] = "2026-01-01T00:00:00Z"
    other["properties"]["provisioningState"] = "Updating"
    other["properties"]["privateLinkCount"] = 2
    other["properties"]["privateEndpointConnections"][0]["etag"] = "b"
    del other["properties"]["tags"]  # empty vs missing
    other["properties"] = dict(reversed(list(other["properties"].items())))
    assert canonical(other) == canonical(workspace())


def test_settings_type_and_name_count() -> None:
    base = canonical(workspace())
    for change in (
        lambda r: r["properties"].__setitem__("publicNetworkAccess", "Enabled"),
        lambda r: r.__setitem__("type", "Microsoft.Storage/storageAccounts"),
        lambda r: r.__setitem__("name", "ws-other"),
        lambda r: r["properties"]["privateEndpointConnections"][0]["properties"][
            "privateLinkServiceConnectionState"
        ].__setitem__("status", "Rejected"),
    ):
        other = copy.deepcopy(workspace())
        change(other)
        assert canonical(other) != base


def test_unordered_sets_are_sorted_ordered_lists_are_not() -> None:
    def storage(rules: list[str], subnets: list[str]) -> dict[str, Any]:
        return {
            "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a",
            "type": "Microsoft.Storage/storageAccounts",
            "properties": {
                "networkAcls": {"ipRules": [{"value": v} for v in rules]},
                "routing": subnets,
            },
        }

    assert canonical(storage(["1.1.1.1", "2.2.2.2"], ["x"])) == canonical(
        storage(["2.2.2.2", "1.1.1.1"], ["x"])
    )
    assert canonical(storage(["1.1.1.1"], ["x", "y"])) != canonical(
        storage(["1.1.1.1"], ["y", "x"])
    )


def test_per_type_entries_apply_only_to_their_type() -> None:
    compute = {
        "id": WORKSPACE_ID + "/computes/ci",
        "type": "Microsoft.MachineLearningServices/workspaces/computes",
        "properties": {
            "computeType": "ComputeInstance",
            "properties": {"state": "Running", "vmSize": "STANDARD_DS3_V2"},
        },
    }
    assert normalize(compute)["properties"]["properties"] == {"vmSize": "STANDARD_DS3_V2"}
    # The same path on another type is a setting, and stays.
    other = {**compute, "type": "Microsoft.Example/things"}
    assert normalize(other)["properties"]["properties"]["state"] == "Running"


def test_recreation_markers_are_read_not_ignored() -> None:
    markers = recreation_markers(workspace())
    assert markers == {
        "systemData.createdAt": "2025-01-01T00:00:00Z",
        "properties.workspaceId": "cbd9d5d3-2d4e-4c2a-9f3a-1f1f1f1f1f1f",
    }


def test_normalize_does_not_mutate_its_input() -> None:
    original = workspace()
    before = copy.deepcopy(original)
    normalize(original)
    assert original == before
