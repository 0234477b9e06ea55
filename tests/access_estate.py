"""Small estates built for the access tests: raw ARM JSON, one resource per helper.

Shapes follow Microsoft's published examples (Azure/azure-rest-api-specs):
- role assignments: `Microsoft.Authorization/stable/2022-04-01/examples/RoleAssignments_GetById.json`
  (`properties.roleDefinitionId`, `principalId`, `principalType`, `scope`, `condition`,
  `conditionVersion`);
- role definitions: `…/2022-04-01/examples/GetRoleDefinitionById.json` (`properties.roleName`,
  `type`, `permissions[]` with `actions`/`notActions`/`dataActions`/`notDataActions`);
- deny assignments: `…/2022-04-01/examples/GetDenyAssignmentById.json` (`permissions[]`,
  `scope`, `doNotApplyToChildScopes`, `principals[]`, `excludePrincipals[]`,
  `isSystemProtected`);
- PIM eligibility: `…/stable/2020-10-01/examples/GetRoleEligibilityScheduleInstancesByScope.json`;
- Lighthouse: `specification/managedservices/…/stable/2022-10-01/examples/GetRegistrationAssignments.json`
  (`registrationDefinition.properties.authorizations[]`, `eligibleAuthorizations[]`).
The ML workspace, datastore, compute, storage, vault and registry bodies follow the
fixtures/estate family modules (ML 2025-12-01, Storage 2026-09-01, Key Vault 2026-05-15,
ACR 2025-11-01), trimmed to the properties the analysis reads.
"""

from __future__ import annotations

import uuid
from typing import Any

MG = "/providers/Microsoft.Management/managementGroups/mg-ml"
SUB_A = "11111111-1111-1111-1111-111111111111"
SUB_B = "22222222-2222-2222-2222-222222222222"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121"
BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"


def guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def rg(sub: str, name: str = "rg-ml") -> str:
    return f"/subscriptions/{sub}/resourceGroups/{name}"


def storage(sub: str, name: str, shared_key: bool | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False}
    if shared_key is not None:
        props["allowSharedKeyAccess"] = shared_key
    return {
        "id": f"{rg(sub)}/providers/Microsoft.Storage/storageAccounts/{name}",
        "name": name,
        "type": "Microsoft.Storage/storageAccounts",
        "kind": "StorageV2",
        "location": "westeurope",
        "properties": props,
    }


def vault(
    sub: str, name: str, rbac: bool | None, policies: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "accessPolicies": policies or [],
    }
    if rbac is not None:
        props["enableRbacAuthorization"] = rbac
    return {
        "id": f"{rg(sub)}/providers/Microsoft.KeyVault/vaults/{name}",
        "name": name,
        "type": "Microsoft.KeyVault/vaults",
        "location": "westeurope",
        "properties": props,
    }


def registry(sub: str, name: str) -> dict[str, Any]:
    return {
        "id": f"{rg(sub)}/providers/Microsoft.ContainerRegistry/registries/{name}",
        "name": name,
        "type": "Microsoft.ContainerRegistry/registries",
        "location": "westeurope",
        "properties": {"adminUserEnabled": False},
    }


def workspace(
    sub: str, name: str, account: str, vault_name: str, principal: str | None = None
) -> dict[str, Any]:
    base = rg(sub)
    return {
        "id": f"{base}/providers/Microsoft.MachineLearningServices/workspaces/{name}",
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces",
        "kind": "Default",
        "location": "westeurope",
        "identity": {
            "type": "SystemAssigned",
            "principalId": principal or guid(name, "identity"),
            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        },
        "properties": {
            "storageAccount": f"{base}/providers/Microsoft.Storage/storageAccounts/{account}",
            "keyVault": f"{base}/providers/Microsoft.KeyVault/vaults/{vault_name}",
            "containerRegistry": f"{base}/providers/Microsoft.ContainerRegistry/registries/cr{name.replace('-', '')}",
            "publicNetworkAccess": "Disabled",
        },
    }


def datastore(ws: dict[str, Any], name: str, account: str, credentials: str) -> dict[str, Any]:
    return {
        "id": f"{ws['id']}/datastores/{name}",
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/datastores",
        "properties": {
            "datastoreType": "AzureBlob",
            "accountName": account,
            "containerName": "training",
            "credentials": {"credentialsType": credentials},
        },
    }


