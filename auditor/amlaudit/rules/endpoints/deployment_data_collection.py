from amlaudit.api import (
    Context,
    Evidence,
    MissingReference,
    Resource,
    Usage,
    Verdict,
    failed,
    info,
    item_get,
    passed,
    rule,
    same,
)
from amlaudit.checks import parent_workspace, public_exposure
from amlaudit.lifecycle import (
    ENDPOINTS,
    WORKSPACES,
    credential_headers,
    payload_collections,
    traffic_share,
)

REQUIRED = ("model_inputs", "model_outputs")
STORAGE = "Microsoft.Storage/storageAccounts"
HEADERS = "properties.dataCollector.requestLogging.captureHeaders"


def _who(res: Resource, ctx: Context) -> str:
    try:
        share = traffic_share(res, ctx)
    except MissingReference:
        return "the deployment"
    return f"production deployment ({share}% of traffic)" if share > 0 else "idle deployment"


def _landing_weakness(res: Resource, ctx: Context) -> tuple[str, str | None]:
    """The workspace storage payload logs land in (`workspaceblobstore`: the default storage,
    a project's hub's), and why it is unfit (None when fit)."""
    workspace = parent_workspace(res, ctx)
    uses = ctx.dependencies_of(workspace, Usage.STORAGE)
    if not uses:
        return "the workspace storage", "the workspace names no storage account"
    storage = ctx.resolve(uses[0].resource_id, "workspace storage account")
    weak = []
    exposure = public_exposure(storage)
    if exposure:
        weak.append(f"reachable from the internet ({exposure})")
    if not same(storage.str("properties.encryption.keySource"), "Microsoft.Keyvault"):
        weak.append("not encrypted with a customer-managed key")
    return storage.name, " and ".join(weak) or None


@rule(
    id="AML045",
    name="online-deployment-data-collection-off",
    title="Azure ML online deployments collect model inputs and outputs",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    reads=[ENDPOINTS, WORKSPACES, STORAGE],
    controls=["MCSB-v1:LT-3", "MCSB-v1:DP-2", "MCSB-v1:DP-5", "ASB-v1:2.3", "ASB-v1:4.8"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-collect-production-data"
    ],
    overlaps={
        rule: (
            f"AML045 reports public storage on the deployment whose payload logs land there; "
            f"{rule} reports the storage account itself"
        )
        for rule in ("AML084", "AML210", "AML212")
    },
)
def online_deployment_data_collection(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.dataCollector.collections` of an online deployment must hold the collections
    `model_inputs` and `model_outputs` (names compared case-insensitively) with
    `dataCollectionMode` `Enabled`. No `dataCollector` (the service then disables collection),
    a missing collection, or a mode other than `Enabled` fails. The message says whether the
    deployment is in production (its endpoint's `properties.traffic` gives it a share above 0).

    Payload capture is judged too. `dataCollector.requestLogging.captureHeaders` naming a
    credential-bearing header (`Authorization`, `Proxy-Authorization`, `Cookie`, `x-api-key`,
    `api-key`, `Ocp-Apim-Subscription-Key`, `x-functions-key`, or any name containing `auth`,
    `cookie`, `token`, `secret`, `password` or `-key`) fails: those values would be written to
    storage with every request. Enabled payload logging (the reserved `request` / `response`
    collections) is reported as information, and fails when the workspace default storage it
    lands in (`workspaceblobstore`) is reachable from the internet or not encrypted with a
    customer-managed key (`encryption.keySource` not `Microsoft.Keyvault`). No built-in Azure
    Policy covers any of it.

    ## Why it matters
    Collected inputs and outputs are what model monitoring (drift, data quality) and incident
    review run on; without them a poisoned or misbehaving model in production goes unseen.
    Full request and response payloads are a different matter: they hold whatever users send
    (often personal data), and captured headers hold their bearer tokens and API keys, readable
    by anyone with blob access to the workspace storage.

    ## How to fix
    ```bash
    az ml online-deployment update --file deployment.yml --resource-group <rg> \\
      --workspace-name <workspace>   # data_collector.collections.model_inputs.enabled: 'True'
    ```

    ```bicep
    resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2025-12-01' = {
      parent: endpoint
      name: 'blue'
      location: location
      properties: {
        endpointComputeType: 'Managed'
        dataCollector: {
          collections: {
            model_inputs: { dataCollectionMode: 'Enabled' }
            model_outputs: { dataCollectionMode: 'Enabled' }
          }
          requestLogging: { captureHeaders: [ 'x-request-id' ] }
        }
      }
    }
    ```
    """
    who = _who(res, ctx)
    problems: list[str] = []
    evidence: list[Evidence] = []
    captured = credential_headers(res.list(HEADERS))
    if captured:
        problems.append(f"captures credential headers {', '.join(captured)}")
        evidence.append(Evidence(HEADERS, "no credential-bearing headers", captured))
    collections = {
        str(name).lower(): body
        for name, body in res.dict("properties.dataCollector.collections").items()
    }
    missing = sorted(
        name
        for name in REQUIRED
        if not same(item_get(collections.get(name), "dataCollectionMode"), "Enabled")
    )
    if missing:
        problems.append("does not collect " + " and ".join(missing))
        evidence.append(
            Evidence(
                "properties.dataCollector.collections",
                {name: {"dataCollectionMode": "Enabled"} for name in REQUIRED},
                sorted(collections) or None,
            )
        )
    payloads = payload_collections(res)
    landing, weakness = _landing_weakness(res, ctx) if payloads else ("", None)
    if weakness:
        problems.append(f"logs {' and '.join(payloads)} payloads to {landing}, {weakness}")
        evidence.append(Evidence("properties.dataCollector.collections", "private, CMK", weakness))
    if problems:
        return failed(f"{who} " + "; ".join(problems), *evidence)
    if payloads:
        return info(
            f"{who} collects model inputs and outputs and logs {' and '.join(payloads)} "
            f"payloads (possibly personal data) to {landing}, which is private and CMK-encrypted"
        )
    return passed(f"{who} collects model inputs and outputs")
