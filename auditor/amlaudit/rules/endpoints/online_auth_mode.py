from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML040",
    name="online-endpoint-key-or-aml-token-auth",
    title="Azure ML online endpoints authenticate callers with Microsoft Entra tokens",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:IM-8", "ASB-v1:3.9", "ASB-v1:7.13"],
    references=["https://learn.microsoft.com/azure/machine-learning/concept-endpoints-online-auth"],
)
def online_endpoint_auth_mode(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.authMode` of an online endpoint must be `AADToken` (Microsoft Entra ID).
    `Key` fails: static keys never expire and anyone holding one can score. `AMLToken` also
    fails: Azure ML tokens expire, but are issued by the workspace rather than Entra ID, so
    Entra conditional access and per-caller role assignments do not apply. The rule has one
    severity, medium, for both. `authMode` is required by the API; absent fails. No built-in
    Azure Policy covers it.

    ## Why it matters
    Endpoint keys end up in notebooks, app settings and CI logs; a leaked key gives access
    to the model (and to whatever data it returns) until someone regenerates it.

    ## How to fix
    ```bash
    az ml online-endpoint update --name <endpoint> --resource-group <rg> \\
      --workspace-name <workspace> --set auth_mode=aad_token
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
    mode = res.str("properties.authMode")
    if same(mode, "AADToken"):
        return passed("callers authenticate with Microsoft Entra tokens")
    return failed(
        f"auth mode is {mode or 'not set'}: callers use "
        + ("static keys" if same(mode, "Key") else "non-Entra credentials"),
        path="properties.authMode",
        expected="AADToken",
        actual=mode,
    )
