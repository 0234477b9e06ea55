"""Identity blast radius: who can reach each ML workspace's data, secrets, images and compute.

Offline, from a snapshot: role assignments at every scope above a resource, role definitions
(the snapshot's, else the packaged built-in catalog), deny assignments, conditions, PIM
eligibility, Lighthouse delegations, Key Vault access policies, storage shared-key settings,
datastore credentials and the managed identities that act for the workspace. The facts and
the algorithm are those of the RBAC reference notes (wildcards, scopes, evaluation order).

Modules, one job each: `wildcard` (permission strings), `roles` (definitions and grants),
`catalog` (packaged built-ins), `conditions` (ABAC text), `scopes` (does a scope apply),
`estate` (the assignments of a snapshot), `capabilities` (what is being asked),
`targets` (a workspace's dependencies, from `amlaudit.depscope`), `evaluate` (routes against
assignments), `policies` (Key Vault access policies), `hop` (one transitive hop through
managed identities), `blast` (per workspace), `report` (the JSON contract), `render` and
`render_html` (the formats), `catalog_build` (the script behind the packaged catalog).
"""

# The types the analysis reads: rules built on it declare them (`reads=[...]`), so a live scan
# collects them (the plan follows the rules).
ACCESS_READS = (
    "Microsoft.Authorization/roleAssignments",
    "Microsoft.Authorization/roleDefinitions",
    "Microsoft.Authorization/denyAssignments",
    "Microsoft.Authorization/roleEligibilityScheduleInstances",
    "Microsoft.ManagedServices/registrationAssignments",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.KeyVault/vaults",
    "Microsoft.ContainerRegistry/registries",
    "Microsoft.ManagedIdentity/userAssignedIdentities",
    "Microsoft.MachineLearningServices/workspaces/datastores",
    "Microsoft.MachineLearningServices/workspaces/computes",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.MachineLearningServices/workspaces/batchEndpoints",
)
