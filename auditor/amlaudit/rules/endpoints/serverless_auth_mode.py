from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML047",
    name="serverless-endpoint-key-auth",
    title="Azure ML serverless endpoints accept Microsoft Entra ID only, not keys",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/serverlessEndpoints"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:IM-8", "ASB-v1:3.9", "ASB-v1:7.13"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-deploy-models-serverless"
    ],
)
def serverless_endpoint_auth_mode(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.authMode` of a serverless (models-as-a-service) endpoint must be `AAD`.
    `Key` fails, and so does `KeyAndAAD`, because the keys keep working beside Entra ID;
    absent fails. No built-in Azure Policy covers it.

    ## Why it matters
    Serverless endpoints front pay-per-token foundation models: a leaked key is both a data
    exposure (prompts and completions) and an open bill.

    ## How to fix
    ```bash
    az ml serverless-endpoint update --name <endpoint> --resource-group <rg> \\
      --workspace-name <workspace> --set auth_mode=aad
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/serverlessEndpoints@2025-12-01' = {
      parent: workspace
      name: 'llama-chat'
      location: location
      sku: { name: 'Consumption' }
      properties: { authMode: 'AAD', modelSettings: { modelId: modelId } }
    }
    ```
    """
    mode = res.str("properties.authMode")
    if same(mode, "AAD"):
        return passed("callers authenticate with Microsoft Entra ID only")
    return failed(
        f"auth mode is {mode or 'not set'}: endpoint keys are accepted",
        path="properties.authMode",
        expected="AAD",
        actual=mode,
    )
