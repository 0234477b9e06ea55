"""The catalog: one recipe per resource type amlaudit can collect, with pinned api-versions.

ML types are read at the stable 2025-12-01 (the first stable version with every security field
the rules read); the others at the versions the Azure SDK's current clients use. Dependencies
(vaults, storage, registries, App Insights, Log Analytics, AKS) are listed per subscription
(authoritative, one request each) and also fetched by ID when a workspace or a diagnostic
setting references one outside the collected scope.
"""

from __future__ import annotations

from amlaudit.collect.recipes import WORKSPACE, Recipe, Reference, at

ML = "2025-12-01"
# The only api-version the RP manifest still registers for v1 web services, and the only one
# whose datastore list returns v1 SQL/PostgreSQL/MySQL datastores. Not verified against Azure
# here: a 4xx on it is recorded as a collection error (not collectable), never as "none".
ML_V1 = "2020-05-01-preview"
EVENT_GRID = "2025-02-15"
NETWORK = "2026-03-01"
POLICY = "2026-06-01"
GRAPH_API_VERSION = "2022-10-01"
SUBSCRIPTION_API_VERSION = "2022-12-01"


def _ml(child: str, parent: str = "workspaces") -> Recipe:
    parent_type = f"Microsoft.MachineLearningServices/{parent}"
    return Recipe(f"{parent_type}/{child}", ML, child_of=parent_type)


_WS = WORKSPACE
_DIAGNOSED = (
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/registries",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    "Microsoft.KeyVault/vaults",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.Storage/storageAccounts/blobServices",
    "Microsoft.ContainerRegistry/registries",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.Network/networkSecurityGroups",
)
_DIAG = "microsoft.insights/diagnosticsettings"
_COMPUTES = "microsoft.machinelearningservices/workspaces/computes"
_ASSIGNMENTS = "microsoft.authorization/policyassignments"
_ROLE_ASSIGNMENTS = "microsoft.authorization/roleassignments"
_ELIGIBILITY = "microsoft.authorization/roleeligibilityscheduleinstances"

