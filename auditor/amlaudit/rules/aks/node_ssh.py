from amlaudit.api import (
    Context,
    DataError,
    Resource,
    Verdict,
    failed,
    item_get,
    one_of,
    passed,
    rule,
)


@rule(
    id="AML135",
    name="aks-node-ssh-enabled",
    title="AKS node pools do not accept SSH with local user keys",
    severity="medium",
    resource_types=["Microsoft.ContainerService/managedClusters"],
    controls=["MCSB-v1:PA-1", "MCSB-v1:IM-1", "ASB-v1:3.3", "ASB-v1:3.9"],
    azure_policy=["28257686-e9db-403e-b9e2-a5eecbe03da9"],
    references=["https://learn.microsoft.com/azure/aks/manage-ssh-node-access"],
)
def aks_node_ssh(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That every entry of `properties.agentPoolProfiles[*]` has `securityProfile.sshAccess` set
    to `Disabled` or `EntraId` (case-insensitive). As in Azure Policy 28257686, a pool with
    `LocalUser` or no value fails: local-user SSH is the default. A cluster that records no
    agent pools cannot be judged (`error`).

    ## Why it matters
    With local-user SSH, one private key (from `linuxProfile.ssh`) opens a root-capable shell
    on every node of the pool, including GPU nodes serving models, with no per-person
    identity and no way to revoke one user. Node debugging works without it
    (`kubectl debug node/...`).

    ## How to fix
    ```bash
    az aks nodepool update --cluster-name <cluster> --resource-group <rg> --name <pool> \\
      --ssh-access disabled
    ```

    ```bicep
    resource pool 'Microsoft.ContainerService/managedClusters/agentPools@2024-05-01' = {
      parent: aks
      name: 'inference'
      properties: {
        mode: 'User'
        securityProfile: { sshAccess: 'Disabled' }
      }
    }
    ```
    """
    pools = res.list("properties.agentPoolProfiles")
    if not pools:
        raise DataError("properties.agentPoolProfiles records no agent pool")
    open_pools = sorted(
        str(item_get(p, "name") or "?")
        for p in pools
        if not one_of(item_get(p, "securityProfile.sshAccess"), "Disabled", "EntraId")
    )
    if not open_pools:
        return passed(f"local-user SSH is off on all {len(pools)} node pool(s)")
    return failed(
        f"node pool(s) {', '.join(open_pools)} accept SSH with the cluster's local user key",
        path="properties.agentPoolProfiles[*].securityProfile.sshAccess",
        expected="Disabled or EntraId",
        actual=open_pools,
    )
