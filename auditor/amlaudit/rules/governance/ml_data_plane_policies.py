from amlaudit.api import (
    Context,
    Evidence,
    Option,
    Resource,
    Verdict,
    failed,
    item_get,
    passed,
    rule,
    same,
)
from amlaudit.checks import POLICY_ASSIGNMENTS, policy_assignments_covering, role_guid

POLICY_SETS = "Microsoft.Authorization/policySetDefinitions"
ML_DATA_PLANE_POLICIES = {
    "5853517a-63de-11ea-bc55-0242ac130003": "allowed registries for computes",
    "1d413020-63de-11ea-bc55-0242ac130003": "log filters for computes",
    "53c70b02-63dd-11ea-bc55-0242ac130003": "allowed module authors",
    "77eeea86-7e81-4a7d-9067-de844d096752": "allowed Python packages",
    "6a6f7384-63de-11ea-bc55-0242ac130003": "code signing for training code",
    "3948394e-63de-11ea-bc55-0242ac130003": "approval endpoint before jobs",
    "12e5dd16-d201-47ff-849b-8454061c293d": "only approved registry models deployed",
    "19539b54-c61e-4196-9a38-67598701be90": "registry model deployments restricted",
}


def enforced_definitions(assignment: Resource, ctx: Context) -> set[str]:
    """GUIDs of the definitions an enforced assignment applies: its own, or those of the
    policy set it assigns when that set is in the snapshot."""
    if same(assignment.str("properties.enforcementMode"), "DoNotEnforce"):
        return set()
    target = assignment.str("properties.policyDefinitionId") or ""
    if "/policysetdefinitions/" not in target.lower():
        return {role_guid(target)}
    policy_set = ctx.get(target)
    if policy_set is None:
        return set()
    return {
        role_guid(str(item_get(member, "policyDefinitionId")))
        for member in policy_set.list("properties.policyDefinitions")
    }


@rule(
    id="AML190",
    name="workspace-ml-data-plane-policies-not-assigned",
    title="Azure ML data-plane policies (allowed registries, code signing, approved models) "
    "are enforced over every ML workspace",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[POLICY_ASSIGNMENTS, POLICY_SETS],
    controls=["MCSB-v1:AM-2", "MCSB-v1:PV-2", "ASB-v1:6.9", "ASB-v1:7.9"],
    azure_policy=sorted(ML_DATA_PLANE_POLICIES),
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-integrate-azure-policy",
        "https://learn.microsoft.com/azure/machine-learning/policy-reference",
    ],
    options={
        "required_ml_data_plane_policies": Option(
            list,
            [],
            "ML data-plane policy GUIDs that must each be enforced over every workspace; "
            "empty means at least one of them",
        )
    },
)
def ml_data_plane_policies(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Which of the eight Azure ML data-plane built-ins (`Microsoft.MachineLearningServices.Data`
    and `.v2.Data` modes: allowed registries, log filters, module authors, Python packages,
    code signing, job approval endpoint, approved and restricted registry models) are assigned
    over the workspace — directly, or through a policy set in the snapshot — on the workspace,
    its resource group, subscription or a management group, not excluded by `notScopes`, with
    `enforcementMode` `Default` (`DoNotEnforce` switches `enforceSetting` off). With
    `required_ml_data_plane_policies` empty, one is enough; otherwise each listed GUID must be
    enforced. These policies are evaluated inside Azure ML, never in ARM: their assignment is
    the only thing a snapshot can prove.

    ## Why it matters
    Network controls stop data leaving; these stop untrusted things coming in: images from
    unknown registries, unsigned training code, models from public registries deployed to
    production endpoints. They are the supply-chain guardrails of an ML platform.

    ## How to fix
    ```bash
    az policy assignment create --name aml-allowed-registries \\
      --policy 5853517a-63de-11ea-bc55-0242ac130003 --scope <workspace-resource-group-id> \\
      --params '{"allowedACRs":{"value":["crcontosoml.azurecr.io"]}}'
    ```

    ```bicep
    resource allowedAcrs 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
      name: 'aml-allowed-registries'
      properties: {
        policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions',
          '5853517a-63de-11ea-bc55-0242ac130003')
        parameters: { allowedACRs: { value: [ 'crcontosoml.azurecr.io' ] } }
      }
    }
    ```
    """
    enforced: set[str] = set()
    for assignment in policy_assignments_covering(res, ctx):
        enforced |= enforced_definitions(assignment, ctx) & ML_DATA_PLANE_POLICIES.keys()
    required = {str(g).lower() for g in ctx.option("required_ml_data_plane_policies")}
    names = sorted(ML_DATA_PLANE_POLICIES[g] for g in enforced)
    missing = sorted(required - enforced) if required else ([] if enforced else ["any one"])
    if not missing:
        return passed(f"ML data-plane policies enforced: {', '.join(names)}")
    return failed(
        "no Azure ML data-plane policy is enforced over the workspace"
        if not enforced
        else f"required ML data-plane policies not enforced: {', '.join(missing)}",
        Evidence(POLICY_ASSIGNMENTS, sorted(required) or "any one of the eight", names),
    )
