from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, skip
from amlaudit.checks import connection_auth_type, holds_secret, instant, now


@rule(
    id="AML053",
    name="connection-secret-without-expiry",
    title="Azure ML connections that hold a secret have an expiry time that has not passed",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces/connections"],
    controls=["MCSB-v1:IM-8", "ASB-v1:7.13"],
    references=["https://learn.microsoft.com/azure/machine-learning/how-to-connection"],
)
def connection_secret_expiry(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For connections whose `properties.authType` stores a secret (anything but `AAD`,
    `ManagedIdentity` or `None`): `properties.expiryTime` is set and lies after the scan time
    (`SOURCE_DATE_EPOCH` fixes it). Absent fails: the secret is meant to live forever. A past
    time fails too: the connection is broken, or the secret still works past its review date.
    Identity-based connections are skipped. A malformed time is an error.

    ## Why it matters
    Long-lived personal access tokens and keys are how leaked credentials stay useful. An
    expiry time on the connection records when the secret must be rotated and makes stale
    connections visible.

    ## How to fix
    Rotate the secret, then record its expiry on the connection.

    ```bash
    az ml connection update --name <connection> --workspace-name <workspace> \\
      --resource-group <rg> --set expiry_time=2027-06-30T00:00:00Z
    ```

    ```bicep
    resource conn 'Microsoft.MachineLearningServices/workspaces/connections@2025-12-01' = {
      parent: workspace
      name: connectionName
      properties: {
        category: 'Git'
        target: 'https://github.com/contoso/models'
        authType: 'PAT'
        expiryTime: '2027-06-30T00:00:00Z'
        credentials: { pat: gitToken }
      }
    }
    ```
    """
    auth = connection_auth_type(res)
    if not holds_secret(auth):
        return skip(f"the connection holds no secret (authType {auth})")
    raw = res.get("properties.expiryTime")
    if raw is None:
        return failed(
            f"the {auth} credential has no expiry time",
            path="properties.expiryTime",
            expected="a future time",
            actual=None,
        )
    expires = instant(raw, "properties.expiryTime")
    stamp = expires.strftime("%Y-%m-%d")
    if expires <= now(ctx):
        return failed(
            f"the {auth} credential expired on {stamp}",
            path="properties.expiryTime",
            expected="a future time",
            actual=raw,
        )
    return passed(f"the {auth} credential expires on {stamp}")
