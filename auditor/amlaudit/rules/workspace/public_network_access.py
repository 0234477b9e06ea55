from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same
from amlaudit.checks import governing_workspace, via_hub


@rule(
    id="AML001",
    name="workspace-public-network-access-enabled",
    title="Azure ML workspaces disable public network access",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=[
        "438c38d2-3772-465a-a9cc-7a6666a275ce",
        "a10ee784-7409-4941-b091-663697637c0f",
    ],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link",
    ],
)
def workspace_public_network_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.publicNetworkAccess` is `Disabled`. As in Azure Policy 438c38d2, an absent
    value is non-compliant: older workspaces that never set it accept public traffic.

    A hub-based project (`kind: project`) is reached through its hub's network settings, so a
    project is judged by the hub named in `properties.hubResourceId` (the finding says so); a
    hub outside the snapshot makes the project's finding `skipped`.

    ## Why it matters
    With public network access on, the workspace API, studio and the notebooks behind it are
    reachable from the internet; only authentication stands between an attacker and your
    models, data connections and compute.

    ## How to fix
    Put the workspace behind a private endpoint first, then disable public access.

    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> --public-network-access Disabled
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: {
        publicNetworkAccess: 'Disabled'
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    value = judged.str("properties.publicNetworkAccess")
    if same(value, "Disabled"):
        return passed(prefix + "public network access is disabled")
    return failed(
        prefix + "public network access is " + (f"'{value}'" if value else "not set (enabled)"),
        path="properties.publicNetworkAccess",
        expected="Disabled",
        actual=value,
    )
