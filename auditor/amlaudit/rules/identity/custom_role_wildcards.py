from amlaudit.access.wildcard import permission_pattern
from amlaudit.api import Context, Evidence, Resource, Verdict, failed, passed, rule, same, skip

# Operations whose reach makes a role dangerous in an ML estate (rbac.md §2): escalation,
# workspace control, secret and key listing, code execution, identity takeover.
SENSITIVE_ACTIONS = (
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Authorization/policyAssignments/delete",
    "Microsoft.MachineLearningServices/workspaces/write",
    "Microsoft.MachineLearningServices/workspaces/delete",
    "Microsoft.MachineLearningServices/workspaces/listKeys/action",
    "Microsoft.MachineLearningServices/workspaces/computes/write",
    "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action",
    "Microsoft.MachineLearningServices/workspaces/connections/listsecrets/action",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write",
    "Microsoft.Storage/storageAccounts/listkeys/action",
    "Microsoft.KeyVault/vaults/write",
    "Microsoft.KeyVault/vaults/accessPolicies/write",
    "Microsoft.ContainerRegistry/registries/listCredentials/action",
    "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
)
SENSITIVE_DATA_ACTIONS = (
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/keys/decrypt/action",
)


def _strings(block: object, key: str) -> list[str]:
    value = block.get(key) if isinstance(block, dict) else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def wildcard_reach(block: object, allow: str, deny: str, probes: tuple[str, ...]) -> list[str]:
    """`pattern -> operation` for each wildcard pattern reaching a probe its block's
    NotActions (or NotDataActions) do not take away."""
    excluded = [permission_pattern(n) for n in _strings(block, deny)]
    reach = []
    for pattern in _strings(block, allow):
        if "*" not in pattern:
            continue
        for op in probes:
            if permission_pattern(pattern).match(op) and not any(x.match(op) for x in excluded):
                reach.append(f"{pattern} -> {op}")
    return reach


@rule(
    id="AML162",
    name="custom-role-wildcard-permissions",
    title="Custom roles do not grant sensitive operations through wildcards",
    severity="high",
    resource_types=["Microsoft.Authorization/roleDefinitions"],
    controls=["MCSB-v1:PA-7", "ASB-v1:4.6", "CIS-Azure-2.0.0:1.23"],
    azure_policy=[
        "a451c1ef-c6ca-483d-87ed-f49761e3ffb5",
        "10ee2ea2-fb4d-45b8-a7e9-a2e770044cd9",
    ],
    references=[
        "https://learn.microsoft.com/azure/role-based-access-control/custom-roles",
        "https://learn.microsoft.com/azure/role-based-access-control/role-definitions",
    ],
)
def custom_role_wildcards(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For each custom role (`properties.type` `CustomRole`; built-ins are skipped), every
    `actions`/`dataActions` entry containing `*` (`*`, `*/write`, `Microsoft.Authorization/*`,
    `Microsoft.MachineLearningServices/*`) is matched against a fixed list of sensitive
    operations: role and policy writes, workspace write/delete/listKeys, datastore and
    connection secrets, compute and deployment writes, storage keys, Key Vault access policies
    and secrets, registry credentials, identity assignment. A match counts unless the same
    block's `notActions`/`notDataActions` remove it (they subtract within their block only).
    Matching follows Azure RBAC: whole string, case-insensitive, `*` spans `/`, and `a/*/b`
    also matches `a/b`. Policy a451c1ef flags every custom role; this one flags those whose
    wildcards reach something dangerous.

    ## Why it matters
    A wildcard grants every operation a provider has today and every one it adds tomorrow. In
    custom roles it usually hands out far more than intended: a "data scientist" role with
    `Microsoft.MachineLearningServices/*` can read every datastore secret, and `*` is Owner in
    disguise.

    ## How to fix
    List the operations the role needs explicitly (or use a built-in ML role such as AzureML
    Data Scientist), and put what must stay out in `notActions`.

    ```bash
    az role definition update --role-definition @ml-job-submitter.json
    ```

    ```bicep
    resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
      name: guid(subscription().id, 'ml-job-submitter')
      properties: {
        roleName: 'ML Job Submitter'
        type: 'CustomRole'
        permissions: [ {
          actions: [
            'Microsoft.MachineLearningServices/workspaces/read'
            'Microsoft.MachineLearningServices/workspaces/jobs/*'
          ]
        } ]
        assignableScopes: [ subscription().id ]
      }
    }
    ```
    """
    if not same(res.str("properties.type"), "CustomRole"):
        return skip("built-in role definition")
    name = res.str("properties.roleName") or res.name
    reach: list[str] = []
    for block in res.list("properties.permissions"):
        reach += wildcard_reach(block, "actions", "notActions", SENSITIVE_ACTIONS)
        reach += wildcard_reach(block, "dataActions", "notDataActions", SENSITIVE_DATA_ACTIONS)
    if not reach:
        return passed(f"custom role '{name}' grants no sensitive operation through a wildcard")
    return failed(
        f"custom role '{name}' grants {len(reach)} sensitive operation(s) through wildcards",
        Evidence("properties.permissions", "no wildcard reaching sensitive operations", reach),
    )
