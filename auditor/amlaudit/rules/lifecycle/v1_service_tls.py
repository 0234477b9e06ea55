from amlaudit.api import Context, Evidence, Resource, Verdict, failed, one_of, passed, rule, skip

SERVICES = "Microsoft.MachineLearningServices/workspaces/services"


@rule(
    id="AML241",
    name="v1-web-service-without-tls",
    title="Azure ML v1 web services are served over TLS",
    severity="high",
    resource_types=[SERVICES],
    controls=["MCSB-v1:DP-3", "ASB-v1:4.4"],
    references=["https://learn.microsoft.com/azure/machine-learning/v1/how-to-secure-web-service"],
    since="0.2.0",
    status="preview",
)
def v1_service_tls(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    A v1 web service's `properties.scoringUri` must start with `https://`; for `ACI` services
    `properties.sslEnabled` must also be `true` (absent counts as `false`). AKS services take
    TLS from their inference cluster (AML246 judges its `sslConfiguration`), so for them only
    the scoring URI is read. `Custom` services are skipped.

    ## Why it matters
    Without TLS, scoring requests — model inputs, often personal data — and the service key
    or token in the `Authorization` header cross the network in clear text.

    ## How to fix
    Redeploy to a managed online endpoint (always HTTPS) and delete the v1 web service.

    ```bash
    az ml online-deployment create --file deployment.yml --all-traffic \\
      --resource-group <rg> --workspace-name <ws>
    az resource delete --ids <web-service-id> --api-version 2020-05-01-preview
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2025-12-01' = {
      parent: workspace
      name: 'fraud-scoring'
      location: location
      properties: { authMode: 'Key' }
    }
    ```
    """
    kind = res.str("properties.computeType")
    if not one_of(kind, "ACI", "AKS"):
        return skip(f"compute type {kind or 'not set'} is not ACI or AKS")
    uri = res.str("properties.scoringUri")
    problems = []
    if not (uri or "").lower().startswith("https://"):
        problems.append(Evidence("properties.scoringUri", "https://...", uri))
    if one_of(kind, "ACI") and res.bool("properties.sslEnabled") is not True:
        problems.append(Evidence("properties.sslEnabled", True, res.get("properties.sslEnabled")))
    if not problems:
        return passed(f"{kind} web service is served over HTTPS")
    return failed(f"{kind} web service is served without TLS", *problems)
