from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule, same, skip
from amlaudit.checks import governing_workspace, via_hub


@rule(
    id="AML014",
    name="workspace-shared-private-link-not-approved",
    title="Azure ML workspace shared private links are approved",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link"],
)
def workspace_shared_private_link(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Each entry of `properties.sharedPrivateLinkResources[*]` (outbound private links from the
    workspace's managed resources to your own resources) must have `properties.status`
    `Approved`, compared case-insensitively. `Pending`, `Rejected`, `Disconnected`,
    `Timeout` or no status fails. A workspace without shared private links is not applicable
    (`skipped`). A hub-based project is judged by its hub. No built-in Azure Policy covers it.

    ## Why it matters
    A shared private link that is not approved does not carry traffic: the workload silently
    falls back to a public path, or fails, while the design documents say the data flows
    privately. A pending request can also be approved later by someone who should not.

    ## How to fix
    Approve the connection on the target resource, or remove the stale link.

    ```bash
    az network private-endpoint-connection approve --id <connection-id> \\
      --description "Approved for Azure ML workspace"
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: {
        sharedPrivateLinkResources: [
          { name: 'to-search', properties: { privateLinkResourceId: search.id, groupId: 'searchService', requestMessage: 'Azure ML' } }
        ]
      }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    prefix = via_hub(res, judged)
    links = judged.list("properties.sharedPrivateLinkResources")
    if not links:
        return skip(prefix + "no shared private link resources")
    pending = sorted(
        f"{item_get(link, 'name') or item_get(link, 'properties.privateLinkResourceId')}: "
        f"{item_get(link, 'properties.status') or 'no status'}"
        for link in links
        if not same(item_get(link, "properties.status"), "Approved")
    )
    if pending:
        return failed(
            prefix + f"{len(pending)} of {len(links)} shared private link(s) not approved",
            path="properties.sharedPrivateLinkResources[*].properties.status",
            expected="Approved",
            actual=pending,
        )
    return passed(prefix + f"all {len(links)} shared private link(s) are approved")
