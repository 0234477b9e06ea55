from amlaudit.api import Context, Resource, Verdict, failed, passed, rule

OPEN_RANGES = {"0.0.0.0/0", "0.0.0.0", "*"}


@rule(
    id="AML125",
    name="aks-api-server-publicly-reachable",
    title="AKS clusters keep the API server private or behind authorized IP ranges",
    severity="high",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=[
        "040732e8-d947-40b8-95d6-854c95024bf8",
        "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea",
    ],
    references=[
        "https://learn.microsoft.com/azure/aks/private-clusters",
        "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges",
    ],
)
def aks_api_server_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.apiServerAccessProfile.enablePrivateCluster` is `true`, or else that
    `properties.apiServerAccessProfile.authorizedIPRanges` lists at least one range and none
    of them is the whole internet (`0.0.0.0/0`). This is Azure Policy 0e246bcf (authorized
    ranges or private); 040732e8 (private only) is stricter, and a cluster that passes with
    authorized ranges is named as such in the message.

    ## Why it matters
    The Kubernetes API server of a cluster that serves or trains models is a direct route to
    its workloads, secrets and the managed identities attached to them. Reachable from any
    address, it depends on credentials alone.

    ## How to fix
    ```bash
    az aks update --name <cluster> --resource-group <rg> \\
      --api-server-authorized-ip-ranges 203.0.113.0/24
    ```

    ```bicep
    resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
      name: name
      location: location
      properties: {
        apiServerAccessProfile: { enablePrivateCluster: true }
      }
    }
    ```
    """
    if res.bool("properties.apiServerAccessProfile.enablePrivateCluster") is True:
        return passed("the API server is private")
    ranges = [
        str(r).strip() for r in res.list("properties.apiServerAccessProfile.authorizedIPRanges")
    ]
    too_wide = sorted(r for r in ranges if r in OPEN_RANGES)
    if ranges and not too_wide:
        return passed(f"the public API server admits {len(ranges)} authorized IP range(s) only")
    return failed(
        "the API server is public and "
        + (
            f"its authorized ranges include {', '.join(too_wide)}"
            if too_wide
            else "open to any address"
        ),
        path="properties.apiServerAccessProfile",
        expected="enablePrivateCluster true, or authorizedIPRanges without 0.0.0.0/0",
        actual={
            "enablePrivateCluster": res.get(
                "properties.apiServerAccessProfile.enablePrivateCluster"
            ),
            "authorizedIPRanges": ranges,
        },
    )
