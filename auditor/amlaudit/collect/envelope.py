"""Turn a collection into the snapshot envelope (and the in-memory Snapshot a scan reads).

Resources are stored exactly as ARM returned them, except secrets some plain GETs return
(App Insights' connection string and instrumentation key...): those are replaced by
`amlaudit.redact` and each redacted path is listed in `source.redactions` as `{id, path}`,
so a reader knows the value was there and was removed on purpose. `source.not_found` lists
referenced resources ARM answered 404 for (dangling references, not collection gaps). The one
addition: a subscription body, which ARM returns without `type`, gets
`"type": "Microsoft.Resources/subscriptions"` (the envelope schema requires a type).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from amlaudit import armid
from amlaudit._version import __version__
from amlaudit.collect.results import Collection
from amlaudit.redact import redact_tree
from amlaudit.resource import Resource
from amlaudit.result import format_time, scan_time
from amlaudit.snapshot import (
    ENVELOPE_FORMAT,
    ENVELOPE_VERSION,
    SUBSCRIPTION_TYPE,
    Snapshot,
    SnapshotSource,
    single_source,
)


def build_envelope(collection: Collection, source: dict[str, Any]) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    redactions: list[dict[str, str]] = []
    for raw in collection.resources:
        if "type" not in raw and armid.type_from_id(raw["id"]) is None:
            # GET /subscriptions/{id} has no `type`; the envelope schema requires one.
            raw = {**raw, "type": SUBSCRIPTION_TYPE}
        clean, paths = redact_tree(raw)
        resources.append(clean)
        redactions += [{"id": raw["id"], "path": path} for path in paths]
    return {
        "format": ENVELOPE_FORMAT,
        "version": ENVELOPE_VERSION,
        "collected_at": format_time(scan_time()),
        "source": {
            "tool": "amlaudit",
            "version": __version__,
            "mode": "live",
            **source,
            "subscriptions": collection.subscriptions,
            "redactions": redactions,
            "not_found": collection.not_found,
            "collected_types": collection.collected_types,
        },
        "resources": resources,
        "errors": [error.to_dict() for error in collection.errors],
    }


def to_snapshot(envelope: dict[str, Any], errors: Any) -> Snapshot:
    """The envelope as a Snapshot, without a round trip through a file."""
    resources = []
    for raw in envelope["resources"]:
        resource_id = str(raw["id"])
        resource_type = raw.get("type")
        if not isinstance(resource_type, str):
            resource_type = armid.type_from_id(resource_id) or SUBSCRIPTION_TYPE
        resources.append(Resource(raw, resource_id, resource_type))
    source = SnapshotSource(
        "live", "envelope", len(resources), envelope["collected_at"], envelope["source"]
    )
    return single_source(resources, list(errors), source)


def write_envelope(envelope: dict[str, Any], stream: TextIO) -> None:
    json.dump(envelope, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
