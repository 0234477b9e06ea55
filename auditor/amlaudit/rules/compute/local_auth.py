from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML020",
    name="compute-local-auth-enabled",
    title="Azure ML compute instances and clusters disable local authentication",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:IM-1", "ASB-v1:3.9"],
    azure_policy=[
        "e96a9a5f-07ca-471b-9bc5-6a0f33cbd68f",
        "a6f9a2d0-cff7-4855-83ad-4cd750666512",
    ],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-integrate-azure-policy"],
)
def compute_local_auth(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.disableLocalAuth` is `true` on computes of type `ComputeInstance` or
    `AmlCompute`, as Azure Policy e96a9a5f checks (and a6f9a2d0 remediates): `false` or absent
    fails. Attached computes and other types are skipped.

    ## Why it matters
    With local authentication on, the compute accepts keys and SSH credentials that bypass
    Microsoft Entra ID: no conditional access, no MFA and no per-user audit trail.

    ## How to fix
    The setting is fixed at creation: recreate the compute with local authentication off.

    ```bash
    az ml compute create --name <compute> --resource-group <rg> --workspace-name <workspace> \\
      --type AmlCompute --size Standard_DS3_v2 --set disable_local_auth=true
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: { computeType: 'AmlCompute', disableLocalAuth: true }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance", "AmlCompute")
    if reason:
        return skip(reason)
    value = res.bool("properties.disableLocalAuth")
    if value is True:
        return passed("local authentication is disabled")
    return failed(
        "local authentication is " + ("enabled" if value is False else "not disabled (not set)"),
        path="properties.disableLocalAuth",
        expected=True,
        actual=value,
    )
