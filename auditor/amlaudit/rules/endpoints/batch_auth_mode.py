from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML041",
    name="batch-endpoint-key-or-aml-token-auth",
    title="Azure ML batch endpoints authenticate callers with Microsoft Entra tokens",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/batchEndpoints"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:IM-8", "ASB-v1:3.9", "ASB-v1:7.13"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-batch-endpoint"
    ],
)
def batch_endpoint_auth_mode(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.authMode` of a batch endpoint must be `AADToken`. `AMLToken` and `Key` fail
    (medium, as for online endpoints, AML040); absent fails. No built-in Azure Policy covers
    it.

    ## Why it matters
    Invoking a batch endpoint starts jobs that read input data and write results with the
    deployment's identity; only Entra tokens tie each invocation to an accountable caller
    under conditional access.

    ## How to fix
    ```bash
    az ml batch-endpoint update --name <endpoint> --resource-group <rg> \\
      --workspace-name <workspace> --set auth_mode=aad_token
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/batchEndpoints@2025-12-01' = {
      parent: workspace
      name: 'nightly-scoring'
      location: location
      properties: { authMode: 'AADToken' }
    }
    ```
    """
    mode = res.str("properties.authMode")
    if same(mode, "AADToken"):
        return passed("callers authenticate with Microsoft Entra tokens")
    return failed(
        f"auth mode is {mode or 'not set'}, not Microsoft Entra tokens",
        path="properties.authMode",
        expected="AADToken",
        actual=mode,
    )