def compute(ws: dict[str, Any], name: str, principal: str) -> dict[str, Any]:
    return {
        "id": f"{ws['id']}/computes/{name}",
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/computes",
        "location": "westeurope",
        "identity": {
            "type": "SystemAssigned",
            "principalId": principal,
            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        },
        "properties": {"computeType": "AmlCompute", "properties": {"vmSize": "STANDARD_DS3_V2"}},
    }


def assignment(
    scope: str, role: str, principal: str, kind: str = "User", condition: str | None = None
) -> dict[str, Any]:
    name = guid(scope, role, principal)
    owner = "" if scope == "/" else scope
    sub = scope.split("/")[2] if scope.startswith("/subscriptions/") else SUB_A
    return {
        "id": f"{owner}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": kind,
            "scope": scope,
            "condition": condition,
            "conditionVersion": "2.0" if condition else None,
            "createdOn": "2026-01-05T10:00:00.0000000Z",
            "updatedOn": "2026-01-05T10:00:00.0000000Z",
            "createdBy": None,
            "updatedBy": None,
            "delegatedManagedIdentityResourceId": None,
            "description": None,
        },
    }


def custom_role(
    sub: str, role: str, name: str, actions: list[str], not_actions: list[str] | None = None
) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "name": role,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": name,
            "type": "CustomRole",
            "description": name,
            "assignableScopes": [f"/subscriptions/{sub}"],
            "permissions": [
                {
                    "actions": actions,
                    "notActions": not_actions or [],
                    "dataActions": [],
                    "notDataActions": [],
                }
            ],
        },
    }


def deny(
    scope: str,
    name: str,
    actions: list[str],
    not_actions: list[str],
    principals: list[tuple[str, str]],
    excluded: list[tuple[str, str]],
) -> dict[str, Any]:
    deny_id = guid(scope, "deny", name)
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/denyAssignments/{deny_id}",
        "name": deny_id,
        "type": "Microsoft.Authorization/denyAssignments",
        "properties": {
            "denyAssignmentName": name,
            "description": "created by a deployment stack",
            "permissions": [
                {
                    "actions": actions,
                    "notActions": not_actions,
                    "dataActions": [],
                    "notDataActions": [],
                }
            ],
            "scope": scope,
            "doNotApplyToChildScopes": False,
            "principals": [{"id": p, "type": t} for p, t in principals],
            "excludePrincipals": [{"id": p, "type": t} for p, t in excluded],
            "isSystemProtected": True,
        },
    }


def eligibility(scope: str, role: str, principal: str) -> dict[str, Any]:
    name = guid(scope, "eligible", role, principal)
    sub = scope.split("/")[2]
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/{name}",
        "name": name,
        "type": "Microsoft.Authorization/RoleEligibilityScheduleInstances",
        "properties": {
            "scope": scope,
            "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": "User",
            "status": "Provisioned",
            "startDateTime": "2026-01-01T00:00:00Z",
            "endDateTime": "2027-01-01T00:00:00Z",
            "memberType": "Direct",
        },
    }


def lighthouse(sub: str, principal: str, role: str) -> dict[str, Any]:
    name = guid(sub, "lighthouse", principal)
    definition = f"/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationDefinitions/{guid(name)}"
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments/{name}",
        "name": name,
        "type": "Microsoft.ManagedServices/registrationAssignments",
        "properties": {
            "registrationDefinitionId": definition,
            "provisioningState": "Succeeded",
            "registrationDefinition": {
                "id": definition,
                "name": guid(name),
                "type": "Microsoft.ManagedServices/registrationDefinitions",
                "properties": {
                    "registrationDefinitionName": "MSP operations",
                    "authorizations": [
                        {
                            "principalId": principal,
                            "principalIdDisplayName": "MSP ops",
                            "roleDefinitionId": role,
                        }
                    ],
                    "managedByTenantId": "83abe5cd-bcc3-441a-bd86-e6a75360cecc",
                    "managedByTenantName": "Contoso MSP",
                },
            },
        },
    }


def basic(
    sub: str = SUB_A,
    ws_name: str = "mlw-a",
    account: str = "stmla",
    shared_key: bool | None = None,
    rbac_vault: bool | None = True,
) -> list[dict[str, Any]]:
    """One workspace with its storage, vault and registry."""
    ws = workspace(sub, ws_name, account, f"kv-{ws_name}")
    return [
        ws,
        storage(sub, account, shared_key),
        vault(sub, f"kv-{ws_name}", rbac_vault),
        registry(sub, f"cr{ws_name.replace('-', '')}"),
    ]
