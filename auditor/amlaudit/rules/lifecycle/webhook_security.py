from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.lifecycle import EVENT_GRID_TYPES, SYSTEM_TOPICS, subscribed_workspace

NOT_ML = "not an event subscription of an Azure ML workspace"


@rule(
    id="AML221",
    name="ml-event-webhook-insecure",
    title="Event Grid webhooks receiving Azure ML events use HTTPS, Entra authentication and "
    "TLS 1.2",
    severity="medium",
    resource_types=EVENT_GRID_TYPES,
    reads=[SYSTEM_TOPICS],
    controls=["MCSB-v1:DP-3", "MCSB-v1:IM-1", "ASB-v1:4.4", "ASB-v1:3.9"],
    references=[
        "https://learn.microsoft.com/azure/event-grid/secure-webhook-delivery",
        "https://learn.microsoft.com/azure/event-grid/transport-layer-security-configure-minimum-version",
    ],
    since="0.2.0",
    status="preview",
)
def ml_event_webhook(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For an event subscription of an ML workspace (either form) whose
    `properties.destination.endpointType` is `WebHook`: `destination.properties.endpointBaseUrl`
    starts with `https://`, `azureActiveDirectoryApplicationIdOrUri` is set (Event Grid then
    presents an Entra token the receiver can validate) and `minimumTlsVersionAllowed` is `1.2`
    (absent fails: the setting is not pinned). Other destinations are skipped. Only the base
    URL is read: amlaudit never calls `getFullUrl`, which returns the URL with its key.

    ## Why it matters
    ML events name models, endpoints and run tags. Over plain HTTP or old TLS they can be read
    or altered on the way; without Entra authentication anyone who learns the URL can post
    forged "model deployed" events into the pipeline that acts on them.

    ## How to fix
    ```bash
    az eventgrid system-topic event-subscription update --name <subscription> \\
      --system-topic-name <topic> --resource-group <rg> --endpoint https://<receiver>/events \\
      --azure-active-directory-tenant-id <tenant> \\
      --azure-active-directory-application-id-or-uri <app-id-uri>
    ```

    ```bicep
    resource hook 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
      parent: topic
      name: 'ml-webhook'
      properties: {
        destination: {
          endpointType: 'WebHook'
          properties: {
            endpointUrl: 'https://receiver.contoso.com/events'
            azureActiveDirectoryTenantId: tenant().tenantId
            azureActiveDirectoryApplicationIdOrUri: 'api://ml-events'
            minimumTlsVersionAllowed: '1.2'
          }
        }
      }
    }
    ```
    """
    if subscribed_workspace(res, ctx) is None:
        return skip(NOT_ML)
    base = "properties.destination"
    if not same(res.str(f"{base}.endpointType"), "WebHook"):
        return skip("the destination is not a webhook")
    url = res.str(f"{base}.properties.endpointBaseUrl")
    audience = res.str(f"{base}.properties.azureActiveDirectoryApplicationIdOrUri")
    tls = res.str(f"{base}.properties.minimumTlsVersionAllowed")
    problems = []
    if not (url or "").lower().startswith("https://"):
        problems.append(Evidence(f"{base}.properties.endpointBaseUrl", "https://...", url))
    if not audience:
        problems.append(
            Evidence(f"{base}.properties.azureActiveDirectoryApplicationIdOrUri", "set", None)
        )
    if tls != "1.2":
        problems.append(Evidence(f"{base}.properties.minimumTlsVersionAllowed", "1.2", tls))
    if not problems:
        return passed("the webhook uses HTTPS, Entra authentication and TLS 1.2")
    words = {
        "endpointBaseUrl": "plain HTTP",
        "azureActiveDirectoryApplicationIdOrUri": "no Entra authentication",
        "minimumTlsVersionAllowed": "no TLS 1.2 minimum",
    }
    said = [words[e.path.rsplit(".", 1)[1]] for e in problems]
    return failed("the webhook has " + ", ".join(said), *problems)
