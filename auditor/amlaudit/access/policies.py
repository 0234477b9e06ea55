"""Key Vault access policies as grants: on an access-policy vault, each policy granting the
permission a capability needs (`get` on secrets; `unwrapKey`, `decrypt`, `rotate` on keys) is
a direct grant to its object ID; a compound identity (`applicationId`) makes it conditional.
"""

from __future__ import annotations

from amlaudit.access import capabilities as caps
from amlaudit.access.capabilities import Capability
from amlaudit.access.evaluate import Evaluator, precondition
from amlaudit.access.model import Best, Grade, Grant, Step, keep_best, shown
from amlaudit.access.targets import Target


def policy_grants(
    evaluator: Evaluator,
    capability: Capability,
    subject: Target,
    best: Best,
) -> None:
    """Access-policy vaults: each policy granting the permission is a direct grant."""
    assert capability.policy is not None
    holds, fact = precondition(subject, caps.POLICY_VAULT)
    if not holds or subject.resource is None:
        return
    section, wanted = capability.policy
    for policy in subject.resource.list("properties.accessPolicies"):
        if not isinstance(policy, dict):
            continue
        principal = shown(str(policy.get("objectId") or "").lower())
        perms = policy.get("permissions")
        granted = perms.get(section) if isinstance(perms, dict) else None
        if not principal or not isinstance(granted, list):
            continue
        names = {shown(str(p).lower()) for p in granted}
        if not names & set(wanted):
            continue
        compound = shown(str(policy.get("applicationId") or ""))
        grade = Grade.CONDITIONAL if compound else Grade.DIRECT
        kind = evaluator.estate.principal_type(principal)
        step = Step(
            principal,
            kind,
            "access policy",
            "",
            subject.id,
            f"{section}: {', '.join(sorted(names))}",
            subject.id,
            caps.ACCESS_POLICY,
        )
        facts = tuple(
            f for f in (fact, f"only through application {compound}" if compound else None) if f
        )
        grant = Grant(capability.id, principal, kind, grade, (step,), facts)
        keep_best(best, (capability.id, principal, "access-policy", subject.id), grant)
