from amlaudit.api import Context, Resource, Verdict, info, passed, rule, skip
from amlaudit.provenance import MODEL_VERSIONS


@rule(
    id="AML236",
    name="model-version-without-training-job",
    title="Azure ML model versions name the training job that produced them",
    severity="info",
    resource_types=[MODEL_VERSIONS],
    controls=["MCSB-v1:AM-1", "ASB-v1:6.2"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-manage-models"],
    since="0.2.0",
    status="preview",
)
def model_version_training_link(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.jobName` of a workspace model version ("name of the training job which
    produced this model"): set passes, absent is reported as information. Archived versions
    are skipped.

    ## Why it matters
    The job link is the model's lineage: the code, environment, data and identity that built
    it. A version registered from files uploaded by hand has none, so a review cannot tell
    what it was trained on.

    ## How to fix
    ```bash
    az ml model create --name fraud-gbm --version 8 --type mlflow_model \\
      --path azureml://jobs/<job-name>/outputs/artifacts/paths/model \\
      --resource-group <rg> --workspace-name <ws>
    ```

    ```bicep
    resource version 'Microsoft.MachineLearningServices/workspaces/models/versions@2025-12-01' = {
      parent: model
      name: '8'
      properties: {
        modelUri: 'azureml://jobs/train-fraud-42/outputs/artifacts/paths/model'
        jobName: 'train-fraud-42'
      }
    }
    ```
    """
    if res.bool("properties.isArchived") is True:
        return skip("the model version is archived")
    job = res.str("properties.jobName")
    if job:
        return passed(f"produced by job '{job}'")
    return info("no training job is recorded (properties.jobName is absent)")
