from amlaudit.api import (
    Context,
    Evidence,
    Option,
    Resource,
    Verdict,
    failed,
    rule,
    skip,
)
from amlaudit.checks import ACCESS_READS, access_passed, without_rbac, workspace_access


@rule(
    id="AML169",
    name="too-many-training-data-readers",
    title="Few principals can read a workspace's training data",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=ACCESS_READS,
    controls=["MCSB-v1:PA-7", "ASB-v1:4.6"],
    references=["https://learn.microsoft.com/azure/role-based-access-control/best-practices"],
    since="0.2.0",
    status="preview",
    labels=["access"],
    options={
        "max_data_readers": Option(
            int, 10, "most principals (a group counts as one) that may read a workspace's data"
        )
    },
)
def many_data_readers(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Counts the distinct principals that can read the workspace's training data (its default
    storage and every datastore target) in its blast radius (`amlaudit access`): directly,
    through a credential, through an identity they can run code as, conditionally, or once a
    PIM eligibility is activated. Grants graded `possible` are not counted. A group counts as
    one principal (its membership is not in ARM). It fails above `max_data_readers`
    (default 10). A workspace that would pass with an unknown role or unreadable authorization
    data reports an error.
    A snapshot holding no role assignment at all is skipped.

    ## Why it matters
    Every principal that can read the data is an account whose compromise leaks it. Counts
    grow silently as subscription-wide roles, key-listing roles and compute identities
    accumulate; a threshold makes the growth visible.

    ## How to fix
    Remove broad roles that reach the data through key listing (Contributor on the resource
    group, Storage Account Contributor), disable shared keys so key listing stops reading data,
    and consolidate the remaining readers into a group.

    ```bash
    az storage account update --name <account> --resource-group <rg> --allow-shared-key-access false
    ```

    ```bicep
    resource trainingData 'Microsoft.Storage/storageAccounts@2026-09-01' = {
      name: accountName
      location: location
      sku: { name: 'Standard_ZRS' }
      kind: 'StorageV2'
      properties: {
        allowSharedKeyAccess: false
      }
    }
    ```
    """
    limit = int(ctx.option("max_data_readers"))
    if reason := without_rbac(ctx):
        return skip(reason)
    result = workspace_access(res, ctx)
    readers = sorted(
        {
            g.principal_id
            for g in result.grants
            if g.capability == "data-read" and g.grade.value != "possible"
        }
    )
    if len(readers) > limit:
        return failed(
            f"{len(readers)} principals can read the training data (at most {limit} allowed)",
            Evidence("access.data-read", f"<= {limit} principals", readers),
        )
    return access_passed(
        res, ctx, result, f"{len(readers)} principal(s) can read the training data (limit {limit})"
    )
