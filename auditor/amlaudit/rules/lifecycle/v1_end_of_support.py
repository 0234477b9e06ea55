from datetime import UTC, datetime

from amlaudit.api import Context, Resource, Verdict, info, passed, rule
from amlaudit.checks import now

SERVICES = "Microsoft.MachineLearningServices/workspaces/services"
END_OF_SUPPORT = datetime(2026, 6, 30, tzinfo=UTC)
MIGRATION = "https://learn.microsoft.com/azure/machine-learning/migrate-to-v2-deploy-endpoints"


@rule(
    id="AML243",
    name="workspace-v1-web-services-past-end-of-support",
    title="Azure ML workspaces serve no v1 web services after v1's end of support",
    severity="info",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[SERVICES],
    controls=["MCSB-v1:AM-3", "MCSB-v1:PV-6", "ASB-v1:6.3", "ASB-v1:5.3"],
    references=[MIGRATION],
    since="0.2.0",
    status="preview",
)
def v1_end_of_support(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    The workspace's v1 web services (`workspaces/services`, listed at api-version
    2020-05-01-preview). None passes. Any still present is reported as information, naming
    them and the migration guide — after 2026-06-30 (the end of support of SDK v1, against
    the scan clock; `SOURCE_DATE_EPOCH` fixes it) as past end of support, before it as
    nearing it. When the v1 listing failed (the api-version is refused), the finding is an
    error naming the collection failure, never a pass.

    ## Why it matters
    v1 web services keep serving, but nothing supports them: no fixes for the v1 inference
    stack, no SDK or CLI to change them. They are usually also the services with keys that
    never rotate, HTTP scoring URIs and public container IPs.

    ## How to fix
    Move each service to a managed online endpoint, then delete it.

    ```bash
    az ml online-endpoint create --file endpoint.yml --resource-group <rg> --workspace-name <ws>
    az resource delete --ids <web-service-id> --api-version 2020-05-01-preview
    ```

    ```bicep
    resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2025-12-01' = {
      parent: workspace
      name: 'fraud-scoring'
      location: location
      properties: { authMode: 'AADToken', publicNetworkAccess: 'Disabled' }
    }
    ```
    """
    services = ctx.children(res, SERVICES)
    if not services:
        return passed("no v1 web services")
    names = ", ".join(f"{s.name} ({s.str('properties.computeType') or '?'})" for s in services)
    if now(ctx) > END_OF_SUPPORT:
        return info(f"v1 web services past end of support (2026-06-30): {names}; see {MIGRATION}")
    return info(f"v1 web services, whose support ends 2026-06-30: {names}; see {MIGRATION}")