CATALOG: tuple[Recipe, ...] = (
    Recipe("Microsoft.Resources/subscriptions", SUBSCRIPTION_API_VERSION),
    Recipe(
        "Microsoft.MachineLearningServices/workspaces",
        ML,
        listed=True,
        referenced_by=(Reference(_WS, at("properties.hubResourceId")),),
    ),
    Recipe("Microsoft.MachineLearningServices/registries", ML, listed=True),
    *(
        _ml(child)
        for child in (
            "computes",
            "onlineEndpoints",
            "batchEndpoints",
            "serverlessEndpoints",
            "connections",
            "outboundRules",
            "privateEndpointConnections",
        )
    ),
    Recipe(
        "Microsoft.MachineLearningServices/workspaces/datastores",
        ML,
        child_of="Microsoft.MachineLearningServices/workspaces",
        legacy_version=ML_V1,
    ),
    # Model monitors and other schedules; model containers and versions (provenance).
    _ml("schedules"),
    _ml("models"),
    _ml("versions", "workspaces/models"),
    Recipe(
        "Microsoft.MachineLearningServices/workspaces/services",
        ML_V1,
        child_of="Microsoft.MachineLearningServices/workspaces",
    ),
    # Event Grid: the system topic of each ML workspace, its subscriptions, and subscriptions
    # created on the workspace as extension resources. The webhook's full URL is only returned
    # by the getFullUrl action, which is never called.
    Recipe(
        "Microsoft.EventGrid/systemTopics",
        EVENT_GRID,
        listed=True,
        keep_where=("properties.topicType", "Microsoft.MachineLearningServices.Workspaces"),
    ),
    Recipe(
        "Microsoft.EventGrid/systemTopics/eventSubscriptions",
        EVENT_GRID,
        child_of="Microsoft.EventGrid/systemTopics",
    ),
    Recipe("Microsoft.EventGrid/eventSubscriptions", EVENT_GRID, extension_on=(_WS,)),
    # One resource per workspace (`ManagedNetworkSettings_Get`, no list operation): its
    # `properties.managedNetwork` holds the isolation mode and the outbound rules. A 404 means
    # the workspace has none; rules then read the workspace's own `properties.managedNetwork`.
    Recipe(
        "Microsoft.MachineLearningServices/workspaces/managedNetworks",
        ML,
        child_of="Microsoft.MachineLearningServices/workspaces",
        child_path="managedNetworks/default",
        singleton=True,
    ),
    _ml("deployments", "workspaces/onlineEndpoints"),
    _ml("deployments", "workspaces/batchEndpoints"),
    Recipe(
        "Microsoft.KeyVault/vaults",
        "2026-05-15",
        listed=True,
        referenced_by=(
            Reference(
                _WS,
                at("properties.keyVault", "properties.encryption.keyVaultProperties.keyVaultArmId"),
            ),
        ),
    ),
    # Key and secret metadata only: ARM's key list never returns key material and its secret
    # list never returns a secret's value (only the data plane does); one list per vault.
    Recipe("Microsoft.KeyVault/vaults/keys", "2026-05-15", child_of="Microsoft.KeyVault/vaults"),
    Recipe("Microsoft.KeyVault/vaults/secrets", "2026-05-15", child_of="Microsoft.KeyVault/vaults"),
    Recipe(
        "Microsoft.Storage/storageAccounts",
        "2026-09-01",
        listed=True,
        referenced_by=(Reference(_WS, at("properties.storageAccount")),),
    ),
    Recipe(
        "Microsoft.Storage/storageAccounts/blobServices",
        "2026-09-01",
        child_of="Microsoft.Storage/storageAccounts",
    ),
    Recipe(
        "Microsoft.Storage/storageAccounts/fileServices",
        "2026-09-01",
        child_of="Microsoft.Storage/storageAccounts",
    ),
    Recipe(
        "Microsoft.ContainerRegistry/registries",
        "2025-11-01",
        listed=True,
        referenced_by=(Reference(_WS, at("properties.containerRegistry")),),
    ),
    Recipe(
        "Microsoft.Insights/components",
        "2020-02-02",
        listed=True,
        referenced_by=(Reference(_WS, at("properties.applicationInsights")),),
    ),
    Recipe(
        "Microsoft.OperationalInsights/workspaces",
        "2023-09-01",
        listed=True,
        referenced_by=(
            Reference(_DIAG, at("properties.workspaceId")),
            Reference("microsoft.insights/components", at("properties.WorkspaceResourceId")),
        ),
    ),
    Recipe(
        "Microsoft.ContainerService/managedClusters",
        "2026-08-01",
        listed=True,
        referenced_by=(Reference(_COMPUTES, at("properties.resourceId")),),
    ),
    Recipe(
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "2023-01-31",
        listed=True,
        referenced_by=(
            Reference(
                _WS,
                at(
                    "properties.primaryUserAssignedIdentity",
                    "identity.userAssignedIdentities.~keys",
                ),
            ),
        ),
    ),
    Recipe("Microsoft.Network/virtualNetworks", NETWORK, listed=True),
    Recipe(
        "Microsoft.Network/virtualNetworks/subnets",
        NETWORK,
        child_of="Microsoft.Network/virtualNetworks",
    ),
    Recipe("Microsoft.Network/networkSecurityGroups", NETWORK, listed=True),
    Recipe("Microsoft.Network/privateEndpoints", NETWORK, listed=True),
    Recipe("Microsoft.Network/privateDnsZones", "2024-06-01", listed=True),
    Recipe(
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "2024-06-01",
        child_of="Microsoft.Network/privateDnsZones",
    ),
    Recipe("Microsoft.Network/networkWatchers", NETWORK, listed=True),
    Recipe(
        "Microsoft.Network/networkWatchers/flowLogs",
        NETWORK,
        child_of="Microsoft.Network/networkWatchers",
    ),
    Recipe(
        "Microsoft.Authorization/roleAssignments",
        "2022-04-01",
        listed=True,
        subscription_level=True,
        queries=("", "$filter=atScope()"),
    ),
    # Listed per subscription (built-ins and the custom roles assignable there); a definition
    # an assignment references that the list lacks (a custom role of a management group) is
    # fetched by its ID, so `amlaudit access` never has to guess a role.
    Recipe(
        "Microsoft.Authorization/roleDefinitions",
        "2022-04-01",
        listed=True,
        subscription_level=True,
        referenced_by=tuple(
            Reference(source, at("properties.roleDefinitionId"))
            for source in (_ROLE_ASSIGNMENTS, _ELIGIBILITY)
        ),
    ),
    # At the subscription and (atScope) above it: deny assignments of deployment stacks,
    # managed applications and Blueprints, which win over every grant.
    Recipe(
        "Microsoft.Authorization/denyAssignments",
        "2022-04-01",
        listed=True,
        subscription_level=True,
        queries=("", "$filter=atScope()"),
    ),
    # PIM: eligible-but-inactive grants are not role assignments (2020-10-01).
    Recipe(
        "Microsoft.Authorization/roleEligibilityScheduleInstances",
        "2020-10-01",
        listed=True,
        subscription_level=True,
        queries=("$filter=atScope()",),
    ),
    # Azure Lighthouse delegations to another tenant, with their authorizations expanded.
    Recipe(
        "Microsoft.ManagedServices/registrationAssignments",
        "2022-10-01",
        listed=True,
        subscription_level=True,
        queries=("$expandRegistrationDefinition=true",),
    ),
    Recipe(
        "Microsoft.Authorization/policyAssignments",
        POLICY,
        listed=True,
        subscription_level=True,
    ),
    *(
        Recipe(
            f"Microsoft.Authorization/{kind}",
            POLICY,
            referenced_by=(Reference(_ASSIGNMENTS, at("properties.policyDefinitionId")),),
        )
        for kind in ("policyDefinitions", "policySetDefinitions")
    ),
    Recipe(
        "Microsoft.Insights/diagnosticSettings",
        "2021-05-01-preview",
        extension_on=_DIAGNOSED,
        on_subscription=True,
    ),
    Recipe("Microsoft.Security/pricings", "2024-01-01", listed=True, subscription_level=True),
    Recipe(
        "Microsoft.Security/securityContacts",
        "2020-01-01-preview",
        listed=True,
        subscription_level=True,
    ),
    Recipe(
        "Microsoft.Security/assessments",
        "2021-06-01",
        extension_on=(
            "Microsoft.ContainerRegistry/registries",
            "Microsoft.ContainerService/managedClusters",
        ),
    ),
    Recipe(
        "Microsoft.Security/assessments/subAssessments",
        "2019-01-01-preview",
        child_of="Microsoft.Security/assessments",
    ),
    Recipe(
        "Microsoft.Consumption/budgets",
        "2024-08-01",
        listed=True,
        subscription_level=True,
        on_workspace_groups=True,
    ),
)
RECIPES: dict[str, Recipe] = {recipe.key: recipe for recipe in CATALOG}
