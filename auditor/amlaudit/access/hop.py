"""One transitive hop through managed identities (rbac.md §3.6).

Code submitted as a job runs as the compute's identity (a compute instance: only for its
assigned user); a deployment runs as the endpoint's identity; a datastore written with
`serviceDataAccessAuthIdentity` may make the service read as the workspace (or hub) identity
(`possible`, verify live). Whoever holds the first inherits what the identity holds, with a
two-step chain; the weakest grade of the two, and at best `indirect`, is the result.
"""

from __future__ import annotations

from amlaudit.access import capabilities as caps
from amlaudit.access.evaluate import Denied, Evaluator
from amlaudit.access.model import Best, Grade, Grant, Step, keep_best
from amlaudit.access.targets import ActingIdentity, WorkspaceScope

VERIFY_LIVE = (
    "a datastore's serviceDataAccessAuthIdentity makes the service read as the workspace "
    "identity (verify live)"
)


def hop(
    evaluator: Evaluator,
    scope: WorkspaceScope,
    identity: ActingIdentity,
    direct: list[Grant],
    denied: list[Denied],
    best: Best,
) -> None:
    """Who can run code as `identity` inherits its grants: `indirect` (or weaker)."""
    own = [g for g in direct if g.principal_id == identity.principal_id]
    if not own:
        return
    if identity.kind == "workspace":
        runners = [
            Grant(
                "datastore-write",
                hit.assignment.principal_id,
                hit.assignment.principal_type,
                Grade.POSSIBLE,
                (
                    Step.of(
                        hit.assignment,
                        hit.role.name,
                        hit.role.guid,
                        caps.DATASTORE_WRITE.operation,
                        scope.workspace.id,
                        caps.IDENTITY,
                        hit.condition,
                    ),
                ),
                (VERIFY_LIVE,),
            )
            for _route, hit in evaluator.hits(scope.workspace.id, [caps.DATASTORE_WRITE], denied)
        ]
    else:
        wanted = caps.RUNS_AS[identity.kind]
        runners = [g for g in direct if g.capability == wanted]
        if identity.assigned_user:
            runners = [g for g in runners if g.principal_id == identity.assigned_user]
    for runner in runners:
        if runner.principal_id == identity.principal_id:
            continue
        for grant in own:
            grade = runner.grade.weaker(grant.grade).weaker(Grade.INDIRECT)
            facts = (
                f"runs code as the identity of {identity.resource_id}",
                *runner.facts,
                *grant.facts,
            )
            hop = Grant(
                grant.capability,
                runner.principal_id,
                runner.principal_type,
                grade,
                (*runner.chain, *grant.chain),
                tuple(dict.fromkeys(facts)),
            )
            key = (
                grant.capability,
                runner.principal_id,
                "via",
                identity.principal_id,
                grant.first.target,
            )
            keep_best(best, key, hop)
