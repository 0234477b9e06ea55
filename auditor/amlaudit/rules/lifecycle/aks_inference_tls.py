from amlaudit.api import Context, Resource, Verdict, failed, one_of, passed, rule, skip

PATH = "properties.properties.sslConfiguration.status"


@rule(
    id="AML246",
    name="aks-inference-cluster-tls-disabled",
    title="Azure ML AKS inference clusters serve scoring over TLS",
    severity="high",
    resource_types=["Microsoft.MachineLearningServices/workspaces/computes"],
    controls=["MCSB-v1:DP-3", "ASB-v1:4.4"],
    references=["https://learn.microsoft.com/azure/machine-learning/v1/how-to-secure-web-service"],
    since="0.2.0",
    status="preview",
)
def aks_inference_tls(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    For a compute of `properties.computeType` `AKS` (a v1 inference cluster, created or
    attached): `properties.properties.sslConfiguration.status` must be `Enabled` or `Auto`.
    `Disabled`, or no `sslConfiguration` in reported cluster properties (the v1 default is
    off), fails. A compute whose `properties.properties` is not reported is skipped: there is
    nothing to judge. The certificate and key in `sslConfiguration` are redacted on
    collection.

    ## Why it matters
    Every v1 AKS web service on the cluster inherits this setting: without TLS their scoring
    requests and service keys travel in clear text.

    ## How to fix
    ```bash
    az ml online-endpoint create --file endpoint.yml --resource-group <rg> --workspace-name <ws>
    # v1 clusters: AksCompute.update(AksUpdateConfiguration(SslConfiguration(status="Auto",
    #   leaf_domain_label="contoso"))) with the v1 SDK, then migrate to v2
    ```

    ```bicep
    resource aks 'Microsoft.MachineLearningServices/workspaces/computes@2025-12-01' = {
      parent: workspace
      name: 'aks-inference'
      properties: {
        computeType: 'AKS'
        resourceId: cluster.id
        properties: { sslConfiguration: { status: 'Auto', leafDomainLabel: 'contoso' } }
      }
    }
    ```
    """
    if not one_of(res.str("properties.computeType"), "AKS"):
        return skip("not an AKS inference cluster")
    if not res.dict("properties.properties"):
        return skip("the cluster's inference settings are not reported")
    status = res.str(PATH)
    if one_of(status, "Enabled", "Auto"):
        return passed(f"TLS is {status}")
    return failed(
        "scoring on the cluster is served without TLS",
        path=PATH,
        expected=["Enabled", "Auto"],
        actual=status,
    )
