from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule
from amlaudit.lifecycle import (
    EVENT_SUBSCRIPTIONS,
    SYSTEM_TOPICS,
    TOPIC_SUBSCRIPTIONS,
    active,
    receives,
    workspace_event_subscriptions,
)

AUDIT_EVENTS = ("ModelRegistered", "ModelDeployed", "RunStatusChanged")


@rule(
    id="AML220",
    name="workspace-ml-events-not-subscribed",
    title="Model registrations, deployments and run status changes of Azure ML workspaces "
    "reach an Event Grid subscription",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[SYSTEM_TOPICS, TOPIC_SUBSCRIPTIONS, EVENT_SUBSCRIPTIONS],
    controls=["MCSB-v1:LT-3", "MCSB-v1:LT-1", "MCSB-v1:AM-2", "ASB-v1:2.3", "ASB-v1:4.9"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-use-event-grid",
        "https://learn.microsoft.com/azure/event-grid/event-schema-machine-learning",
    ],
    since="0.2.0",
    status="preview",
)
def workspace_ml_events(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That the workspace's Event Grid subscriptions — children of the system topic whose
    `properties.source` is the workspace (`topicType`
    `Microsoft.MachineLearningServices.Workspaces`), and subscriptions created on the
    workspace itself as extension resources — together receive `ModelRegistered`,
    `ModelDeployed` and `RunStatusChanged`. A subscription whose
    `properties.filter.includedEventTypes` is null or absent receives every event type; one
    whose `provisioningState` is not `Succeeded` counts for nothing. Types and IDs are compared
    case-insensitively (GET may return them lower-cased).

    ## Why it matters
    ARM keeps only who created and last changed a model or deployment. These events are the
    audit trail of the ML lifecycle — which model version was registered and deployed, and
    when a job (including a model monitor) failed — delivered to a SIEM, a queue or an
    approval workflow as they happen.

    ## How to fix
    ```bash
    az eventgrid event-subscription create --name ml-lifecycle \\
      --source-resource-id <workspace-id> --endpoint-type storagequeue \\
      --endpoint <storage-account-id>/queueservices/default/queues/ml-events \\
      --included-event-types Microsoft.MachineLearningServices.ModelRegistered \\
      Microsoft.MachineLearningServices.ModelDeployed \\
      Microsoft.MachineLearningServices.RunStatusChanged
    ```

    ```bicep
    resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
      name: 'mlw-events'
      location: location
      identity: { type: 'SystemAssigned' }
      properties: { source: workspace.id, topicType: 'Microsoft.MachineLearningServices.Workspaces' }
    }
    resource lifecycle 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
      parent: topic
      name: 'ml-lifecycle'
      properties: {
        filter: { includedEventTypes: [
          'Microsoft.MachineLearningServices.ModelRegistered'
          'Microsoft.MachineLearningServices.ModelDeployed'
          'Microsoft.MachineLearningServices.RunStatusChanged'
        ] }
        deliveryWithResourceIdentity: {
          identity: { type: 'SystemAssigned' }
          destination: { endpointType: 'StorageQueue', properties: {
            resourceId: storage.id, queueName: 'ml-events' } }
        }
      }
    }
    ```
    """
    subscriptions = [s for s in workspace_event_subscriptions(res, ctx) if active(s)]
    missing = [e for e in AUDIT_EVENTS if not any(receives(s, e) for s in subscriptions)]
    if not missing:
        names = ", ".join(s.name for s in subscriptions)
        return passed(f"ML lifecycle events reach Event Grid subscriptions ({names})")
    return failed(
        f"no Event Grid subscription receives {', '.join(missing)}"
        if subscriptions
        else "no active Event Grid subscription listens to the workspace",
        Evidence(
            "properties.filter.includedEventTypes",
            [f"Microsoft.MachineLearningServices.{e}" for e in AUDIT_EVENTS],
            sorted(s.name for s in subscriptions) or None,
        ),
    )
