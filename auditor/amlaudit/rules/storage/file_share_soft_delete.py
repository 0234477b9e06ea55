from amlaudit.api import Context, Option, Resource, Verdict, failed, passed, rule, skip

FILE_SERVICES = "Microsoft.Storage/storageAccounts/fileServices"
PATH = "fileServices/default.properties.shareDeleteRetentionPolicy"


@rule(
    id="AML090",
    name="storage-file-share-soft-delete-disabled",
    title="Storage accounts used by Azure ML keep deleted file shares recoverable",
    severity="medium",
    resource_types=["Microsoft.Storage/storageAccounts"],
    reads=[
        "Microsoft.MachineLearningServices/workspaces",
        "Microsoft.MachineLearningServices/workspaces/datastores",
        FILE_SERVICES,
    ],
    controls=["MCSB-v1:BR-1", "ASB-v1:9.1"],
    references=["https://learn.microsoft.com/azure/storage/files/storage-files-enable-soft-delete"],
    options={
        "file_share_soft_delete_min_days": Option(
            int, 7, "Fewest days file share soft delete must keep deleted shares."
        )
    },
    since="0.2.0",
    status="preview",
)
def storage_file_share_soft_delete(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    On the account's `fileServices/default` child: `properties.shareDeleteRetentionPolicy
    .enabled` is `true`, keeping at least `file_share_soft_delete_min_days` days (default 7).
    Accounts whose file service is not in the snapshot are skipped (BlockBlobStorage accounts
    have none). Judged on the storage accounts in the ML dependency scope
    (`--dependency-scope`).

    ## Why it matters
    The workspace file share (`workspacefilestore`) holds notebooks, code snapshots and the
    users' files of every compute instance. Without soft delete, deleting the share — by
    mistake or by an attacker with the account's keys — loses them for good.

    ## How to fix
    ```bash
    az storage account file-service-properties update --account-name <account> \\
      --resource-group <rg> --enable-delete-retention true --delete-retention-days 14
    ```

    ```bicep
    resource files 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
      parent: st
      name: 'default'
      properties: { shareDeleteRetentionPolicy: { enabled: true, days: 14 } }
    }
    ```
    """
    services = ctx.children(res, FILE_SERVICES)
    if not services:
        return skip("the snapshot holds no file service (fileServices/default) for this account")
    service, minimum = services[0], int(ctx.option("file_share_soft_delete_min_days"))
    enabled = service.bool("properties.shareDeleteRetentionPolicy.enabled")
    days = service.int("properties.shareDeleteRetentionPolicy.days")
    if enabled is not True:
        return failed(
            "file share soft delete is off",
            path=f"{PATH}.enabled",
            expected=True,
            actual=enabled,
        )
    if days is not None and days < minimum:
        return failed(
            f"file share soft delete keeps {days} day(s)",
            path=f"{PATH}.days",
            expected=minimum,
            actual=days,
        )
    return passed(f"soft delete keeps deleted file shares {days if days is not None else '?'} days")
