from amlaudit.api import Context, Resource, Verdict, failed, passed, rule
from amlaudit.checks import governing_workspace, public_network_disabled, via_hub


@rule(
    id="AML002",
    name="workspace-public-access-behind-vnet-allowed",
    title="Azure ML workspaces behind a VNet do not also allow public access",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link#enable-public-access",
    ],
    overlaps={
        "AML001": (
            "AML002 reads public network access to find a workspace that sits behind a VNet yet "
            "stays open; AML001 judges the setting on every workspace"
        ),
    },
)
def workspace_public_access_behind_vnet(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The legacy flag `properties.allowPublicAccessWhenBehindVnet`. `true` fails. When the flag is
    absent the workspace passes only if `publicNetworkAccess` is `Disabled` (the newer setting
    supersedes it); otherwise absent fails, as in the Azure Landing Zones policy
    `Deny-MachineLearning-PublicAccessWhenBehindVnet`. No built-in Azure Policy covers it.
    A hub-based project (`kind: project`) is judged by its hub's settings, which it inherits.

    ## Why it matters
    A workspace with a private endpoint that still allows public access when behind a VNet
    is reachable from the internet: the private endpoint gives a false sense of isolation.

    ## How to fix
    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> \\
      --allow-public-access-when-behind-vnet false --public-network-access Disabled
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: {
        allowPublicAccessWhenBehindVnet: false
        publicNetworkAccess: 'Disabled'
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    value = judged.bool("properties.allowPublicAccessWhenBehindVnet")
    if value is True:
        return failed(
            prefix + "public access is allowed even behind the VNet",
            path="properties.allowPublicAccessWhenBehindVnet",
            expected=False,
            actual=True,
        )
    if value is False:
        return passed(prefix + "public access behind the VNet is not allowed")
    if public_network_disabled(judged):
        return passed(prefix + "flag absent; publicNetworkAccess is Disabled, which supersedes it")
    return failed(
        prefix
        + "allowPublicAccessWhenBehindVnet is not set and public network access is not disabled",
        path="properties.allowPublicAccessWhenBehindVnet",
        expected=False,
        actual=None,
    )
