from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML022",
    name="compute-instance-ssh-public-access-enabled",
    title="Azure ML compute instances keep the public SSH port closed",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:NS-2", "MCSB-v1:PA-1", "ASB-v1:1.1", "CIS-Azure-2.0.0:6.2"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-create-compute-instance"
    ],
)
def compute_instance_ssh_public_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.sshSettings.sshPublicAccess` on a `ComputeInstance`: `Enabled`
    fails; `Disabled` passes; absent passes, because the service opens the SSH port only
    when the instance is created with an admin public key and SSH enabled. Other compute
    types and attached computes are skipped (clusters: see AML024). No built-in Azure Policy
    covers it; the CIS benchmark's "SSH access is restricted from the internet" applies.

    ## Why it matters
    An open SSH port on a notebook VM is a direct, internet-facing login to a machine that
    holds the user's token, data mounts and code.

    ## How to fix
    SSH access is fixed at creation: recreate the instance without public SSH and connect
    through the studio, VS Code remote or a private network.

    ```bash
    az ml compute create --name <instance> --resource-group <rg> --workspace-name <workspace> \\
      --type ComputeInstance --size Standard_DS3_v2 --ssh-public-access-enabled false
    ```

    ```bicep
    resource ci 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'ci-alice'
      location: location
      properties: {
        computeType: 'ComputeInstance'
        properties: { vmSize: 'Standard_DS3_v2', sshSettings: { sshPublicAccess: 'Disabled' } }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance")
    if reason:
        return skip(reason)
    value = res.str("properties.properties.sshSettings.sshPublicAccess")
    if same(value, "Enabled"):
        port = res.get("properties.properties.sshSettings.sshPort")
        return failed(
            "public SSH access is enabled" + (f" on port {port}" if port else ""),
            path="properties.properties.sshSettings.sshPublicAccess",
            expected="Disabled",
            actual=value,
        )
    return passed("public SSH access is " + ("disabled" if value else "off (not set)"))
