from amlaudit import armid
from amlaudit.api import (
    Context,
    Evidence,
    Resource,
    Verdict,
    failed,
    rule,
    skip,
)
from amlaudit.checks import ACCESS_READS, access_passed, without_rbac, workspace_access
from amlaudit.depscope import hub_id_of

# Routes that read the vault itself (not the ML service's own secret APIs).
VAULT_ROUTES = frozenset({"data-action", "access-policy", "self-grant"})


@rule(
    id="AML168",
    name="foreign-service-principal-reads-workspace-vault",
    title="Only the workspace's own identities can read its Key Vault's secrets",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=ACCESS_READS,
    controls=["MCSB-v1:IM-3", "MCSB-v1:PA-7", "ASB-v1:4.6"],
    references=[
        "https://learn.microsoft.com/azure/key-vault/general/rbac-access-policy",
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication",
    ],
    since="0.2.0",
    status="preview",
    labels=["access"],
)
def foreign_sp_reads_vault(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    From the workspace's blast radius (`amlaudit access`): service principals (managed
    identities included) that can read secret values in the workspace's Key Vault — with
    `secrets/getSecret/action` on an RBAC-mode vault, through an access policy granting `get`,
    or by granting themselves one (`vaults/write`, `vaults/accessPolicies/write` on an
    access-policy vault) — other than the identities of the workspace itself (and, for a
    project, its hub), its computes and its online endpoints, as the estate's own-identity
    table knows them. Grants graded `possible` or `eligible` are left out. A workspace that would
    pass with an unknown role or unreadable authorization data reports an error.
    A snapshot holding no role assignment at all is skipped.

    ## Why it matters
    The workspace vault holds connection and datastore secrets. A deployment pipeline, an
    unrelated app or another workspace's identity that can read it holds every credential the
    workspace does, and its own secret or federated credential becomes a path to them.

    ## How to fix
    Remove the service principal's vault role or access policy; give pipelines a narrower role
    at another scope, and move the vault to the RBAC permission model so `vaults/write` stops
    being a self-grant.

    ```bash
    az keyvault update --name <vault> --enable-rbac-authorization true
    az role assignment delete --assignee <sp-object-id> --scope <vault-id>
    ```

    ```bicep
    resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
      name: vaultName
      location: location
      properties: {
        tenantId: tenant().tenantId
        sku: { family: 'A', name: 'standard' }
        enableRbacAuthorization: true
      }
    }
    ```
    """
    if reason := without_rbac(ctx):
        return skip(reason)
    result = workspace_access(res, ctx)
    own = _own_workspaces(res)
    found = sorted(
        {
            f"{g.principal_id} via {g.first.role} ({g.first.route}) at {g.first.scope}"
            for g in result.grants
            if g.capability == "secrets-read"
            and g.principal_type.lower() == "serviceprincipal"
            and len(g.chain) == 1
            and g.first.route in VAULT_ROUTES
            and g.grade.value in ("direct", "via-credential", "conditional")
            and not _is_own(ctx, g.principal_id, own)
        }
    )
    if found:
        return failed(
            f"{len(found)} service principal grant(s) besides the workspace's own identities "
            "can read its vault's secrets",
            Evidence("access.secrets-read", "the workspace's own identities only", found),
        )
    return access_passed(
        res, ctx, result, "only the workspace's own identities can read its vault's secrets"
    )


def _own_workspaces(res: Resource) -> set[str]:
    """The workspace and, for a project, its hub: their identities are the project's own."""
    hub = hub_id_of(res)
    return {res.key, armid.key(hub)} if hub else {res.key}


def _is_own(ctx: Context, principal: str, workspaces: set[str]) -> bool:
    """An identity of the workspace, its computes or endpoints (the own-identity table)."""
    return any(armid.key(i.workspace_id) in workspaces for i in ctx.own_identities_of(principal))
