from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.lifecycle import EVENT_GRID_TYPES, SYSTEM_TOPICS, subscribed_workspace


@rule(
    id="AML223",
    name="ml-event-subscription-no-dead-letter",
    title="Event Grid subscriptions receiving Azure ML events keep undelivered events in a "
    "dead-letter container",
    severity="low",
    resource_types=EVENT_GRID_TYPES,
    reads=[SYSTEM_TOPICS],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-6", "ASB-v1:2.3", "ASB-v1:2.5"],
    references=["https://learn.microsoft.com/azure/event-grid/manage-event-delivery"],
    since="0.2.0",
    status="preview",
)
def ml_event_dead_letter(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That an event subscription of an ML workspace sets `properties.deadLetterDestination` or
    `properties.deadLetterWithResourceIdentity` (a blob container). Subscriptions delivering
    to Azure Monitor alerts, which have no dead-letter option, are skipped.

    ## Why it matters
    Event Grid drops an event once its retry policy is exhausted (by default after 24 hours).
    Without a dead-letter container a receiver outage silently erases part of the audit
    trail of model registrations and deployments.

    ## How to fix
    ```bash
    az eventgrid system-topic event-subscription update --name <subscription> \\
      --system-topic-name <topic> --resource-group <rg> \\
      --deadletter-endpoint <storage-id>/blobServices/default/containers/ml-deadletter
    ```

    ```bicep
    resource sub 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
      parent: topic
      name: 'ml-lifecycle'
      properties: {
        deadLetterWithResourceIdentity: {
          identity: { type: 'SystemAssigned' }
          deadLetterDestination: { endpointType: 'StorageBlob', properties: {
            resourceId: storage.id, blobContainerName: 'ml-deadletter' } }
        }
      }
    }
    ```
    """
    if subscribed_workspace(res, ctx) is None:
        return skip("not an event subscription of an Azure ML workspace")
    kind = res.str("properties.destination.endpointType") or res.str(
        "properties.deliveryWithResourceIdentity.destination.endpointType"
    )
    if same(kind, "MonitorAlert"):
        return skip("Azure Monitor alert destinations have no dead-letter option")
    for path in ("properties.deadLetterDestination", "properties.deadLetterWithResourceIdentity"):
        if res.has(path):
            return passed("undelivered events go to a dead-letter container")
    return failed(
        "undelivered events are dropped: no dead-letter destination",
        path="properties.deadLetterDestination",
        expected={"endpointType": "StorageBlob"},
        actual=None,
    )
