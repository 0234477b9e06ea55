from amlaudit.api import Context, Option, Resource, Verdict, failed, passed, rule
from amlaudit.checks import (
    POLICY_ASSIGNMENTS,
    assignment_scope,
    policy_assignments_covering,
    role_guid,
)

MCSB_V1 = "1f3afdf9-d0c9-4c3d-847f-89da613e70a8"
MCSB_V2 = "e3ec7e09-768c-4b64-882c-fcada3772047"


@rule(
    id="AML189",
    name="workspace-benchmark-initiative-not-assigned",
    title="A security benchmark policy initiative is assigned over every ML workspace",
    severity="medium",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[POLICY_ASSIGNMENTS],
    controls=["MCSB-v1:PV-2", "MCSB-v1:AM-2", "ASB-v1:7.9", "ASB-v1:6.9"],
    references=[
        "https://learn.microsoft.com/security/benchmark/azure/introduction",
        "https://learn.microsoft.com/azure/machine-learning/how-to-integrate-azure-policy",
    ],
    options={
        "baseline_policy_initiatives": Option(
            list,
            [MCSB_V1, MCSB_V2],
            "Policy set definitions (GUIDs or names) of which one must be assigned over each "
            "workspace; defaults to Microsoft cloud security benchmark v1 and v2",
        )
    },
)
def benchmark_initiative_assigned(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Authorization/policyAssignments` resource whose `policyDefinitionId`
    names one of `baseline_policy_initiatives` (by its last segment, case-insensitive; default
    the Microsoft cloud security benchmark, `1f3afdf9-d0c9-4c3d-847f-89da613e70a8`, or its v2
    preview `e3ec7e09-…`) applies to the workspace: assigned on the workspace, its resource
    group, its subscription, or a management group above it, and not excluding the workspace
    through `notScopes`. `enforcementMode: DoNotEnforce` still counts — the initiative audits,
    and its compliance data is what matters. No built-in audits assignments; this is native.

    ## Why it matters
    The benchmark initiative is what makes Azure Policy and Defender for Cloud evaluate the ML
    built-ins (public network access, private link, CMK, compute local auth, resource logs)
    continuously, between scans, and what feeds the regulatory-compliance dashboard.

    ## How to fix
    ```bash
    az policy assignment create --name mcsb --display-name "Microsoft cloud security benchmark" \\
      --policy-set-definition 1f3afdf9-d0c9-4c3d-847f-89da613e70a8 \\
      --scope /subscriptions/<subscription-id>
    ```

    ```bicep
    targetScope = 'subscription'
    resource mcsb 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
      name: 'mcsb'
      properties: {
        displayName: 'Microsoft cloud security benchmark'
        policyDefinitionId: tenantResourceId('Microsoft.Authorization/policySetDefinitions',
          '1f3afdf9-d0c9-4c3d-847f-89da613e70a8')
      }
    }
    ```
    """
    wanted = {str(g).lower() for g in ctx.option("baseline_policy_initiatives")}
    for assignment in policy_assignments_covering(res, ctx):
        if role_guid(assignment.str("properties.policyDefinitionId")) in wanted:
            name = assignment.str("properties.displayName") or assignment.name
            return passed(
                f"initiative '{name}' is assigned at {assignment_scope(assignment) or '/'}"
            )
    return failed(
        "no security benchmark initiative is assigned over the workspace",
        path=POLICY_ASSIGNMENTS,
        expected=sorted(wanted),
        actual=None,
    )
