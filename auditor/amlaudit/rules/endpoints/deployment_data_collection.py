from amlaudit.api import Context, Resource, Verdict, failed, item_get, passed, rule, same

REQUIRED = ("model_inputs", "model_outputs")


@rule(
    id="AML045",
    name="online-deployment-data-collection-off",
    title="Azure ML online deployments collect model inputs and outputs",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"],
    controls=["MCSB-v1:LT-3", "MCSB-v1:DP-2", "ASB-v1:2.3"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-collect-production-data"
    ],
)
def online_deployment_data_collection(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.dataCollector.collections` of an online deployment must hold the collections
    `model_inputs` and `model_outputs` (names compared case-insensitively) with
    `dataCollectionMode` `Enabled`. No `dataCollector` (the service then disables collection),
    a missing collection, or a mode other than `Enabled` fails. No built-in Azure Policy
    covers it.

    ## Why it matters
    Collected inputs and outputs are what model monitoring (drift, data quality) and incident
    review run on; without them a poisoned or misbehaving model in production goes unseen.
    Store them in the workspace storage, which the storage rules keep private.

    ## How to fix
    ```bash
    az ml online-deployment update --file deployment.yml --resource-group <rg> \\
      --workspace-name <workspace>   # data_collector.collections.model_inputs.enabled: 'True'
    ```

    ```bicep
    resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2025-12-01' = {
      parent: endpoint
      name: 'blue'
      location: location
      properties: {
        endpointComputeType: 'Managed'
        dataCollector: {
          collections: {
            model_inputs: { dataCollectionMode: 'Enabled' }
            model_outputs: { dataCollectionMode: 'Enabled' }
          }
        }
      }
    }
    ```
    """
    collections = {
        str(name).lower(): body
        for name, body in res.dict("properties.dataCollector.collections").items()
    }
    missing = sorted(
        name
        for name in REQUIRED
        if not same(item_get(collections.get(name), "dataCollectionMode"), "Enabled")
    )
    if not missing:
        return passed("collects model inputs and outputs")
    return failed(
        "does not collect " + " and ".join(missing),
        path="properties.dataCollector.collections",
        expected={name: {"dataCollectionMode": "Enabled"} for name in REQUIRED},
        actual=sorted(collections) or None,
    )
