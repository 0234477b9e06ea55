from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import instant, now
from amlaudit.lifecycle import EVENT_GRID_TYPES, SYSTEM_TOPICS, subscribed_workspace

PATH = "properties.expirationTimeUtc"


@rule(
    id="AML224",
    name="ml-event-subscription-expired",
    title="Event Grid subscriptions receiving Azure ML events have not expired",
    severity="medium",
    resource_types=EVENT_GRID_TYPES,
    reads=[SYSTEM_TOPICS],
    controls=["MCSB-v1:LT-3", "ASB-v1:2.3"],
    references=[
        "https://learn.microsoft.com/azure/event-grid/concepts#event-subscription-expiration"
    ],
    since="0.2.0",
    status="preview",
)
def ml_event_subscription_expired(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.expirationTimeUtc` of an event subscription of an ML workspace, when set,
    lies after the scan time (`SOURCE_DATE_EPOCH` fixes it). No expiry passes.

    ## Why it matters
    An expired subscription stays in ARM but Event Grid stops delivering to it (and later
    deletes it): everything downstream — SIEM, approvals, alerting on monitor breaches —
    goes quiet without an error. That silence is an audit-trail gap.

    ## How to fix
    ```bash
    az eventgrid system-topic event-subscription update --name <subscription> \\
      --system-topic-name <topic> --resource-group <rg> --expiration-date 2099-01-01
    ```

    ```bicep
    resource sub 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
      parent: topic
      name: 'ml-lifecycle'
      properties: { expirationTimeUtc: null }
    }
    ```
    """
    if subscribed_workspace(res, ctx) is None:
        return skip("not an event subscription of an Azure ML workspace")
    value = res.get(PATH)
    if value is None:
        return passed("the subscription does not expire")
    expiry = instant(value, PATH)
    if expiry > now(ctx):
        return passed(f"the subscription expires {expiry:%Y-%m-%d}")
    return failed(
        f"the subscription expired {expiry:%Y-%m-%d}: Event Grid no longer delivers ML events",
        path=PATH,
        expected="a future time or none",
        actual=value,
    )
