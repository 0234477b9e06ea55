from amlaudit.api import Context, Evidence, Option, Resource, Verdict, failed, passed, rule, skip

BLOB_SERVICES = "Microsoft.Storage/storageAccounts/blobServices"
_POLICIES = (("deleteRetentionPolicy", "blob"), ("containerDeleteRetentionPolicy", "container"))


@rule(
    id="AML086",
    name="storage-blob-soft-delete-disabled",
    title="Storage accounts used by Azure ML keep deleted blobs and containers recoverable",
    severity="medium",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
        BLOB_SERVICES,
    ],
    controls=["MCSB-v1:BR-1", "ASB-v1:9.1"],
    azure_policy=["9fbd64e3-67b8-489b-98e5-fa0007d17e76"],
    references=["https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview"],
    options={
        "blob_soft_delete_min_days": Option(
            int, 7, "Fewest days blob and container soft delete must keep deleted data."
        )
    },
)
def storage_blob_soft_delete(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    On the account's `blobServices/default` child: `properties.deleteRetentionPolicy.enabled`
    and `properties.containerDeleteRetentionPolicy.enabled` are both `true` (what the built-in
    9fbd64e3 deploys), each keeping at least `blob_soft_delete_min_days` days (default 7).
    FileStorage accounts (which have no blob service) are skipped; Azure creates
    `blobServices/default` with every other account, so an input without it is an error (not
    collected), never "not applicable". Judged on the storage accounts in the ML dependency
    scope (`--dependency-scope`).

    ## Why it matters
    Without soft delete, a mistaken `az storage blob delete-batch`, a buggy pipeline step or a
    compromised identity wipes training data, registered model files and job outputs for good.

    ## How to fix
    ```bash
    az storage account blob-service-properties update --account-name <account> \\
      --resource-group <rg> --enable-delete-retention true --delete-retention-days 14 \\
      --enable-container-delete-retention true --container-delete-retention-days 14
    ```

    ```bicep
    resource blob 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
      parent: st
      name: 'default'
      properties: {
        deleteRetentionPolicy: { enabled: true, days: 14 }
        containerDeleteRetentionPolicy: { enabled: true, days: 14 }
      }
    }
    ```
    """
    services = ctx.children(res, BLOB_SERVICES)
    if not services:
        return skip("a FileStorage account has no blob service")
    service, minimum = services[0], int(ctx.option("blob_soft_delete_min_days"))
    problems, kept = [], []
    for field, what in _POLICIES:
        enabled = service.bool(f"properties.{field}.enabled")
        days = service.int(f"properties.{field}.days")
        path = f"blobServices/default.properties.{field}"
        if enabled is not True:
            problems.append(
                (f"{what} soft delete is off", Evidence(f"{path}.enabled", True, enabled))
            )
        elif days is not None and days < minimum:
            problems.append(
                (f"{what} soft delete keeps {days} day(s)", Evidence(f"{path}.days", minimum, days))
            )
        else:
            kept.append(f"{what}s {days if days is not None else '?'} days")
    if problems:
        return failed(
            "; ".join(text for text, _ in problems),
            *(evidence for _, evidence in problems),
        )
    return passed("soft delete keeps deleted " + " and ".join(kept))
