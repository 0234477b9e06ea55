from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="AML009",
    name="workspace-system-datastores-use-account-key",
    title="Azure ML workspaces reach their system datastores with identity, not account keys",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:IM-8", "ASB-v1:3.9", "ASB-v1:7.13"],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-disable-local-auth-storage"
    ],
)
def workspace_system_datastores_auth(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    `properties.systemDatastoresAuthMode`: `Identity` passes; `AccessKey`, `UserDelegationSAS`
    or absent fails. Absent means the service default, storage account keys (the property
    exists from api-version 2025-06-01). No built-in Azure Policy covers it.

    ## Why it matters
    With account keys, the workspace stores the default storage account's key in its Key
    Vault and every user who can read the datastore secrets gets full, unaudited access to
    the account. Identity mode lets you turn shared-key access off on the storage account.

    ## How to fix
    ```bash
    az ml workspace update --name <workspace> --resource-group <rg> \\
      --system-datastores-auth-mode identity
    ```

    ```bicep
    resource ws 'Microsoft.MachineLearningServices/workspaces@2025-12-01' = {
      name: name
      location: location
      properties: { systemDatastoresAuthMode: 'Identity' }
    }
    ```
    """
    mode = res.str("properties.systemDatastoresAuthMode")
    if same(mode, "Identity"):
        return passed("system datastores use identity-based access")
    return failed(
        "system datastores use " + (f"'{mode}'" if mode else "account keys (not set)"),
        path="properties.systemDatastoresAuthMode",
        expected="Identity",
        actual=mode,
    )
