from amlaudit.api import Context, DataError, Option, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import compute_not_judged

# General-purpose, memory- and compute-optimised CPU sizes plus entry-level T4 GPUs; the
# large GPU sizes (A100/H100 NC and ND series) are the expensive ones and must be allowed
# explicitly.
DEFAULT_ALLOWED_VM_SIZES = [
    "Standard_D2s_v3",
    "Standard_D4s_v3",
    "Standard_D8s_v3",
    "Standard_D16s_v3",
    "Standard_D2ds_v5",
    "Standard_D4ds_v5",
    "Standard_D8ds_v5",
    "Standard_DS2_v2",
    "Standard_DS3_v2",
    "Standard_DS4_v2",
    "Standard_DS11_v2",
    "Standard_DS12_v2",
    "Standard_E4s_v3",
    "Standard_E8s_v3",
    "Standard_E4ds_v5",
    "Standard_E8ds_v5",
    "Standard_F4s_v2",
    "Standard_F8s_v2",
    "Standard_F16s_v2",
    "Standard_NC4as_T4_v3",
    "Standard_NC8as_T4_v3",
    "Standard_NC16as_T4_v3",
]


@rule(
    id="AML031",
    name="compute-vm-size-not-allowed",
    title="Azure ML compute instances and clusters use an allowed VM size",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    labels=["cost"],
    options={
        "allowed_vm_sizes": Option(
            list, DEFAULT_ALLOWED_VM_SIZES, "VM sizes compute instances and clusters may use"
        )
    },
    references=["https://learn.microsoft.com/azure/machine-learning/concept-compute-target"],
)
def compute_vm_size(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.vmSize` of a `ComputeInstance` or `AmlCompute` must be in the
    option `allowed_vm_sizes` (compared case-insensitively), as the Azure Landing Zones policy
    `Deny-MachineLearning-Compute-VmSize` does. The default list holds general-purpose,
    memory- and compute-optimised CPU sizes and the entry-level T4 GPU sizes
    (`Standard_NC*as_T4_v3`); the large GPU sizes (A100/H100 `NC*ads`, `ND*` series) cost tens
    of times more and must be allowed explicitly by teams that need them. A missing size is
    an error. Attached computes are skipped.

    ## Why it matters
    VM size is the largest cost driver of an ML estate, and GPU quota is scarce: an
    allow-list keeps expensive sizes a deliberate decision.

    ## How to fix
    Recreate the compute with an allowed size, or add the size to `allowed_vm_sizes` in
    `amlaudit.toml` when it is approved.

    ```bash
    az ml compute create --name <compute> --resource-group <rg> --workspace-name <workspace> \\
      --type AmlCompute --size Standard_DS3_v2
    ```

    ```bicep
    resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'cpu-cluster'
      location: location
      properties: { computeType: 'AmlCompute', properties: { vmSize: 'Standard_DS3_v2' } }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance", "AmlCompute")
    if reason:
        return skip(reason)
    size = res.str("properties.properties.vmSize")
    if not size:
        raise DataError("properties.properties.vmSize is absent")
    allowed = {s.strip().lower() for s in ctx.option("allowed_vm_sizes")}
    if size.strip().lower() in allowed:
        return passed(f"VM size {size} is allowed")
    return failed(
        f"VM size {size} is not in the allowed list",
        path="properties.properties.vmSize",
        expected="one of allowed_vm_sizes",
        actual=size,
    )
