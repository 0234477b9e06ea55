from amlaudit.api import Context, Resource, Verdict, failed, passed, rule


@rule(
    id="AML100",
    name="registry-admin-user-enabled",
    title="Container registries have the admin user disabled",
    severity="high",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    controls=["MCSB-v1:IM-1", "MCSB-v1:PA-1", "ASB-v1:3.9", "ASB-v1:3.3"],
    azure_policy=["dc921057-6b28-4fbe-9b83-f7bec05db6c2"],
    references=[
        "https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account"
    ],
)
def registry_admin_user(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That `properties.adminUserEnabled` is not `true`. As in Azure Policy dc921057, only an
    explicit `true` fails: the admin account is off unless someone switched it on, and an
    absent value means off.

    ## Why it matters
    The admin user is one shared account with two static passwords and full push and pull
    rights. Anyone holding a password can replace the images your ML jobs and endpoints run,
    and nothing ties the action to a person. Azure ML reaches the registry with its managed
    identity and does not need it.

    ## How to fix
    Give pipelines and people Entra ID identities with `AcrPull`/`AcrPush`, then turn the
    admin user off.

    ```bash
    az acr update --name <registry> --admin-enabled false
    ```

    ```bicep
    resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
      name: name
      location: location
      sku: { name: 'Premium' }
      properties: {
        adminUserEnabled: false
      }
    }
    ```
    """
    if res.bool("properties.adminUserEnabled") is True:
        return failed(
            "the admin user is enabled: a shared account with static passwords can push images",
            path="properties.adminUserEnabled",
            expected=False,
            actual=True,
        )
    return passed("the admin user is disabled")
