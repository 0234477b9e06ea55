from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule, skip
from amlaudit.checks import compute_not_judged


@rule(
    id="AML033",
    name="compute-instance-privileged-custom-container",
    title="Azure ML compute instances run custom application containers unprivileged",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:PV-3", "ASB-v1:7.2"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-create-compute-instance#add-custom-applications-such-as-rstudio-or-posit-workbench"
    ],
)
def compute_instance_privileged_container(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Each entry of `properties.properties.customServices[*]` on a `ComputeInstance` (custom
    applications such as RStudio) must not set `docker.privileged` to `true`. No custom
    services passes. Other compute types and attached computes are skipped. No built-in
    Azure Policy covers it.

    ## Why it matters
    A privileged container is root on the host: any image vulnerability or malicious image
    (often pulled from a public registry by tag) takes over the instance, its managed
    identity and the user's mounted data.

    ## How to fix
    Recreate the instance with the custom application unprivileged.

    ```bash
    az ml compute create --file compute-instance.yml --resource-group <rg> \\
      --workspace-name <workspace>   # custom_applications[*].docker.privileged: false
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
          customServices: [ { name: 'rstudio', docker: { privileged: false }, image: { type: 'docker', reference: rstudioImage } } ]
        }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance")
    if reason:
        return skip(reason)
    services = res.list("properties.properties.customServices")
    privileged = sorted(
        str(item_get(s, "name") or item_get(s, "image.reference") or "?")
        for s in services
        if item_get(s, "docker.privileged") in (True, "true", "True")
    )
    if privileged:
        return failed(
            f"custom application(s) run privileged: {', '.join(privileged)}",
            path="properties.properties.customServices[*].docker.privileged",
            expected=False,
            actual=privileged,
        )
    return passed(f"{len(services)} custom application(s), none privileged")
