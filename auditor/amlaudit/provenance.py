"""Where a deployed model comes from, and what the ML data-plane policies allow.

An online deployment's `properties.model` is a workspace model version ARM ID
(`.../workspaces/{ws}/models/{name}/versions/{v}`), a registry asset
(`azureml://registries/{registry}/models/{name}/versions/{v}` or `/labels/{label}`), the SDK's
short `azureml:{name}:{version}`, or anything else: a datastore path, a URL, a local path. The
built-ins 12e5dd16 and 19539b54 are evaluated inside Azure ML on the same asset IDs
(`model.assetId`, `model.registryName`, `model.publisher`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from amlaudit.api import Context, Resource, same
from amlaudit.checks import policy_assignments_covering, role_guid

APPROVED_REGISTRY_MODELS = "12e5dd16-d201-47ff-849b-8454061c293d"
RESTRICTED_REGISTRY_MODELS = "19539b54-c61e-4196-9a38-67598701be90"
MODEL_VERSIONS = "Microsoft.MachineLearningServices/workspaces/models/versions"

_REGISTRY = re.compile(
    r"^azureml://registries/(?P<registry>[^/]+)/models/(?P<name>[^/]+)/(versions|labels)/[^/]+$",
    re.IGNORECASE,
)
_WORKSPACE = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.machinelearningservices/"
    r"workspaces/[^/]+/models/[^/]+/versions/[^/]+$",
    re.IGNORECASE,
)
_SHORT = re.compile(r"^azureml:[^/:]+:[^/:]+$", re.IGNORECASE)


@dataclass(frozen=True)
class ModelSource:
    kind: str  # "registry", "workspace" or "raw"
    value: str
    registry: str = ""


def model_source(deployment: Resource) -> ModelSource:
    value = (deployment.str("properties.model") or "").strip()
    found = _REGISTRY.match(value)
    if found:
        return ModelSource("registry", value, found.group("registry"))
    if _WORKSPACE.match(value) or _SHORT.match(value):
        return ModelSource("workspace", value)
    return ModelSource("raw", value)


@dataclass(frozen=True)
class RegistryPolicy:
    """Parameters of an enforced, directly assigned data-plane built-in."""

    definition: str
    assignment: str
    parameters: dict[str, Any]

    def values(self, name: str) -> list[str]:
        value = self.parameters.get(name)
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []


def registry_policies(workspace: Resource, ctx: Context) -> list[RegistryPolicy]:
    """Direct assignments of 12e5dd16 / 19539b54 over the workspace that are enforced:
    `enforcementMode` not `DoNotEnforce` and an `effect` parameter other than `Disabled`
    (19539b54 has no default effect, so an assignment without one enforces nothing)."""
    found = []
    for assignment in policy_assignments_covering(workspace, ctx):
        guid = role_guid(assignment.str("properties.policyDefinitionId"))
        if guid not in (APPROVED_REGISTRY_MODELS, RESTRICTED_REGISTRY_MODELS):
            continue
        if same(assignment.str("properties.enforcementMode"), "DoNotEnforce"):
            continue
        parameters = {
            str(name): body.get("value") if isinstance(body, dict) else None
            for name, body in assignment.dict("properties.parameters").items()
        }
        effect = parameters.get("effect")
        if same(effect, "Disabled") or (guid == RESTRICTED_REGISTRY_MODELS and not effect):
            continue
        found.append(RegistryPolicy(guid, assignment.name, parameters))
    return sorted(found, key=lambda p: (p.definition, p.assignment))


def policy_objection(source: ModelSource, policy: RegistryPolicy) -> str | None:
    """Why an enforced policy rejects a registry model, or None when it allows it."""
    asset = source.value.lower()
    if policy.definition == RESTRICTED_REGISTRY_MODELS:
        if asset in {m.lower() for m in policy.values("restrictedModels")}:
            return f"policy assignment '{policy.assignment}' lists the model as restricted"
        allowed = policy.values("allowedRegistryName")
        if allowed and source.registry.lower() not in {a.lower() for a in allowed}:
            return (
                f"policy assignment '{policy.assignment}' allows only registry {', '.join(allowed)}"
            )
        return None
    ids = [a.lower() for a in policy.values("allowedAssetIds")]
    if any(a and a in asset for a in ids) or policy.values("allowedPublishers"):
        return None  # a publisher check runs inside Azure ML: ARM does not show the publisher
    return f"policy assignment '{policy.assignment}' approves none of the model's asset IDs"
