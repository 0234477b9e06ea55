from amlaudit.api import Context, Resource, Verdict, info, item_get, passed, rule, skip
from amlaudit.checks import compute_not_judged


def _where(ref: dict[str, object]) -> str:
    """Where a script comes from; inline script text is never quoted (it may hold secrets)."""
    source = str(item_get(ref, "scriptSource") or "?")
    if source.lower() == "inline":
        return "inline script"
    return f"{source} {item_get(ref, 'scriptData') or ''}".strip()


@rule(
    id="AML034",
    name="compute-instance-setup-scripts",
    title="Azure ML compute instance setup scripts are known and reviewed",
    severity="info",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:AM-5", "MCSB-v1:PV-3", "ASB-v1:6.12"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-customize-compute-instance"
    ],
)
def compute_instance_setup_scripts(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.properties.setupScripts.scripts.creationScript` and `.startupScript` on a
    `ComputeInstance`. A script is reported as information with its source and location so
    it can be reviewed (inline script text is never quoted); it is never a failure, since setup scripts are the supported way to
    customise instances. No script passes. Other compute types and attached computes are
    skipped.

    ## Why it matters
    Setup scripts run as root on every start, from a file in workspace storage or inline:
    whoever can edit that file runs code on the instance as its owner.

    ## How to fix
    Nothing to fix; keep scripts in source control, review them, and restrict who can write
    to the workspace file share.

    ```bash
    az ml compute show --name <instance> --resource-group <rg> --workspace-name <workspace> \\
      --query "setup_scripts"
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
          setupScripts: { scripts: { startupScript: { scriptSource: 'workspace', scriptData: 'Users/alice/startup.sh' } } }
        }
      }
    }
    ```
    """
    reason = compute_not_judged(res, "ComputeInstance")
    if reason:
        return skip(reason)
    scripts = res.dict("properties.properties.setupScripts.scripts")
    found = sorted(
        f"{kind}: {_where(ref)}"
        for kind, ref in scripts.items()
        if isinstance(ref, dict) and (item_get(ref, "scriptData") or item_get(ref, "scriptSource"))
    )
    if found:
        return info("runs setup script(s) as root: " + "; ".join(found))
    return passed("no setup scripts")
