from amlaudit.api import Context, Resource, Verdict, info, passed, rule


@rule(
    id="AML007",
    name="workspace-v1-legacy-mode",
    title="Azure ML workspaces record whether v1 legacy mode is on",
    severity="info",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=["e413671a-dd10-4cc1-a943-45b598596cb7"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-configure-network-isolation-with-v2"
    ],
)
def workspace_v1_legacy_mode(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.v1LegacyMode`. Azure Policy e413671a asks for `true` "to support network
    isolation backward compatibility"; its own description says to enable it only to keep
    v1 control-plane data inside private networks, and it disables v2 API features. It is a
    choice, so this rule never fails: `true` is reported as information, `false` or absent
    passes.

    ## Why it matters
    Auditors mapping to the Azure Policy built-in want to see the setting; engineers should
    know that v1 legacy mode blocks the v2 APIs (managed online endpoints, v2 jobs).

    ## How to fix
    Nothing to fix. To turn it off:

    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> --v1-legacy-mode false
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: { v1LegacyMode: false }
    }
    ```
    """
    if res.bool("properties.v1LegacyMode") is True:
        return info("v1 legacy mode is on: v2 APIs are blocked, v1 data stays on private networks")
    return passed("v1 legacy mode is off")
