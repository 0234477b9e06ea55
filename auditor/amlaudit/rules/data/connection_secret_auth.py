from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, same
from amlaudit.checks import IDENTITY_AUTH_TYPES, connection_auth_type


@rule(
    id="AML051",
    name="connection-stores-secret",
    title="Azure ML connections authenticate with Microsoft Entra ID, not stored keys or tokens",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/connections"],
    controls=["MCSB-v1:IM-3", "MCSB-v1:IM-8", "ASB-v1:7.12", "ASB-v1:7.13"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-connection",
        "https://learn.microsoft.com/azure/ai-foundry/how-to/connections-add",
    ],
)
def connection_secret_auth(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.authType` of every workspace connection. `AAD` (the caller's Entra identity)
    and `ManagedIdentity` pass, and so does `None` (nothing is stored). `AccessKey`,
    `AccountKey`, `ApiKey`, `CustomKeys`, `OAuth2`, `PAT`, `SAS`, `ServicePrincipal`,
    `UsernamePassword` and any other type fail: the workspace keeps that secret. A connection
    without `authType` is an error. The secret itself is never read: ARM GETs omit it
    (`listSecrets` returns it, and amlaudit never calls it). No built-in Azure Policy covers it.

    ## Why it matters
    A key, token or password stored in a connection is usable by everyone the connection is
    shared with and by any code running in the workspace; it does not expire with a user's
    access, is invisible to Conditional Access and is a prime target for exfiltration from
    notebooks. Entra ID connections use each caller's own, revocable identity.

    ## How to fix
    Recreate the connection with Entra ID authentication and grant the users a data-plane role
    on the target (for Azure OpenAI: `Cognitive Services OpenAI User`).

    ```bash
    cat > connection.yml <<'YAML'
    name: aoai
    type: azure_open_ai
    azure_endpoint: https://<resource>.openai.azure.com/
    YAML
    az ml connection create --file connection.yml --workspace-name <workspace> --resource-group <rg>
    ```

    ```bicep
    resource conn 'Microsoft.MachineLearningServices/workspaces/connections@2025-12-01' = {
      parent: workspace
      name: 'aoai'
      properties: {
        category: 'AzureOpenAI'
        target: openAi.properties.endpoint
        authType: 'AAD'
        metadata: { ApiType: 'Azure', ResourceId: openAi.id }
      }
    }
    ```
    """
    auth = connection_auth_type(res)
    category = res.str("properties.category") or "workspace"
    if one_of(auth, *IDENTITY_AUTH_TYPES):
        return passed(f"{category} connection authenticates with Microsoft Entra ID ({auth})")
    if same(auth, "None"):
        return passed(f"{category} connection stores no credential (authType None)")
    return failed(
        f"{category} connection stores a secret in the workspace (authType {auth})",
        path="properties.authType",
        expected="AAD or ManagedIdentity",
        actual=auth,
    )
