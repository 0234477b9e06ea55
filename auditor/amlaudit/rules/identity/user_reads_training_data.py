from amlaudit.api import (
    Context,
    Evidence,
    Resource,
    Verdict,
    failed,
    rule,
    skip,
)
from amlaudit.checks import ACCESS_READS, access_passed, without_rbac, workspace_access

# Grades that mean "holds it now" (possible needs live verification; eligible needs activation).
HELD = frozenset({"direct", "via-credential", "indirect", "conditional"})


@rule(
    id="AML166",
    name="user-can-read-training-data",
    title="Individual users do not hold standing read access to a workspace's training data",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=ACCESS_READS,
    controls=["MCSB-v1:PA-7", "MCSB-v1:PA-1", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-assign-roles",
        "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
    ],
    since="0.2.0",
    status="preview",
    labels=["access"],
)
def user_reads_training_data(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Computes the workspace's identity blast radius (`amlaudit access`) and fails when a
    principal of type `User` can read its training data — the default storage account and every
    datastore's target — directly (Storage Blob/File data roles), through a credential (storage
    `listkeys` while shared keys are allowed, datastore `listsecrets` on credential-based
    datastores, `listStorageAccountKeys`), through a managed identity it can run code as, or
    under an ABAC condition. Grants through groups pass; PIM-eligible grants pass (activation
    is reviewed); grants graded `possible` are left out. Role assignments at every scope count,
    with Azure's wildcard semantics, NotActions and deny assignments. If a role is unknown or
    authorization data could not be read, a workspace that would pass reports an error.
    A snapshot holding no role assignment at all is skipped.

    ## Why it matters
    Standing data access held by individual accounts is invisible in group reviews and outlives
    the project it was granted for; a phished account then reads the training set. Granting it
    to a group (with PIM for the rare direct need) keeps it reviewable in one place.

    ## How to fix
    Move the user's assignment to a group, or replace it with a PIM eligibility.

    ```bash
    az role assignment delete --assignee <user-object-id> --role "Storage Blob Data Reader" \\
      --scope <storage-account-id>
    az role assignment create --assignee-object-id <group-id> --assignee-principal-type Group \\
      --role "Storage Blob Data Reader" --scope <storage-account-id>
    ```

    ```bicep
    resource readers 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      scope: trainingData
      name: guid(trainingData.id, dataReadersGroupId, 'blob-reader')
      properties: {
        principalId: dataReadersGroupId
        principalType: 'Group'
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
          '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
      }
    }
    ```
    """
    if reason := without_rbac(ctx):
        return skip(reason)
    result = workspace_access(res, ctx)
    users = sorted(
        {
            f"{g.principal_id} ({g.first.role} at {g.first.scope}, {g.grade.value})"
            for g in result.grants
            if g.capability == "data-read"
            and g.principal_type.lower() == "user"
            and g.grade.value in HELD
        }
    )
    if users:
        return failed(
            f"{len(users)} individual user grant(s) can read the training data",
            Evidence("access.data-read", "groups only", users),
        )
    return access_passed(
        res, ctx, result, "no individual user holds standing read access to the training data"
    )
