from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML165",
    name="online-endpoint-without-managed-identity",
    title="Azure ML online endpoints run with a managed identity",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints"],
    controls=["MCSB-v1:IM-3", "ASB-v1:7.12"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-access-resources-from-endpoints-managed-identities",
    ],
)
def online_endpoint_identity(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That an online endpoint's `identity.type` is `SystemAssigned`, `UserAssigned` or both
    (case-insensitive). A missing `identity` or type `None` fails. Compute identities are
    judged by the compute rules (AML020-AML039); this rule covers endpoints only.

    ## Why it matters
    Without a managed identity, the scoring code must reach the model store, registry and any
    data it reads with keys or connection strings baked into the deployment, which leak through
    images, logs and environment variables and never rotate.

    ## How to fix
    Endpoint identity is set at creation: recreate the endpoint with an identity and grant it
    only the roles it needs (AcrPull, Storage Blob Data Reader).

    ```bash
    az ml online-endpoint create --name <endpoint> --workspace-name <workspace> \\
      --resource-group <rg> --file endpoint.yml   # endpoint.yml: identity: {type: system_assigned}
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2025-12-01' = {
      parent: workspace
      name: name
      location: location
      identity: { type: 'SystemAssigned' }
      properties: { authMode: 'AADToken', publicNetworkAccess: 'Disabled' }
    }
    ```
    """
    kind = res.str("identity.type")
    if kind and not same(kind, "None"):
        return passed(f"the endpoint runs with a {kind} managed identity")
    return failed(
        "the endpoint has no managed identity" + (" (type None)" if kind else ""),
        path="identity.type",
        expected="SystemAssigned or UserAssigned",
        actual=kind,
    )
