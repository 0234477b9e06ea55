from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip

KNOWN_PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup", "Device")


@rule(
    id="AML163",
    name="role-assignment-principal-unknown",
    title="Role assignments name principals that still exist",
    severity="low",
    resource_types=["Microsoft.Authorization/roleAssignments"],
    controls=["MCSB-v1:PA-4", "ASB-v1:3.10"],
    references=[
        "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting",
    ],
)
def orphaned_principal(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a role assignment's `properties.principalType` is one of the values ARM documents
    (`User`, `Group`, `ServicePrincipal`, `ForeignGroup`, `Device`, compared
    case-insensitively). ARM reports `Unknown` when the principal can no longer be resolved in
    the directory — almost always because it was deleted; the portal lists these as "Identity
    not found". ARM alone cannot prove the deletion, so the finding says "likely orphaned". An
    assignment with no `principalType` at all (API versions before 2018-09-01-preview) is
    skipped: nothing can be concluded.

    ## Why it matters
    Orphaned assignments clutter access reviews and hide real grants; if an object ID is ever
    restored or re-used from a soft-deleted state, the old access comes back with it.

    ## How to fix
    Confirm in Microsoft Entra ID that the object is gone, then remove the assignment.

    ```bash
    az role assignment delete --ids <assignment-id>
    ```

    ```bicep
    // Remove the roleAssignments resource for the deleted principal from the template and
    // redeploy with mode Complete, or delete it with the CLI above.
    resource kept 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      name: guid(resourceGroup().id, mlUsersGroupId, 'reader')
      properties: {
        principalId: mlUsersGroupId
        principalType: 'Group'
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
          'acdd72a7-3385-48ef-bd42-f606fba81ae7')
      }
    }
    ```
    """
    kind = res.str("properties.principalType")
    if kind is None:
        return skip("the assignment does not report principalType (older API version)")
    principal = res.str("properties.principalId")
    if one_of(kind, *KNOWN_PRINCIPAL_TYPES):
        return passed(f"principal {principal} is a {kind}")
    return failed(
        f"principal {principal} has principalType '{kind}': the assignment is likely orphaned "
        "(its principal was deleted)",
        path="properties.principalType",
        expected=list(KNOWN_PRINCIPAL_TYPES),
        actual=kind,
    )
