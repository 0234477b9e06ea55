from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip

SERVICES = "Microsoft.MachineLearningServices/workspaces/services"


@rule(
    id="AML240",
    name="v1-web-service-auth-disabled",
    title="Azure ML v1 web services require key or token authentication",
    severity="high",
    resource_types=[SERVICES],
    controls=["MCSB-v1:IM-1", "MCSB-v1:NS-2", "ASB-v1:3.9", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/v1/how-to-authenticate-web-service",
        "https://learn.microsoft.com/azure/machine-learning/migrate-to-v2-deploy-endpoints",
    ],
    since="0.2.0",
    status="preview",
)
def v1_service_auth(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    A v1 web service (`Microsoft.MachineLearningServices/workspaces/services`, listed only at
    api-version 2020-05-01-preview) of compute type `ACI` or `AKS` must have
    `properties.authEnabled` or (AKS) `properties.aadAuthEnabled` `true`. An absent
    `authEnabled` counts as off on ACI (the v1 SDK default) and as on for AKS (its default);
    `Custom` services are skipped.

    ## Why it matters
    A v1 web service without authentication answers anyone who can reach its scoring URI:
    ACI services get a public IP by default, so the model — and whatever its scoring script
    can reach with the workspace's credentials — is open to the internet.

    ## How to fix
    v1 deployment is deprecated: redeploy to a managed online endpoint (key or Entra token
    authentication always on) and delete the web service.

    ```bash
    az ml online-endpoint create --name <endpoint> --auth-mode aad_token \\
      --resource-group <rg> --workspace-name <ws>
    az resource delete --ids <web-service-id> --api-version 2020-05-01-preview
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2025-12-01' = {
      parent: workspace
      name: 'fraud-scoring'
      location: location
      identity: { type: 'SystemAssigned' }
      properties: { authMode: 'AADToken', publicNetworkAccess: 'Disabled' }
    }
    ```
    """
    kind = res.str("properties.computeType")
    if not one_of(kind, "ACI", "AKS"):
        return skip(f"compute type {kind or 'not set'} is not ACI or AKS")
    key_auth = res.bool("properties.authEnabled")
    if key_auth is None:
        key_auth = one_of(kind, "AKS")
    if key_auth or res.bool("properties.aadAuthEnabled") is True:
        return passed(f"{kind} web service requires authentication")
    return failed(
        f"{kind} web service answers without authentication",
        path="properties.authEnabled",
        expected=True,
        actual=res.get("properties.authEnabled"),
    )
