"""What the ML lifecycle rules share: production deployments, the Event Grid subscriptions of a
workspace (both forms), and which deployment a model monitor watches.

Facts from Microsoft's docs (cited in each rule): a production deployment is a managed online
deployment receiving traffic; v2 monitor alerts reach Event Grid only as `RunStatusChanged`
runs tagged `azureml_modelmonitor_threshold_breached`; a subscription without
`includedEventTypes` receives every event type of its topic.
"""

from __future__ import annotations

from typing import Any

from amlaudit import armid
from amlaudit.api import Context, IncompleteData, Resource, item_get, same

WORKSPACES = "Microsoft.MachineLearningServices/workspaces"
ENDPOINTS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
SCHEDULES = "Microsoft.MachineLearningServices/workspaces/schedules"
EVENT_SUBSCRIPTIONS = "Microsoft.EventGrid/eventSubscriptions"
SYSTEM_TOPICS = "Microsoft.EventGrid/systemTopics"
TOPIC_SUBSCRIPTIONS = "Microsoft.EventGrid/systemTopics/eventSubscriptions"
EVENT_GRID_TYPES = (EVENT_SUBSCRIPTIONS, TOPIC_SUBSCRIPTIONS)
WORKSPACE_TOPIC_TYPE = "Microsoft.MachineLearningServices.Workspaces"
EVENT_PREFIX = "microsoft.machinelearningservices."
THRESHOLD_TAG = "data.runtags.azureml_modelmonitor_threshold_breached"
ANY_MONITOR_BREACH = "has failed due to one or more features violating metric thresholds"


# -- production deployments --------------------------------------------------------------------


def traffic_share(deployment: Resource, ctx: Context) -> int:
    """The percentage of its endpoint's live traffic a deployment receives (0 when none)."""
    endpoint = ctx.parent(deployment)
    for name, share in endpoint.dict("properties.traffic").items():
        if str(name).lower() == deployment.name.lower() and isinstance(share, int | float):
            return int(share)
    return 0


# -- Event Grid ----------------------------------------------------------------------------------


def workspace_event_subscriptions(workspace: Resource, ctx: Context) -> list[Resource]:
    """Subscriptions on the workspace's system topic and those created on the workspace itself
    as extension resources. IncompleteData only when neither form is seen and collection of
    one of them failed."""
    found: list[Resource] = []
    gap: IncompleteData | None = None
    for topic in ctx.with_value(SYSTEM_TOPICS, "properties.source", workspace.id):
        if same(topic.str("properties.topicType"), WORKSPACE_TOPIC_TYPE):
            try:
                found += ctx.children(topic, TOPIC_SUBSCRIPTIONS)
            except IncompleteData as exc:
                gap = exc
    try:
        found += ctx.extensions(workspace, EVENT_SUBSCRIPTIONS)
    except IncompleteData as exc:
        gap = exc
    if not found and gap is not None:
        raise gap
    return sorted(found, key=lambda r: r.id.lower())


def subscribed_workspace(subscription: Resource, ctx: Context) -> str | None:
    """The ML workspace an event subscription listens to, or None for any other source."""
    if subscription.type_key == TOPIC_SUBSCRIPTIONS.lower():
        topic = ctx.parent(subscription)
        if not same(topic.str("properties.topicType"), WORKSPACE_TOPIC_TYPE):
            return None
        return topic.str("properties.source")
    scope = armid.extension_scope(subscription.id)
    if scope and armid.type_from_id(scope) and same(armid.type_from_id(scope), WORKSPACES):
        return scope
    return None


def event_types(subscription: Resource) -> set[str] | None:
    """The ML event names (`ModelRegistered`...) a subscription receives, lower-case; None
    when `includedEventTypes` is null or absent: every event type of the topic."""
    included = item_get(subscription.raw, "properties.filter.includedEventTypes")
    if not isinstance(included, list):
        return None
    names = set()
    for value in included:
        text = str(value).strip().lower()
        names.add(text[len(EVENT_PREFIX) :] if text.startswith(EVENT_PREFIX) else text)
    return names


def receives(subscription: Resource, event: str) -> bool:
    names = event_types(subscription)
    return names is None or event.lower() in names


def active(subscription: Resource) -> bool:
    """Provisioned and not failed: a subscription Event Grid delivers to."""
    state = subscription.str("properties.provisioningState")
    return state is None or same(state, "Succeeded")


