"""What the blast radius asks: eleven capabilities, each a list of routes to it.

A route is one operation on one kind of target, with how it yields the capability and the
resource-local fact it depends on (rbac.md §2): storage data actions reach data directly; key
listing reaches it only while shared-key access is allowed; a datastore's secret listing only
for credential-based datastores; vault data actions only on RBAC-mode vaults, `vaults/write`
self-grant only on access-policy vaults; ACR push/pull in the registry's authorization mode.
Operations are spelled as the provider operation catalog spells them; matching ignores case.
"""

from __future__ import annotations

from dataclasses import dataclass

ML = "Microsoft.MachineLearningServices/workspaces"
BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"
FILES = "Microsoft.Storage/storageAccounts/fileServices/fileshares/files"
SECRETS = "Microsoft.KeyVault/vaults/secrets"
KEYS = "Microsoft.KeyVault/vaults/keys"
ACR = "Microsoft.ContainerRegistry/registries"
UAMI = "Microsoft.ManagedIdentity/userAssignedIdentities"

# Routes: how an operation yields a capability.
DATA_ACTION = "data-action"
CONTROL = "control-action"
KEY_LISTING = "key-listing"
SECRET_LISTING = "secret-listing"
SELF_GRANT = "self-grant"
ACCESS_POLICY = "access-policy"
UNVERIFIED = "unverified"
IDENTITY = "identity"

# Resource-local preconditions.
SHARED_KEY = "shared-key"
CREDENTIAL_DATASTORE = "credential-datastore"
DEFAULT_STORAGE = "default-storage"
RBAC_VAULT = "rbac-vault"
POLICY_VAULT = "access-policy-vault"
ADMIN_USER = "admin-user"
REGISTRY_RBAC = "registry-rbac"
REGISTRY_ABAC = "registry-abac"


@dataclass(frozen=True, slots=True)
class Route:
    operation: str
    is_data: bool
    target: str  # storage, workspace, vault, cmk-vault, registry, identity
    route: str
    when: str | None = None

    @property
    def key(self) -> tuple[str, bool]:
        """How a role's granted operations are looked up (`Evaluator.role_ops`)."""
        return (self.operation, self.is_data)


@dataclass(frozen=True)
class Capability:
    id: str
    title: str
    routes: tuple[Route, ...]
    # Key Vault access-policy permissions (secrets/keys lists) that give it in policy mode.
    policy: tuple[str, tuple[str, ...]] | None = None


