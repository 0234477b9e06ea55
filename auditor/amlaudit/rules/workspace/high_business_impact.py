from amlaudit.api import Context, Option, Resource, Verdict, failed, info, passed, rule

DEFAULT_SENSITIVE_TAGS = [
    "data-classification=confidential",
    "data-classification=highly-confidential",
    "data-classification=restricted",
    "hbi=true",
]


@rule(
    id="AML006",
    name="workspace-sensitive-data-without-hbi",
    title="Azure ML workspaces holding sensitive data set the high-business-impact flag",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:DP-1", "ASB-v1:4.1"],
    options={
        "sensitive_data_tags": Option(
            list,
            DEFAULT_SENSITIVE_TAGS,
            "tags (name=value, case-insensitive) that mark a workspace as holding sensitive data",
        )
    },
    references=["https://learn.microsoft.com/azure/machine-learning/concept-data-encryption"],
)
def workspace_high_business_impact(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.hbiWorkspace`. A workspace tagged as holding sensitive data (option
    `sensitive_data_tags`, e.g. `data-classification=confidential`) fails when the flag is not
    `true`. For other workspaces the flag is a choice, reported as information. No built-in
    Azure Policy covers it (the Azure Landing Zones custom policy requires it everywhere).

    ## Why it matters
    The HBI flag reduces the diagnostic data Microsoft collects from the workspace, encrypts
    local scratch disks of compute clusters and cleans them between jobs.

    ## How to fix
    The flag can only be set when the workspace is created.

    ```bash
    az ml workspace create --name <workspace> --resource-group <rg> --hbi-workspace true
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: { hbiWorkspace: true }
    }
    ```
    """
    hbi = res.bool("properties.hbiWorkspace")
    if hbi is True:
        return passed("high-business-impact flag is set")
    marks = [t.lower() for t in ctx.option("sensitive_data_tags")]
    for mark in marks:
        tag_name, _, tag_value = mark.partition("=")
        value = res.tag(tag_name)
        if value is not None and value.strip().lower() == tag_value:
            return failed(
                f"tagged '{tag_name}={value}' but the high-business-impact flag is not set",
                path="properties.hbiWorkspace",
                expected=True,
                actual=hbi,
            )
    return info("high-business-impact flag not set; the workspace is not tagged as sensitive")
