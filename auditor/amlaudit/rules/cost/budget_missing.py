from amlaudit.api import Context, Evidence, Resource, Verdict, failed, item_get, passed, rule

BUDGETS = "Microsoft.Consumption/budgets"


def alerting(budget: Resource) -> bool:
    """A budget only acts through its notifications: one enabled, with a recipient."""
    for notification in budget.dict("properties.notifications").values():
        if item_get(notification, "enabled") not in (True, "true", "True"):
            continue
        if any(
            item_get(notification, k) for k in ("contactEmails", "contactGroups", "contactRoles")
        ):
            return True
    return False


def covering_scopes(resource_id: str) -> list[str]:
    """The resource group and the subscription a resource sits in."""
    parts = resource_id.strip().split("/")
    scopes = []
    if len(parts) > 4 and parts[3].lower() == "resourcegroups":
        scopes.append("/".join(parts[:5]))
    scopes.append("/".join(parts[:3]))
    return scopes


@rule(
    id="AML200",
    name="workspace-without-budget",
    title="Every ML workspace sits under a budget that alerts someone",
    severity="low",
    resource_types=["Microsoft.MachineLearningServices/workspaces"],
    reads=[BUDGETS],
    labels=["cost"],
    references=[
        "https://learn.microsoft.com/azure/cost-management-billing/costs/tutorial-acm-create-budgets",
        "https://learn.microsoft.com/azure/machine-learning/how-to-manage-optimize-cost",
    ],
)
def workspace_budget(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Consumption/budgets` resource exists on the workspace's resource group or
    on its subscription and has at least one notification that is enabled and names a
    recipient (`contactEmails`, `contactGroups` or `contactRoles`). The finding is reported on
    the workspace, because the workspace's GPU compute is what runs the bill up; one budget on
    the subscription covers every workspace in it. Budget filters (by resource group, tag or
    meter) are not evaluated. No built-in policy covers budgets.

    ## Why it matters
    A forgotten GPU cluster with a minimum node count, or a compute instance left running over
    a holiday, costs thousands before the invoice arrives. A budget alert is the cheapest way
    to hear about it within a day.

    ## How to fix
    ```bash
    az consumption budget create-with-rg --budget-name ml-monthly --resource-group <rg> \\
      --amount 5000 --category Cost --time-grain Monthly --start-date 2026-11-01 \\
      --end-date 2027-10-31 \\
      --notifications '{"Actual_GreaterThan_80_Percent":{"enabled":true,"operator":"GreaterThan","threshold":80,"contactEmails":["ml-platform@contoso.com"]}}'
    ```

    ```bicep
    resource budget 'Microsoft.Consumption/budgets@2023-05-01' = {
      name: 'ml-monthly'
      properties: {
        amount: 5000
        category: 'Cost'
        timeGrain: 'Monthly'
        timePeriod: { startDate: '2026-11-01' }
        notifications: {
          actual80: {
            enabled: true
            operator: 'GreaterThan'
            threshold: 80
            contactEmails: [ 'ml-platform@contoso.com' ]
          }
        }
      }
    }
    ```
    """
    budgets = [b for scope in covering_scopes(res.id) for b in ctx.extensions(scope, BUDGETS)]
    for budget in budgets:
        if alerting(budget):
            return passed(f"budget '{budget.name}' covers the workspace and alerts on overspend")
    if budgets:
        return failed(
            "the budgets over the workspace have no enabled notification with a recipient",
            Evidence(
                f"{BUDGETS}.properties.notifications",
                "an enabled notification with a recipient",
                sorted(b.name for b in budgets),
            ),
        )
    return failed(
        "no budget on the workspace's resource group or subscription",
        path=BUDGETS,
        expected="a budget with an enabled notification",
        actual=None,
    )
