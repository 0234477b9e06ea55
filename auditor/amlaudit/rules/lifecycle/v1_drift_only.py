from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.lifecycle import EVENT_GRID_TYPES, SYSTEM_TOPICS, event_types, subscribed_workspace

V1_DRIFT = "datasetdriftdetected"


@rule(
    id="AML225",
    name="ml-event-subscription-v1-drift-only",
    title="Event Grid subscriptions for model drift do not listen only to the v1 "
    "DatasetDriftDetected event",
    severity="low",
    resource_types=EVENT_GRID_TYPES,
    reads=[SYSTEM_TOPICS],
    controls=["MCSB-v1:LT-1", "ASB-v1:2.7"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-monitor-model-performance"
    ],
    since="0.2.0",
    overlaps={
        "AML220": "AML220 asks that the workspace's subscriptions cover the lifecycle events; "
        "AML225 flags a subscription that listens only to the v1 drift event"
    },
    status="preview",
)
def ml_event_v1_drift_only(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That an event subscription of an ML workspace does not list
    `Microsoft.MachineLearningServices.DatasetDriftDetected` as its only included event
    type. A null filter (every type) or one including other types passes.

    ## Why it matters
    `DatasetDriftDetected` comes from v1 dataset drift monitors only. v2 model monitoring
    signals a breached threshold as a `RunStatusChanged` event of its monitoring run, tagged
    `azureml_modelmonitor_threshold_breached`: a subscription left on the v1 event receives
    nothing, and the team believes drift is being alerted on.

    ## How to fix
    ```bash
    az eventgrid system-topic event-subscription update --name <subscription> \\
      --system-topic-name <topic> --resource-group <rg> \\
      --included-event-types Microsoft.MachineLearningServices.RunStatusChanged \\
      --advanced-filter data.RunTags.azureml_modelmonitor_threshold_breached \\
      StringContains 'has failed due to one or more features violating metric thresholds'
    ```

    ```bicep
    resource drift 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
      parent: topic
      name: 'ml-drift'
      properties: {
        filter: {
          includedEventTypes: [ 'Microsoft.MachineLearningServices.RunStatusChanged' ]
          advancedFilters: [ {
            operatorType: 'StringContains'
            key: 'data.RunTags.azureml_modelmonitor_threshold_breached'
            values: [ 'has failed due to one or more features violating metric thresholds' ]
          } ]
        }
      }
    }
    ```
    """
    if subscribed_workspace(res, ctx) is None:
        return skip("not an event subscription of an Azure ML workspace")
    names = event_types(res)
    if names and names <= {V1_DRIFT}:
        return failed(
            "listens only to the v1 DatasetDriftDetected event, which v2 monitoring never raises",
            path="properties.filter.includedEventTypes",
            expected=["Microsoft.MachineLearningServices.RunStatusChanged"],
            actual=res.get("properties.filter.includedEventTypes"),
        )
    shown = "every event type" if names is None else ", ".join(sorted(names))
    return passed(f"receives {shown}")
