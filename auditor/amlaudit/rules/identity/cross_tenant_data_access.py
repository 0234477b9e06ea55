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

CROSS_TENANT = frozenset({"foreigngroup", "lighthouse"})
DATA = frozenset({"data-read", "data-write", "secrets-read"})


@rule(
    id="AML170",
    name="cross-tenant-principal-data-access",
    title="Principals of other tenants cannot reach a workspace's data or secrets",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=ACCESS_READS,
    controls=["MCSB-v1:PA-7", "MCSB-v1:PA-1", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/lighthouse/concepts/recommended-security-practices",
        "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-external-users",
    ],
    since="0.2.0",
    status="preview",
    labels=["access"],
)
def cross_tenant_data_access(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    From the workspace's blast radius (`amlaudit access`): principals of another tenant —
    role assignments to a `ForeignGroup`, and Azure Lighthouse delegations
    (`Microsoft.ManagedServices/registrationAssignments`, each authorization of its
    registration definition, active or eligible) — that can read or write the training data or
    read the vault's secrets, by any route (data roles, key or secret listing, self-grant, an
    identity they can run code as). Grants graded `possible` are left out. A workspace that
    would pass with an unknown role or unreadable authorization data reports an error.
    A snapshot holding no role assignment at all is skipped.

    ## Why it matters
    A managing tenant's users and groups are governed by that tenant: their membership,
    sign-in policies and offboarding are outside your control and your reviews. Delegations are
    usually made for operations, and rarely need the data an ML workspace trains on.

    ## How to fix
    Narrow the Lighthouse offer to roles without data reach (Reader, Monitoring Contributor),
    or remove the ForeignGroup's assignment at the scopes holding ML data.

    ```bash
    az managedservices assignment delete --assignment <registration-assignment-id>
    ```

    ```bicep
    resource offer 'Microsoft.ManagedServices/registrationDefinitions@2022-10-01' = {
      name: guid(subscription().id, 'msp-monitoring')
      properties: {
        registrationDefinitionName: 'MSP monitoring'
        managedByTenantId: mspTenantId
        authorizations: [ {
          principalId: mspOpsGroupId
          roleDefinitionId: '749f88d5-cbae-40b8-bcfc-e573ddc772fa'
        } ]
      }
    }
    ```
    """
    if reason := without_rbac(ctx):
        return skip(reason)
    result = workspace_access(res, ctx)
    found = sorted(
        {
            f"{g.principal_id} ({g.principal_type}): {g.capability} via {g.first.role} at {g.first.scope}"
            for g in result.grants
            if g.capability in DATA
            and g.principal_type.lower() in CROSS_TENANT
            and g.grade.value != "possible"
        }
    )
    if found:
        return failed(
            f"{len(found)} cross-tenant grant(s) reach the workspace's data or secrets",
            Evidence("access", "no ForeignGroup or Lighthouse principal with data access", found),
        )
    return access_passed(
        res, ctx, result, "no principal of another tenant reaches the workspace's data or secrets"
    )
