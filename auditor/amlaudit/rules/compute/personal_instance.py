from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML027",
    name="compute-instance-shared-or-unassigned",
    title="Azure ML compute instances are personal: assigned to one user, applications not shared",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:PA-7", "MCSB-v1:IM-1", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-create-compute-instance#assign-to-another-user"
    ],
)
def compute_instance_personal(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    On a `ComputeInstance`: `properties.properties.personalComputeInstanceSettings.
    assignedUser.objectId` must name the one user the instance belongs to, and
    `properties.properties.applicationSharingPolicy` must not be `Shared` (absent means the
    service default, `Personal`). `computeInstanceAuthorizationType` other than `personal`
    also fails. Other compute types and attached computes are skipped. No built-in Azure
    Policy covers it.

    ## Why it matters
    A compute instance runs as its owner: Jupyter, terminals and data mounts carry that
    user's identity. Shared applications let every workspace user act as the owner; an
    instance with no assigned user has no accountable owner at all.

    ## How to fix
    Recreate the instance for a named user, with personal application sharing.

    ```bash
    az ml compute create --name <instance> --resource-group <rg> --workspace-name <workspace> \\
      --type ComputeInstance --size Standard_DS3_v2 --user-object-id <object-id> \\
      --user-tenant-id <tenant-id>
    ```

    ```bicep
    resource ci 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'ci-alice'
      location: location
      properties: {
        computeType: 'ComputeInstance'
        properties: {
          vmSize: 'Standard_DS3_v2'
          applicationSharingPolicy: 'Personal'
          computeInstanceAuthorizationType: 'personal'
          personalComputeInstanceSettings: { assignedUser: { objectId: userObjectId, tenantId: tenant().tenantId } }
        }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance")
    if reason:
        return skip(reason)
    base = "properties.properties."
    problems = []
    if same(res.str(base + "applicationSharingPolicy"), "Shared"):
        problems.append("applications are shared with every workspace user")
    auth = res.str(base + "computeInstanceAuthorizationType")
    if auth is not None and not same(auth, "personal"):
        problems.append(f"authorization type is '{auth}'")
    user = res.str(base + "personalComputeInstanceSettings.assignedUser.objectId")
    if not user or not user.strip():
        problems.append("no user is assigned")
    if problems:
        return failed(
            "; ".join(problems),
            path=base + "personalComputeInstanceSettings.assignedUser.objectId",
            expected="a personal instance assigned to one user",
            actual={
                "applicationSharingPolicy": res.get(base + "applicationSharingPolicy"),
                "assignedUser": user,
            },
        )
    return passed(f"personal instance assigned to user {user}")
