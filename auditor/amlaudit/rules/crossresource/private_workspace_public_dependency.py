from amlaudit.api import Context, Evidence, Resource, Usage, Verdict, failed, passed, rule, skip
from amlaudit.checks import public_exposure, public_network_disabled

WORKSPACES = "Microsoft.MachineLearningServices/workspaces"
CORE_USES = (Usage.STORAGE, Usage.KEY_VAULT, Usage.CONTAINER_REGISTRY, Usage.APP_INSIGHTS)


def private_dependents(res: Resource, ctx: Context) -> list[Resource]:
    """Private workspaces (public network access Disabled) that name this resource as their
    storage, vault, registry or App Insights (hubs' `storageAccounts[]`/`keyVaults[]` too)."""
    users = ctx.workspaces_using(res, *CORE_USES, inherited=False)
    return [workspace for workspace in users if public_network_disabled(workspace)]


@rule(
    id="AML210",
    name="private-workspace-public-dependency",
    title="The storage, vault, registry and App Insights of a private ML workspace are private too",
    severity="high",
    resource_types=[
        "Microsoft.Storage/storageAccounts",
        "Microsoft.KeyVault/vaults",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.Insights/components",
    ],
    reads=[WORKSPACES],
    controls=["MCSB-v1:NS-2", "ASB-v1:1.1"],
    azure_policy=[
        "34c877ad-507e-4c82-993e-3452a6e0ad3c",
        "55615ac9-af46-4a59-874e-391cc3dfb490",
        "d0793b48-0edc-4296-a390-4c75d1bdfd71",
        "1bc02227-0cb6-4e11-8f53-eb0b22eab7e8",
    ],
    references=[
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet",
        "https://learn.microsoft.com/azure/machine-learning/how-to-network-isolation-planning",
    ],
    overlaps={
        "AML001": (
            "AML210 reports on the private workspace the public dependency that AML001 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
        "AML002": (
            "AML210 reports on the private workspace the public dependency that AML002 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
        "AML013": (
            "AML210 reports on the private workspace the public dependency that AML013 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
        "AML068": (
            "AML210 reports on the private workspace the public dependency that AML068 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
        "AML084": (
            "AML210 reports on the private workspace the public dependency that AML084 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
        "AML102": (
            "AML210 reports on the private workspace the public dependency that AML102 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
        "AML116": (
            "AML210 reports on the private workspace the public dependency that AML116 reports on"
            " the dependency itself: the finding lands where the design flaw is"
        ),
    },
)
def private_workspace_public_dependency(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For each storage account, key vault, container registry and Application Insights component
    that an ML workspace names as its `storageAccount`, `keyVault`, `containerRegistry` or
    `applicationInsights`, and only when at least one such workspace is private
    (`publicNetworkAccess` `Disabled`): that the dependency is not reachable from the internet.
    Storage and vaults count as closed with `publicNetworkAccess` `Disabled` or
    `networkAcls.defaultAction` `Deny` (34c877ad, 55615ac9), a registry the same with
    `networkRuleSet` (d0793b48), App Insights only with both `publicNetworkAccessForIngestion`
    and `publicNetworkAccessForQuery` `Disabled` (1bc02227). The finding is reported on the
    dependency — the resource that must change — and names the private workspaces affected.
    Dependencies used only by public workspaces are skipped (the dependency families judge
    them on their own).

    ## Why it matters
    A private workspace whose storage or vault still accepts internet traffic is private in
    name only: the training data, models and secrets it protects are one stolen key or SAS
    token away, whatever the workspace's own network settings say.

    ## How to fix
    Give the dependency a private endpoint in the workspace's network, then close it.

    ```bash
    az storage account update --name <account> --resource-group <rg> \\
      --public-network-access Disabled --default-action Deny
    az keyvault update --name <vault> --resource-group <rg> --public-network-access Disabled
    az acr update --name <registry> --public-network-enabled false
    az monitor app-insights component update --app <component> --resource-group <rg> \\
      --ingestion-access Disabled --query-access Disabled
    ```

    ```bicep
    resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name: name
      location: location
      kind: 'StorageV2'
      sku: { name: 'Standard_ZRS' }
      properties: {
        publicNetworkAccess: 'Disabled'
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }
      }
    }
    ```
    """
    private = private_dependents(res, ctx)
    if not private:
        return skip("no private ML workspace depends on this resource")
    names = sorted(w.name for w in private)
    exposure = public_exposure(res)
    if exposure is None:
        return passed(f"closed to the internet, as its private workspace(s) {', '.join(names)}")
    return failed(
        f"reachable from the internet ({exposure}) although private workspace(s) "
        f"{', '.join(names)} depend on it",
        Evidence("network access", "closed to public networks", exposure),
        workspaces=sorted(w.id for w in private),
    )
