from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip
from amlaudit.lifecycle import EVENT_GRID_TYPES, SYSTEM_TOPICS, subscribed_workspace

# Destinations Event Grid can reach with the topic's managed identity instead of a key or SAS.
IDENTITY_CAPABLE = (
    "EventHub",
    "StorageQueue",
    "ServiceBusQueue",
    "ServiceBusTopic",
    "HybridConnection",
)


@rule(
    id="AML222",
    name="ml-event-delivery-without-managed-identity",
    title="Event Grid delivers Azure ML events with a managed identity where the destination "
    "supports it",
    severity="low",
    resource_types=EVENT_GRID_TYPES,
    reads=[SYSTEM_TOPICS],
    controls=["MCSB-v1:IM-3", "ASB-v1:7.12"],
    references=["https://learn.microsoft.com/azure/event-grid/managed-service-identity"],
    since="0.2.0",
    status="preview",
)
def ml_event_delivery_identity(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For an event subscription of an ML workspace whose destination is an Event Hub, a storage
    queue, a Service Bus queue or topic, or a Relay hybrid connection: delivery must be
    configured under `properties.deliveryWithResourceIdentity` (the system topic's managed
    identity), not as a plain `properties.destination`. Webhooks, Azure Functions, Monitor
    alerts and namespace topics are skipped.

    ## Why it matters
    Plain delivery to these destinations works through the destination's keys or shared
    access policies, which must stay enabled and be rotated; identity delivery lets you
    disable local authentication on the destination and grant Event Grid one data role.

    ## How to fix
    ```bash
    az eventgrid system-topic event-subscription create --name <subscription> \\
      --system-topic-name <topic> --resource-group <rg> --delivery-identity systemassigned \\
      --delivery-identity-endpoint-type storagequeue \\
      --delivery-identity-endpoint <storage-id>/queueservices/default/queues/<queue>
    ```

    ```bicep
    resource toQueue 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
      parent: topic
      name: 'ml-queue'
      properties: {
        deliveryWithResourceIdentity: {
          identity: { type: 'SystemAssigned' }
          destination: { endpointType: 'StorageQueue', properties: {
            resourceId: storage.id, queueName: 'ml-events' } }
        }
      }
    }
    ```
    """
    if subscribed_workspace(res, ctx) is None:
        return skip("not an event subscription of an Azure ML workspace")
    if res.has("properties.deliveryWithResourceIdentity.destination"):
        kind = res.str("properties.deliveryWithResourceIdentity.destination.endpointType")
        return passed(f"delivers to {kind or 'its destination'} with a managed identity")
    kind = res.str("properties.destination.endpointType")
    if not one_of(kind, *IDENTITY_CAPABLE):
        return skip(f"destination {kind or 'not set'} does not take identity-based delivery")
    return failed(
        f"delivers to {kind} with its keys or shared access policy, not a managed identity",
        path="properties.deliveryWithResourceIdentity",
        expected={"identity": {"type": "SystemAssigned | UserAssigned"}},
        actual=None,
    )
