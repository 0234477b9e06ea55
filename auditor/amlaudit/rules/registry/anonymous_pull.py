from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML101",
    name="registry-anonymous-pull-enabled",
    title="Container registries do not allow anonymous pull",
    severity="high",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:NS-2", "ASB-v1:3.9", "ASB-v1:1.1"],
    azure_policy=["9f2dea28-e834-476c-99c5-3507b4728395"],
    references=[
        "https://learn.microsoft.com/azure/container-registry/anonymous-pull-access",
    ],
)
def registry_anonymous_pull(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.anonymousPullEnabled` is not `true`. As in Azure Policy 9f2dea28, only
    an explicit `true` fails; absent means the feature was never turned on.

    ## Why it matters
    Anonymous pull lets anyone who can reach the registry download every image without
    signing in. ML images carry training code, baked-in model weights and sometimes
    credentials left in layers.

    ## How to fix
    ```bash
    az acr update --name <registry> --anonymous-pull-enabled false
    ```

    ```bicep
    resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
      name: name
      location: location
      sku: { name: 'Premium' }
      properties: {
        anonymousPullEnabled: false
      }
    }
    ```
    """
    if res.bool("properties.anonymousPullEnabled") is True:
        return failed(
            "anonymous pull is enabled: anyone who reaches the registry can download its images",
            path="properties.anonymousPullEnabled",
            expected=False,
            actual=True,
        )
    return passed("anonymous pull is disabled")