def _storage(*data_ops: str) -> tuple[Route, ...]:
    """Data actions on the account, plus the credential routes every storage capability has."""
    return (
        *(Route(op, True, "storage", DATA_ACTION) for op in data_ops),
        Route(
            "Microsoft.Storage/storageAccounts/listkeys/action",
            False,
            "storage",
            KEY_LISTING,
            SHARED_KEY,
        ),
        Route(
            "Microsoft.Storage/storageAccounts/listAccountSas/action",
            False,
            "storage",
            KEY_LISTING,
            SHARED_KEY,
        ),
        Route(
            "Microsoft.Storage/storageAccounts/regeneratekey/action",
            False,
            "storage",
            KEY_LISTING,
            SHARED_KEY,
        ),
        Route(
            f"{ML}/datastores/listsecrets/action",
            False,
            "workspace",
            SECRET_LISTING,
            CREDENTIAL_DATASTORE,
        ),
        Route(
            f"{ML}/listStorageAccountKeys/action", False, "workspace", KEY_LISTING, DEFAULT_STORAGE
        ),
        Route(f"{ML}/listKeys/action", False, "workspace", KEY_LISTING, DEFAULT_STORAGE),
    )


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "data-read",
        "read training data",
        _storage(f"{BLOBS}/read", f"{FILES}/read"),
    ),
    Capability(
        "data-write",
        "write or delete training data",
        _storage(f"{BLOBS}/write", f"{BLOBS}/delete", f"{BLOBS}/add/action", f"{FILES}/write"),
    ),
    Capability(
        "secrets-read",
        "read Key Vault secrets",
        (
            Route(f"{SECRETS}/getSecret/action", True, "vault", DATA_ACTION, RBAC_VAULT),
            Route(
                "Microsoft.KeyVault/vaults/accessPolicies/write",
                False,
                "vault",
                SELF_GRANT,
                POLICY_VAULT,
            ),
            Route("Microsoft.KeyVault/vaults/write", False, "vault", SELF_GRANT, POLICY_VAULT),
            Route(f"{ML}/connections/listsecrets/action", False, "workspace", SECRET_LISTING),
            Route(f"{ML}/environments/readSecrets/action", False, "workspace", SECRET_LISTING),
            Route(f"{ML}/metadata/secrets/read", False, "workspace", UNVERIFIED),
        ),
        policy=("secrets", ("get", "all")),
    ),
    Capability(
        "cmk-use",
        "use or rotate the customer-managed key",
        (
            Route(f"{KEYS}/unwrap/action", True, "cmk-vault", DATA_ACTION, RBAC_VAULT),
            Route(f"{KEYS}/decrypt/action", True, "cmk-vault", DATA_ACTION, RBAC_VAULT),
            Route(f"{KEYS}/rotate/action", True, "cmk-vault", DATA_ACTION, RBAC_VAULT),
            Route(
                "Microsoft.KeyVault/vaults/accessPolicies/write",
                False,
                "cmk-vault",
                SELF_GRANT,
                POLICY_VAULT,
            ),
            Route("Microsoft.KeyVault/vaults/write", False, "cmk-vault", SELF_GRANT, POLICY_VAULT),
        ),
        policy=("keys", ("unwrapkey", "decrypt", "rotate", "all")),
    ),
    Capability(
        "image-pull",
        "pull images",
        (
            Route(f"{ACR}/pull/read", False, "registry", CONTROL, REGISTRY_RBAC),
            Route(f"{ACR}/repositories/content/read", True, "registry", DATA_ACTION, REGISTRY_ABAC),
            Route(f"{ACR}/listCredentials/action", False, "registry", KEY_LISTING, ADMIN_USER),
        ),
    ),
    Capability(
        "image-push",
        "push images",
        (
            Route(f"{ACR}/push/write", False, "registry", CONTROL, REGISTRY_RBAC),
            Route(
                f"{ACR}/repositories/content/write", True, "registry", DATA_ACTION, REGISTRY_ABAC
            ),
            Route(f"{ACR}/listCredentials/action", False, "registry", KEY_LISTING, ADMIN_USER),
            Route(f"{ACR}/scheduleRun/action", False, "registry", CONTROL),
        ),
    ),
    Capability(
        "compute-change",
        "create or change computes",
        (Route(f"{ML}/computes/write", False, "workspace", CONTROL),),
    ),
    Capability(
        "job-submit",
        "submit jobs (code runs as the compute's identity)",
        (
            Route(f"{ML}/jobs/write", False, "workspace", CONTROL),
            Route(f"{ML}/experiments/runs/submit/action", False, "workspace", CONTROL),
        ),
    ),
    Capability(
        "endpoint-deploy",
        "deploy endpoints (code runs as the endpoint's identity)",
        (
            Route(f"{ML}/onlineEndpoints/deployments/write", False, "workspace", CONTROL),
            Route(f"{ML}/batchEndpoints/deployments/write", False, "workspace", CONTROL),
        ),
    ),
    Capability(
        "network-change",
        "change network isolation and outbound rules",
        (
            Route(f"{ML}/write", False, "workspace", CONTROL),
            Route(f"{ML}/managedNetworks/outboundRules/write", False, "workspace", CONTROL),
            Route(f"{ML}/outboundRules/write", False, "workspace", CONTROL),
            Route(f"{ML}/privateEndpointConnections/write", False, "workspace", CONTROL),
        ),
    ),
    Capability(
        "role-assign",
        "assign roles",
        (Route("Microsoft.Authorization/roleAssignments/write", False, "workspace", CONTROL),),
    ),
    Capability(
        "identity-takeover",
        "take over a user-assigned identity",
        (
            Route(f"{UAMI}/federatedIdentityCredentials/write", False, "identity", CONTROL),
            Route(f"{UAMI}/assign/action", False, "identity", UNVERIFIED),
        ),
    ),
)
# The workspace identity: a datastore written with `serviceDataAccessAuthIdentity` makes
# studio previews read as it (rbac.md §3.6, "verify live").
DATASTORE_WRITE = Route(f"{ML}/datastores/write", False, "workspace", UNVERIFIED)
ROUTE_OPERATIONS = tuple(
    sorted(
        {(r.operation, r.is_data) for c in CAPABILITIES for r in c.routes}
        | {(DATASTORE_WRITE.operation, False)}
    )
)
BY_ID = {capability.id: capability for capability in CAPABILITIES}
ORDER = {capability.id: number for number, capability in enumerate(CAPABILITIES)}
# Capabilities that let a principal run code as an identity (the transitive hop).
RUNS_AS = {"compute": "job-submit", "endpoint": "endpoint-deploy"}
