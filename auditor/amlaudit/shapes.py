"""Outputs of the `az` CLI that are not ARM JSON: read as ARM where the mapping is exact,
refused (exit 2, one line naming the command that gives ARM JSON) where it is not.

- Flattened models: `az security pricing show`, `az monitor diagnostic-settings list` and
  `az storage account show` print the SDK model with the `properties` members at the top
  level (plus `resourceGroup`). Their names are the REST names, except for a few storage
  attributes the SDK renames (azure-mgmt-storage `StorageAccount._attribute_map`): those are
  mapped back, so the result is the body ARM returns.
- The Azure ML CLI v2 entity (`az ml workspace show`, `az ml compute show|list`) is a
  YAML-like, snake_case view that drops and renames fields: there is no exact mapping.
"""

from __future__ import annotations

from typing import Any

from amlaudit.errors import InputError
from amlaudit.redact import printable, scrub_text

# Top-level members of an ARM resource body; everything else of a flattened model is a
# `properties` member.
_ENVELOPE = frozenset(
    {
        "id",
        "name",
        "type",
        "location",
        "tags",
        "sku",
        "kind",
        "identity",
        "extendedLocation",
        "etag",
        "systemData",
        "zones",
        "plan",
        "managedBy",
    }
)
# Added by the CLI, not part of the ARM body.
_CLI_ADDED = frozenset({"resourceGroup"})

# Per type: members whose presence outside `properties` marks the flattened model.
_FLATTENED_MARKERS: dict[str, frozenset[str]] = {
    "microsoft.security/pricings": frozenset({"pricingTier", "subPlan", "freeTrialRemainingTime"}),
    "microsoft.insights/diagnosticsettings": frozenset(
        {"logs", "metrics", "workspaceId", "storageAccountId", "eventHubAuthorizationRuleId"}
    ),
    "microsoft.storage/storageaccounts": frozenset(
        {"primaryEndpoints", "provisioningState", "networkRuleSet", "enableHttpsTrafficOnly"}
    ),
}
# azure-mgmt-storage names that differ from the REST names (model `_attribute_map`).
_STORAGE_RENAMES = {
    "enableHttpsTrafficOnly": "supportsHttpsTrafficOnly",
    "networkRuleSet": "networkAcls",
    "enableNfsV3": "isNfsV3Enabled",
}
_NETWORK_RULE_RENAMES = {"virtualNetworkResourceId": "id", "ipAddressOrRange": "value"}
_ENCRYPTION_RENAMES = {"keyVaultProperties": "keyvaultproperties", "encryptionIdentity": "identity"}
_KEY_VAULT_RENAMES = {
    "keyName": "keyname",
    "keyVersion": "keyversion",
    "keyVaultUri": "keyvaulturi",
}

# snake_case members of the Azure ML CLI v2 entity that no ARM body has.
_ML_ENTITY_MARKERS = frozenset(
    {
        "resource_group",
        "provisioning_state",
        "public_network_access",
        "mlflow_tracking_uri",
        "discovery_url",
        "storage_account",
        "managed_network",
        "hbi_workspace",
        "ssh_public_access_enabled",
        "idle_time_before_shutdown",
        "idle_time_before_shutdown_minutes",
        "network_settings",
        "created_on",
    }
)


def is_ml_entity(item: dict[str, Any]) -> bool:
    """The Azure ML CLI v2 entity: snake_case members no ARM body has, no `properties`."""
    return "properties" not in item and bool(_ML_ENTITY_MARKERS.intersection(item))


def as_arm(item: dict[str, Any], where: str) -> dict[str, Any]:
    """The ARM body of an item: itself, or the flattened CLI model mapped back. InputError
    for the Azure ML CLI v2 entity, which has no exact mapping."""
    if is_ml_entity(item):
        raise InputError(_ml_entity_message(item, where))
    if "properties" in item:
        return item
    type_key = item.get("type")
    markers = _FLATTENED_MARKERS.get(type_key.lower()) if isinstance(type_key, str) else None
    if markers is None or not markers.intersection(item):
        return item
    body = {k: v for k, v in item.items() if k in _ENVELOPE}
    properties = {k: v for k, v in item.items() if k not in _ENVELOPE and k not in _CLI_ADDED}
    if str(type_key).lower() == "microsoft.storage/storageaccounts":
        properties = _storage_properties(properties)
    body["properties"] = properties
    return body


def _storage_properties(flat: dict[str, Any]) -> dict[str, Any]:
    props = _renamed(flat, _STORAGE_RENAMES)
    acls = props.get("networkAcls")
    if isinstance(acls, dict):
        acls = dict(acls)
        for name in ("virtualNetworkRules", "ipRules"):
            if isinstance(acls.get(name), list):
                acls[name] = [
                    _renamed(rule, _NETWORK_RULE_RENAMES) if isinstance(rule, dict) else rule
                    for rule in acls[name]
                ]
        props["networkAcls"] = acls
    encryption = props.get("encryption")
    if isinstance(encryption, dict):
        encryption = _renamed(encryption, _ENCRYPTION_RENAMES)
        vault = encryption.get("keyvaultproperties")
        if isinstance(vault, dict):
            encryption["keyvaultproperties"] = _renamed(vault, _KEY_VAULT_RENAMES)
        props["encryption"] = encryption
    return props


def _renamed(node: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names.get(key, key): value for key, value in node.items()}


def _ml_entity_message(item: dict[str, Any], where: str) -> str:
    resource_id = item.get("id")
    shown = (
        printable(scrub_text(resource_id.strip()))
        if isinstance(resource_id, str) and resource_id.strip().startswith("/")
        else None
    )
    command = (
        "az ml compute show/list"
        if (shown and "/computes/" in shown.lower()) or isinstance(item.get("size"), str)
        else "az ml workspace show"
    )
    target = f"az resource show --ids {shown}" if shown else "az resource show --ids <ID>"
    return (
        f"{where} is the Azure ML CLI v2 entity (as `{command}` prints it), not ARM JSON; "
        f"get ARM JSON with `{target}`, `az rest --method get --url <ARM URL>` or "
        "`amlaudit export`"
    )
