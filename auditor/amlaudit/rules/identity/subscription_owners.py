from amlaudit.api import Context, Evidence, Option, Resource, Verdict, failed, passed, rule
from amlaudit.checks import role_guid

ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


@rule(
    id="AML160",
    name="subscription-too-many-owners",
    title="Subscriptions holding ML workloads have at most a few Owners",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[ROLE_ASSIGNMENTS],
    controls=["MCSB-v1:PA-1", "ASB-v1:3.1", "ASB-v1:3.3"],
    azure_policy=["4f11b553-d42e-4e3a-89be-32ca364cad4c"],
    references=[
        "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
    ],
    options={
        "max_subscription_owners": Option(
            int, 3, "Most principals that may hold Owner at or above a subscription"
        )
    },
)
def subscription_owner_count(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Counts the distinct principals holding the Owner role
    (`8e3af657-a8ff-443c-a75c-2fe8c4bcb635`, matched on the GUID whatever the ID's prefix)
    on the subscription: assignments made at the subscription scope plus those inherited from
    a management group or the tenant root. It fails above `max_subscription_owners` (default
    3, as Defender's assessment behind policy 4f11b553). A group counts as one principal: its
    membership is not in ARM. Assignments at resource-group or resource scope are not counted.

    ## Why it matters
    Every Owner can change anything in the subscription, read every key and grant access to
    anyone. The more standing Owners, the more accounts whose compromise is a full takeover of
    the ML estate.

    ## How to fix
    Keep two or three Owners (ideally groups with PIM eligibility), and give everyone else a
    narrower role.

    ```bash
    az role assignment delete --assignee <principal-id> --role Owner \\
      --scope /subscriptions/<subscription-id>
    ```

    ```bicep
    targetScope = 'subscription'
    resource owners 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
      name: guid(subscription().id, platformAdminsGroupId, 'owner')
      properties: {
        principalId: platformAdminsGroupId
        principalType: 'Group'
        roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions',
          '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
      }
    }
    ```
    """
    subscription = res.id.rstrip("/").rsplit("/", 1)[-1]
    assignments = [
        *ctx.extensions(res, ROLE_ASSIGNMENTS),
        *ctx.inherited(subscription, ROLE_ASSIGNMENTS),
    ]
    owners: dict[str, str] = {}
    for assignment in assignments:
        if role_guid(assignment.str("properties.roleDefinitionId")) != OWNER:
            continue
        principal = (assignment.str("properties.principalId") or assignment.name).lower()
        kind = assignment.str("properties.principalType") or "unknown type"
        owners.setdefault(principal, f"{kind} {principal}")
    limit = int(ctx.option("max_subscription_owners"))
    listed = sorted(owners.values())
    if len(owners) <= limit:
        return passed(f"{len(owners)} principal(s) hold Owner on the subscription (limit {limit})")
    return failed(
        f"{len(owners)} principals hold Owner on the subscription, more than {limit}",
        Evidence("Owner role assignments", f"at most {limit} principals", listed),
    )
