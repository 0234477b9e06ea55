from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import POLICY_ASSIGNMENTS, parent_workspace
from amlaudit.lifecycle import ENDPOINTS, WORKSPACES, traffic_share
from amlaudit.provenance import (
    MODEL_VERSIONS,
    model_source,
    policy_objection,
    registry_policies,
)


@rule(
    id="AML235",
    name="production-deployment-model-not-governed",
    title="Azure ML online deployments receiving traffic serve a registered model version "
    "their workspace's policies allow",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    reads=[ENDPOINTS, WORKSPACES, POLICY_ASSIGNMENTS, MODEL_VERSIONS],
    controls=["MCSB-v1:AM-2", "MCSB-v1:AM-5", "ASB-v1:6.9", "ASB-v1:6.8"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-share-models-pipelines-across-workspaces-with-registries",
        "https://learn.microsoft.com/azure/machine-learning/how-to-integrate-azure-policy",
    ],
    since="0.2.0",
    overlaps={
        "AML190": "AML190 asks that data-plane policies be enforced over the workspace; AML235 "
        "applies the parameters of the enforced registry-model policies to each deployment"
    },
    status="preview",
)
def production_model_provenance(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For an online deployment receiving traffic, `properties.model` must be a registered model
    version: a workspace model version ARM ID (or the SDK's `azureml:<name>:<version>`), or a
    registry asset `azureml://registries/<registry>/models/<name>/versions|labels/...`. A raw
    path (datastore, URL, local) fails, and so does a workspace version the snapshot records
    with `properties.isAnonymous: true` (an inline model, registered under a generated name).

    Where the ML data-plane built-ins are assigned directly over the workspace and enforced
    (`enforcementMode` not `DoNotEnforce`, `effect` not `Disabled`), a registry model must
    also satisfy their parameters: 19539b54 — not in `restrictedModels` and from
    `allowedRegistryName`; 12e5dd16 — an `allowedAssetIds` entry contained in the asset ID,
    unless `allowedPublishers` is set (the publisher is checked inside Azure ML; ARM does not
    show it). Parameters of policy-set assignments are not resolved.

    ## Why it matters
    A production model should be traceable to a registered, versioned asset — with its
    training job, data and approval — so that it can be reviewed, reproduced and rolled back.
    A model deployed from a path is whatever the files held at deployment time.

    ## How to fix
    ```bash
    az ml model create --name fraud-gbm --version 8 --path ./model \\
      --resource-group <rg> --workspace-name <ws>
    az ml online-deployment update --name <deployment> --endpoint-name <endpoint> \\
      --resource-group <rg> --workspace-name <ws> --set model=azureml:fraud-gbm:8
    ```

    ```bicep
    resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2025-12-01' = {
      parent: endpoint
      name: 'blue'
      location: location
      properties: {
        endpointComputeType: 'Managed'
        model: 'azureml://registries/contoso-models/models/fraud-gbm/versions/8'
      }
    }
    ```
    """
    share = traffic_share(res, ctx)
    if share <= 0:
        return skip("the deployment receives no traffic")
    source = model_source(res)
    path = "properties.model"
    if source.kind == "raw":
        return failed(
            f"serves {share}% of traffic from an unregistered model path",
            path=path,
            expected="a workspace or registry model version",
            actual=source.value or None,
        )
    if source.kind == "workspace":
        version = ctx.get(source.value) if source.value.startswith("/") else None
        if version is not None and version.bool("properties.isAnonymous") is True:
            return failed(
                f"serves {share}% of traffic from an anonymous model asset",
                path=path,
                expected="a named model version",
                actual=source.value,
            )
        return passed("serves a registered workspace model version")
    objections = [
        why
        for policy in registry_policies(parent_workspace(res, ctx), ctx)
        if (why := policy_objection(source, policy))
    ]
    if objections:
        return failed(
            f"serves registry model from '{source.registry}': " + "; ".join(objections),
            path=path,
            expected="a model the ML data-plane policies allow",
            actual=source.value,
        )
    return passed(f"serves a model version from registry '{source.registry}'")
