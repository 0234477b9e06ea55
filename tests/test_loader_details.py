"""Small loader and redaction behaviours found while testing against real API shapes."""

from __future__ import annotations

import json
from pathlib import Path

from amlaudit.redact import MARKER, redact_tree
from amlaudit.snapshot import load

RULE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
    "Microsoft.MachineLearningServices/workspaces/ws/outboundRules/allow-pypi"
)


def test_short_type_from_the_api_takes_the_full_type_from_the_id(tmp_path: Path) -> None:
    """The 2025-12-01 outbound-rules example returns type 'workspace/outboundRules'."""
    path = tmp_path / "snap.json"
    path.write_text(
        json.dumps([{"id": RULE_ID, "type": "workspace/outboundRules", "properties": {}}])
    )
    (resource,) = load([str(path)]).resources
    assert resource.type == "Microsoft.MachineLearningServices/workspaces/outboundRules"


def test_timestamps_under_key_names_are_not_secrets() -> None:
    storage = {
        "keyCreationTime": {"key1": "2025-03-01T10:00:00.1234567Z", "key2": "2025-03-01"},
        "primaryKey": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
    }
    cleaned, paths = redact_tree(storage)
    assert cleaned["keyCreationTime"] == storage["keyCreationTime"]
    assert cleaned["primaryKey"] == MARKER and paths == ["primaryKey"]
