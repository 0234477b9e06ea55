from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same, skip
from amlaudit.checks import governing_workspace, via_hub

COMPUTES = "Microsoft.MachineLearningServices/workspaces/computes"


@rule(
    id="AML013",
    name="workspace-private-registry-without-image-build-compute",
    title="Azure ML workspaces with a private container registry name a compute for image builds",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=["Microsoft.ContainerRegistry/registries", COMPUTES],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet#enable-azure-container-registry-acr"
    ],
    overlaps={
        "AML102": (
            "AML013 reads the registry's public access to know whether image builds need a "
            "compute; AML102 judges that setting on the registry"
        ),
    },
)
def workspace_image_build_compute(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    When the workspace's container registry (`properties.containerRegistry`, a hub-based
    project uses its hub's) has `publicNetworkAccess` `Disabled`, ACR Tasks cannot reach it,
    so `properties.imageBuildCompute` must name a compute cluster (`AmlCompute`) of the
    workspace. An empty value, a name with no matching compute in the snapshot, or a compute
    of another type fails. A registry that accepts public traffic, or no registry yet, makes
    the rule not applicable (`skipped`); a registry outside the snapshot is `skipped` with a
    coverage note. No built-in Azure Policy covers it.

    ## Why it matters
    Without a build compute, every environment image build fails once the registry is made
    private, and teams "fix" it by opening the registry to the internet again.

    ## How to fix
    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> \\
      --image-build-compute <cluster-name>
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: { imageBuildCompute: 'cpu-cluster' }
    }
    ```
    """
    judged = governing_workspace(res, ctx)
    registry_id = res.str("properties.containerRegistry") or judged.str(
        "properties.containerRegistry"
    )
    if not registry_id:
        return skip("no container registry is attached yet (Azure ML creates a public one)")
    registry = ctx.resolve(registry_id, "container registry")
    access = registry.str("properties.publicNetworkAccess")
    if not same(access, "Disabled"):
        return skip(
            via_hub(res, judged)
            + f"registry '{registry.name}' accepts public traffic: ACR Tasks can build images"
        )
    build = (res.str("properties.imageBuildCompute") or "").strip()
    if not build:
        return failed(
            f"registry '{registry.name}' is private and no image build compute is set",
            path="properties.imageBuildCompute",
            expected="the name of a compute cluster",
            actual=None,
        )
    named = [c for c in ctx.children(res, COMPUTES) if c.name.lower() == build.lower()]
    if not named:
        return failed(
            f"image build compute '{build}' does not exist in the workspace",
            path="properties.imageBuildCompute",
            expected="the name of an existing compute cluster",
            actual=build,
        )
    compute_type = named[0].str("properties.computeType")
    if not same(compute_type, "AmlCompute"):
        return failed(
            f"image build compute '{build}' is a {compute_type}, not a compute cluster",
            path="properties.imageBuildCompute",
            expected="an AmlCompute cluster",
            actual=compute_type,
        )
    return passed(f"registry '{registry.name}' is private; images build on cluster '{build}'")