def breach_filters(subscription: Resource) -> list[str]:
    """Values of advanced filters on the monitor-breach run tag, lower-case."""
    values: list[str] = []
    for entry in subscription.list("properties.filter.advancedFilters"):
        if str(item_get(entry, "key") or "").lower() != THRESHOLD_TAG:
            continue
        raw = item_get(entry, "values")
        single = item_get(entry, "value")
        for value in raw if isinstance(raw, list) else [single]:
            if isinstance(value, str):
                values.append(value.lower())
        if str(item_get(entry, "operatorType") or "").lower() == "isnotnull":
            values.append(ANY_MONITOR_BREACH)
    return values


# -- model monitors ----------------------------------------------------------------------------


def monitor_definition(schedule: Resource) -> dict[str, Any] | None:
    """`action.monitorDefinition` of a `CreateMonitor` schedule, else None."""
    if not same(schedule.str("properties.action.actionType"), "CreateMonitor"):
        return None
    definition = item_get(schedule.raw, "properties.action.monitorDefinition")
    return definition if isinstance(definition, dict) else {}


def monitor_targets(schedule: Resource, definition: dict[str, Any]) -> set[str]:
    """Lower-case deployment IDs a monitor watches, in every form the API and SDK write:
    `monitoringTarget.deploymentId` (2023-06-01-preview on) or the plain-string target of
    2023-04-01-preview, as an ARM ID, `azureml:`-prefixed, or `<endpoint>:<deployment>`."""
    target = definition.get("monitoringTarget")
    raw = target.get("deploymentId") if isinstance(target, dict) else target
    if not isinstance(raw, str) or not raw.strip():
        return set()
    text = raw.strip()
    if text.lower().startswith("azureml:"):
        text = text[len("azureml:") :]
    if text.startswith("/"):
        return {armid.key(text)}
    endpoint, _, deployment = text.partition(":")
    if not endpoint or not deployment:
        return set()
    workspace = armid.parent_id(schedule.id) or ""
    return {armid.key(f"{workspace}/onlineEndpoints/{endpoint}/deployments/{deployment}")}


def production_data_uris(definition: dict[str, Any]) -> list[str]:
    """`productionData.uri` of every signal (an object, or a list for attribution drift)."""
    uris: list[str] = []
    signals = definition.get("signals")
    for signal in (signals or {}).values() if isinstance(signals, dict) else []:
        data = item_get(signal, "productionData")
        for entry in data if isinstance(data, list) else [data]:
            uri = item_get(entry, "uri")
            if isinstance(uri, str):
                uris.append(uri.lower())
    return uris


def watches(schedule: Resource, definition: dict[str, Any], deployment: Resource) -> bool:
    """True when a monitor targets the deployment, or reads the data assets its collector
    registers (`<endpoint>-<deployment>-model_inputs|model_outputs`)."""
    if deployment.key in monitor_targets(schedule, definition):
        return True
    endpoint = armid.name_from_id(armid.parent_id(deployment.id) or "")
    prefix = f"{endpoint}-{deployment.name}-model_".lower()
    return any(prefix in uri for uri in production_data_uris(definition))


def monitor_emails(definition: dict[str, Any]) -> list[str]:
    """Alert e-mail addresses in both shapes: `alertNotificationSettings` (2023-08-01-preview
    on) and `alertNotificationSetting.emailNotificationSetting` (2023-04/06 previews)."""
    found = []
    for path in (
        "alertNotificationSettings.emailNotificationSettings.emails",
        "alertNotificationSetting.emailNotificationSetting.emails",
    ):
        emails = item_get(definition, path)
        found += [e for e in emails if isinstance(e, str) and e.strip()] if emails else []
    return found


# -- payload capture ---------------------------------------------------------------------------

# Header names (lower-case) that carry credentials, and fragments that mark one.
CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "ocp-apim-subscription-key",
        "x-functions-key",
        "x-ms-client-principal",
    }
)
_CREDENTIAL_FRAGMENTS = (
    "auth",
    "cookie",
    "api-key",
    "apikey",
    "token",
    "secret",
    "password",
    "subscription-key",
    "-key",
)


def credential_headers(names: list[Any]) -> list[str]:
    """The `requestLogging.captureHeaders` entries that name a credential-bearing header."""
    found = []
    for name in names:
        text = str(name).strip().lower()
        if text in CREDENTIAL_HEADERS or any(f in text for f in _CREDENTIAL_FRAGMENTS):
            found.append(str(name))
    return found


def payload_collections(deployment: Resource) -> list[str]:
    """The reserved payload-logging collections (`request`, `response`) that are enabled."""
    found = []
    for name, body in deployment.dict("properties.dataCollector.collections").items():
        if str(name).lower() in ("request", "response") and same(
            item_get(body, "dataCollectionMode"), "Enabled"
        ):
            found.append(str(name).lower())
    return sorted(found)
