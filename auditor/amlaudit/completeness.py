"""What an input can prove absent, and how to collect what it cannot.

A snapshot proves a child or extension resource (a diagnostic setting, a vault key, a blob
service) absent only where that type was collected: an `amlaudit export` envelope declares
the types in `source.collected_types`; other inputs count a type as collected only within a
file holding at least one resource of it. Some children always exist in Azure, so their
absence only ever means "not collected". When a verdict needs what was not collected, the
finding is `error` and its coverage entry names the command that collects it.
"""

from __future__ import annotations

from amlaudit import armid

# Children Azure creates with their parent (name, and the parent kinds that have none):
# missing from an input means not collected. A FileStorage account has no blob service.
_ALWAYS_PRESENT: dict[str, tuple[str, frozenset[str]]] = {
    "microsoft.storage/storageaccounts/blobservices": ("default", frozenset({"filestorage"})),
}


def always_present(resource_type: str, parent_kind: object) -> str | None:
    """The name of the child of this type Azure always creates under a parent of this kind."""
    found = _ALWAYS_PRESENT.get(resource_type.lower())
    if found is None:
        return None
    name, kinds_without = found
    kind = parent_kind.strip().lower() if isinstance(parent_kind, str) else ""
    return None if kind in kinds_without else name


# `az` commands that print a type as ARM JSON (or a shape amlaudit reads as ARM), per scope.
_AZ_COMMANDS: dict[str, str] = {
    "microsoft.insights/diagnosticsettings": "az monitor diagnostic-settings list --resource {scope}",
    "microsoft.security/pricings": "az security pricing list",
    "microsoft.authorization/roleassignments": "az role assignment list --scope {scope} --include-inherited",
    "microsoft.authorization/policyassignments": "az policy assignment list --scope {scope}",
}


def how_to_collect(scope: str, resource_type: str) -> str:
    """A one-line instruction naming the command that collects `resource_type` at `scope`."""
    subscription = armid.subscription_id(scope) or "<subscription>"
    command = _AZ_COMMANDS.get(resource_type.lower())
    if command is None:
        parent, _, child = resource_type.rpartition("/")
        url = (
            f"{scope}/{child}"
            if parent.lower() == _type_at(scope)
            else f"{scope}/providers/{resource_type}"
        )
        command = f"az rest --method get --url 'https://management.azure.com{url}?api-version=...'"
    return (
        f"collect {resource_type} with `amlaudit export --subscription {subscription}` "
        f"(or `{command.format(scope=scope)}`) and scan again"
    )


def _type_at(scope: str) -> str:
    found = armid.type_from_id(scope)
    return found.lower() if found else ""
