from amlaudit.api import Context, Evidence, Resource, Verdict, failed, one_of, passed, rule, skip
from amlaudit.checks import public_exposure

STORAGE = "Microsoft.Storage/storageAccounts"
STORAGE_DATASTORES = ("AzureBlob", "AzureDataLakeGen2", "AzureFile")


def target_account(res: Resource, ctx: Context) -> Resource | None:
    """The storage account a datastore points at: by subscription, resource group and name
    when the datastore records them (ctx.resolve: outside the snapshot means skipped), else by
    its globally unique account name."""
    name = res.str("properties.accountName")
    if not name:
        return None
    subscription = res.str("properties.subscriptionId")
    group = res.str("properties.resourceGroup")
    if subscription and group:
        account_id = (
            f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{STORAGE}/{name}"
        )
        return ctx.resolve(account_id, "storage account")
    found = ctx.with_value(STORAGE, "name", name)
    return found[0] if found else None


@rule(
    id="AML212",
    name="datastore-on-public-storage",
    title="Azure ML datastores point at storage accounts closed to the internet",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/datastores"],
    reads=[STORAGE],
    controls=["MCSB-v1:NS-2", "MCSB-v1:DP-2", "ASB-v1:1.1"],
    azure_policy=["34c877ad-507e-4c82-993e-3452a6e0ad3c"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-datastore",
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet",
    ],
    overlaps={
        "AML084": (
            "AML212 reports on the datastore (naming the workspace that reads it) the storage "
            "firewall AML084 reports on the account"
        ),
        "AML210": (
            "AML212 follows datastores to storage, AML210 a workspace's default storage: an "
            "account can be reached both ways"
        ),
    },
)
def datastore_public_storage(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a blob, ADLS Gen2 or file-share datastore (`properties.datastoreType`), finds the
    storage account it points at — by `properties.subscriptionId`, `resourceGroup` and
    `accountName` when recorded, else by `accountName` alone (account names are unique within
    a cloud) — and checks that the account is closed to the internet: `publicNetworkAccess`
    `Disabled` or `networkAcls.defaultAction` `Deny`, as policy 34c877ad. An account outside
    the snapshot is skipped with a coverage note; other datastore types are skipped. The
    finding is on the datastore, which names the account to lock down and the workspace that
    reads from it.

    ## Why it matters
    A datastore is where training and scoring data come from. If its account is open to the
    internet, any leaked account key or SAS token — datastores often hold one — reads or
    poisons the data from anywhere, bypassing the workspace's private network.

    ## How to fix
    Add a private endpoint for the account (or a managed-network outbound rule), then deny
    public traffic.

    ```bash
    az storage account update --name <account> --resource-group <rg> --default-action Deny \\
      --public-network-access Disabled
    ```

    ```bicep
    resource data 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: accountName
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: {
        publicNetworkAccess: 'Disabled'
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }
      }
    }
    ```
    """
    kind = res.str("properties.datastoreType")
    if not one_of(kind, *STORAGE_DATASTORES):
        return skip(f"datastoreType {kind or 'not set'} is not backed by a storage account")
    account = target_account(res, ctx)
    if account is None:
        name = res.str("properties.accountName") or "(no accountName)"
        return skip(f"storage account {name} is not in the snapshot; it could not be judged")
    exposure = public_exposure(account)
    if exposure is None:
        return passed(f"storage account '{account.name}' is closed to the internet")
    return failed(
        f"the datastore reads from storage account '{account.name}', which is reachable from "
        f"the internet ({exposure})",
        Evidence(f"{account.id}: network access", "closed to public networks", exposure),
    )
