from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import connection_auth_type, holds_secret


@rule(
    id="AML052",
    name="connection-secret-shared-to-all",
    title="Azure ML connections that hold a secret are not shared with every workspace user",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces/connections"],
    controls=["MCSB-v1:IM-8", "MCSB-v1:PA-7", "ASB-v1:7.13", "ASB-v1:4.6"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-connection"],
)
def connection_shared_secret(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For connections whose `properties.authType` stores a secret (anything but `AAD`,
    `ManagedIdentity` or `None`), that `properties.isSharedToAll` is not `true`. Absent counts
    as not shared (the property exists from API version 2024-04-01). Identity-based
    connections are skipped: sharing them shares no credential, each caller still needs their
    own role on the target, unless `properties.useWorkspaceManagedIdentity` is `true`: then
    every call goes out with the workspace's identity, a credential shared like a key, and a
    connection shared to all users fails too. The secret itself is never read.

    ## Why it matters
    A connection shared to all users hands its key, token or password to every member of the
    workspace (and of every project under a hub), including guests and automation, with no
    record of who used it. Restrict it to the people who need it with `sharedUserList`, or
    better, move to Entra ID authentication (AML051).

    ## How to fix
    ```bash
    az ml connection update --name <connection> --workspace-name <workspace> \\
      --resource-group <rg> --set is_shared=false
    ```

    ```bicep
    resource conn 'Microsoft.MachineLearningServices/workspaces/connections@2025-12-01' = {
      parent: workspace
      name: connectionName
      properties: {
        category: 'Git'
        target: 'https://github.com/contoso/models'
        authType: 'PAT'
        isSharedToAll: false
        sharedUserList: [ ownerObjectId ]
        credentials: { pat: gitToken }
      }
    }
    ```
    """
    auth = connection_auth_type(res)
    if res.bool("properties.useWorkspaceManagedIdentity") is True:
        auth = f"workspace managed identity ({auth})"
    elif not holds_secret(auth):
        return skip(f"the connection holds no secret (authType {auth})")
    if res.bool("properties.isSharedToAll") is True:
        return failed(
            f"the {auth} credential of this connection is shared with every workspace user",
            path="properties.isSharedToAll",
            expected=False,
            actual=True,
        )
    named = len(res.list("properties.sharedUserList"))
    return passed(
        f"the {auth} connection is not shared to all users"
        + (f" ({named} named user(s))" if named else "")
    )
