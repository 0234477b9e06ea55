from amlaudit.api import Context, Option, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import parent_workspace

DEFAULT_PRODUCTION_TAGS = ["environment=prod", "environment=production"]


def _production_mark(resources: list[Resource], marks: list[str]) -> str | None:
    for resource in resources:
        for mark in marks:
            name, _, value = mark.partition("=")
            found = resource.tag(name.strip())
            if found is not None and found.strip().lower() == value.strip().lower():
                return f"'{resource.name}' is tagged {name.strip()}={found}"
    return None


@rule(
    id="AML046",
    name="online-deployment-single-instance-in-production",
    title="Azure ML online deployments of production endpoints run at least two instances",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
        "Microsoft.MachineLearningServices/workspaces",
    ],
    labels=["reliability"],
    controls=["MCSB-v1:GS-8", "ASB-v1:9.1"],
    options={
        "production_endpoint_tags": Option(
            list,
            DEFAULT_PRODUCTION_TAGS,
            "tags (name=value) on a deployment, its endpoint or its workspace marking production",
        )
    },
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-deploy-online-endpoints"
    ],
)
def online_deployment_instances(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a deployment whose own tags, its endpoint's or its workspace's match the option
    `production_endpoint_tags` (default `environment=prod` or `environment=production`): the
    instance floor must be at least 2. With `properties.scaleSettings.scaleType`
    `TargetUtilization` the floor is `minInstances` (absent: 1); otherwise it is
    `sku.capacity` (absent: 1). Deployments of other endpoints are skipped. No built-in Azure
    Policy covers it; the control mapping (business continuity) is approximate.

    ## Why it matters
    Microsoft recommends at least three instances per production deployment so that OS
    upgrades and node failures never take the model offline; with one instance, each of them
    is an outage. Two is the floor this rule enforces.

    ## How to fix
    ```bash
    az ml online-deployment update --name <deployment> --endpoint-name <endpoint> \\
      --resource-group <rg> --workspace-name <workspace> --instance-count 3
    ```

    ```bicep
    resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2025-12-01' = {
      parent: endpoint
      name: 'blue'
      location: location
      sku: { name: 'Default', capacity: 3 }
      properties: { endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2' }
    }
    ```
    """
    marks = list(ctx.option("production_endpoint_tags"))
    chain = [res, ctx.parent(res), parent_workspace(res, ctx)]
    mark = _production_mark(chain, marks)
    if mark is None:
        return skip(
            "not a production deployment (no production tag on it, its endpoint or workspace)"
        )
    if same(res.str("properties.scaleSettings.scaleType"), "TargetUtilization"):
        path = "properties.scaleSettings.minInstances"
    else:
        path = "sku.capacity"
    floor = res.int(path)
    count = 1 if floor is None else floor
    if count >= 2:
        return passed(f"{mark}; runs at least {count} instances")
    return failed(
        f"{mark} but runs {count} instance" + ("" if floor is not None else " (not set)"),
        path=path,
        expected="at least 2",
        actual=floor,
    )
