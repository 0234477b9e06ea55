from amlaudit.api import Context, Resource, Verdict, info, passed, rule, same, skip
from amlaudit.lifecycle import monitor_definition

PATH = "computeConfiguration.computeIdentity.computeIdentityType"


@rule(
    id="AML232",
    name="model-monitor-runs-with-aml-token",
    title="Azure ML model monitors run with a managed identity rather than an AML token",
    severity="info",
    resource_types=["Microsoft.MachineLearningServices/workspaces/schedules"],
    controls=["MCSB-v1:IM-3", "ASB-v1:7.12"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-monitor-model-performance"
    ],
    since="0.2.0",
    status="preview",
)
def model_monitor_identity(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a `CreateMonitor` schedule, `action.monitorDefinition.computeConfiguration.computeIdentity
    .computeIdentityType`: `ManagedIdentity` passes; `AmlToken` (also assumed when the
    identity is absent) is reported as information. The 2023-04-01-preview shape, which runs
    on a compute named by `computeId`, is skipped.

    ## Why it matters
    With an AML token the serverless Spark job acts as the user who created the monitor, with
    that user's data access, for as long as the schedule lives. A managed identity can be
    granted exactly the read access the monitor needs and survives the user leaving.

    ## How to fix
    ```bash
    az ml schedule update --name <monitor> --resource-group <rg> --workspace-name <ws> \\
      --set create_monitor.compute.identity.type=managed_identity
    ```

    ```bicep
    resource monitor 'Microsoft.MachineLearningServices/workspaces/schedules@2025-12-01' = {
      parent: workspace
      name: 'fraud-monitor'
      properties: { action: { actionType: 'CreateMonitor', monitorDefinition: {
        computeConfiguration: { computeType: 'ServerlessSpark', instanceType: 'standard_e4s_v3',
          runtimeVersion: '3.4', computeIdentity: { computeIdentityType: 'ManagedIdentity' } } } } }
    }
    ```
    """
    definition = monitor_definition(res)
    if definition is None:
        return skip("not a model monitor (action is not CreateMonitor)")
    if "computeConfiguration" not in definition and definition.get("computeId"):
        return skip("runs on the compute named by computeId (2023-04-01-preview shape)")
    identity = res.get(f"properties.action.monitorDefinition.{PATH}")
    if same(identity, "ManagedIdentity"):
        return passed("runs with a managed identity")
    return info(
        "runs with an AML token (the creating user's access)"
        + ("" if identity else ": no compute identity is set"),
    )
