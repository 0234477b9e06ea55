from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML028",
    name="compute-managed-identity-missing",
    title="Azure ML compute instances and clusters have a managed identity",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:IM-3", "ASB-v1:7.12"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication"
    ],
)
def compute_managed_identity(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `identity.type` on a `ComputeInstance` or `AmlCompute` must include `SystemAssigned` or
    `UserAssigned`; absent or `None` fails. Attached computes are skipped. No built-in Azure
    Policy covers it (5f0c7d88 covers the workspace, see AML008).

    ## Why it matters
    Without a managed identity, jobs and notebooks reach storage and registries with keys,
    SAS tokens or service principal secrets that live in code and environment variables.

    ## How to fix
    ```bash
    az ml compute update --name <compute> --resource-group <rg> --workspace-name <workspace> \\
      --identity-type UserAssigned --user-assigned-identities <uai-id>
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      identity: { type: 'UserAssigned', userAssignedIdentities: { '${uai.id}': {} } }
      properties: { computeType: 'AmlCompute' }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance", "AmlCompute")
    if reason:
        return skip(reason)
    kind = res.str("identity.type")
    parts = [p.strip() for p in (kind or "").split(",")]
    if any(one_of(p, "SystemAssigned", "UserAssigned") for p in parts):
        return passed(f"has a managed identity ({kind})")
    return failed(
        "no managed identity" + (f" (identity type '{kind}')" if kind else ""),
        path="identity.type",
        expected="SystemAssigned or UserAssigned",
        actual=kind,
    )
