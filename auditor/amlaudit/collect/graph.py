"""Resource Graph discovery: which subscriptions exist and which hold ML estates, in few calls.

One paginated POST spans up to 300 subscriptions (Microsoft's guidance for batching), and
`$skipToken` pages through more than 1,000 rows. Rows are used only to decide where to look;
the snapshot itself is built from ARM GETs, because Graph rows are not GET bodies and lag.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from amlaudit.collect.arm import ArmClient, ArmFailure
from amlaudit.collect.catalog import GRAPH_API_VERSION

GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources"
BATCH = 300
PAGE = 1000
MAX_PAGES = 1000
SUBSCRIPTIONS_QUERY = (
    "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' "
    "| project subscriptionId"
)
ML_QUERY = (
    "resources | where type in~ ('microsoft.machinelearningservices/workspaces', "
    "'microsoft.machinelearningservices/registries') | project subscriptionId"
)


def query(
    client: ArmClient,
    text: str,
    subscriptions: Iterable[str] = (),
    management_groups: Iterable[str] = (),
    deadline: float | None = None,
) -> list[dict[str, Any]]:
    """All rows of one query, following `$skipToken`; ArmFailure on any failed page."""
    body: dict[str, Any] = {"query": text, "options": {"$top": PAGE, "resultFormat": "objectArray"}}
    subs, groups = list(subscriptions), list(management_groups)
    if subs:
        body["subscriptions"] = subs
    if groups:
        body["managementGroups"] = groups
    rows: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        response = client.post(GRAPH_PATH, GRAPH_API_VERSION, body, deadline)
        data = response.get("data")
        if not isinstance(data, list):
            raise ArmFailure("invalid-response", "Resource Graph response has no 'data' array")
        rows += [row for row in data if isinstance(row, dict)]
        token = response.get("$skipToken")
        if not token:
            return rows
        body["options"] = {**body["options"], "$skipToken": token}
    raise ArmFailure("invalid-response", f"Resource Graph returned over {MAX_PAGES} pages")


def subscription_ids(rows: Iterable[dict[str, Any]]) -> set[str]:
    return {str(r["subscriptionId"]).lower() for r in rows if r.get("subscriptionId")}


def visible_subscriptions(
    client: ArmClient, subscriptions: list[str], deadline: float | None = None
) -> set[str]:
    """The requested subscriptions Resource Graph can see, in batches of 300."""
    seen: set[str] = set()
    for start in range(0, len(subscriptions), BATCH):
        batch = subscriptions[start : start + BATCH]
        seen |= subscription_ids(query(client, SUBSCRIPTIONS_QUERY, batch, deadline=deadline))
    return seen


def subscriptions_in_groups(
    client: ArmClient, groups: list[str], deadline: float | None = None
) -> set[str]:
    return subscription_ids(
        query(client, SUBSCRIPTIONS_QUERY, management_groups=groups, deadline=deadline)
    )


def subscriptions_with_ml(
    client: ArmClient, subscriptions: list[str], deadline: float | None = None
) -> set[str]:
    """Subscriptions that hold at least one ML workspace or registry."""
    found: set[str] = set()
    for start in range(0, len(subscriptions), BATCH):
        batch = subscriptions[start : start + BATCH]
        found |= subscription_ids(query(client, ML_QUERY, batch, deadline=deadline))
    return found
