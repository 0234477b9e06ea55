from amlaudit.api import Context, Evidence, Resource, Verdict, failed, one_of, passed, rule, skip

ASSESSMENTS = "Microsoft.Security/assessments"
SUB_ASSESSMENTS = "Microsoft.Security/assessments/subAssessments"
# Defender's "Azure registry container images should have vulnerabilities resolved" (MDVM),
# and the retired Qualys-powered predecessor still found in older tenants.
REGISTRY_IMAGE_ASSESSMENTS = (
    "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5",
    "dbd0cb49-b563-45e7-9724-889e799fa648",
)
SERIOUS = ("High", "Critical")


@rule(
    id="AML106",
    name="registry-image-vulnerabilities-unresolved",
    title="Container registry images have no unresolved high-severity vulnerabilities",
    severity="high",
    resource_types=["Microsoft.ContainerRegistry/registries"],
    reads=[ASSESSMENTS, SUB_ASSESSMENTS],
    controls=["MCSB-v1:PV-6", "MCSB-v1:DS-6", "ASB-v1:5.5", "ASB-v1:5.3"],
    azure_policy=["090c7b07-b4ed-4561-ad20-e9075f3ccaff"],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/agentless-vulnerability-assessment-azure",
        "https://learn.microsoft.com/azure/defender-for-cloud/subassessment-rest-api",
    ],
)
def registry_image_vulnerabilities(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    Defender for Cloud's verdict on the registry's images, where the snapshot holds it: the
    `Microsoft.Security/assessments` extension resource named `c0b7cfc6-3172-465a-b378-53c7ff2cc0d5`
    (or the retired `dbd0cb49-…`) on the registry, and its `subAssessments` children, one per
    CVE and image. It fails when a sub-assessment with `properties.status.code` `Unhealthy`
    has severity `High` or `Critical` (`properties.status.severity`, or
    `additionalData.vulnerabilityDetails.severity`); lower severities alone pass, counted.
    An `Unhealthy` assessment recorded without its sub-assessments fails on the assessment
    alone, as Azure Policy 090c7b07 does. Healthy or NotApplicable passes. A registry with no
    assessment in the snapshot is skipped: Defender did not scan it, or it was not collected
    (AML105 covers whether scanning is on).

    ## Why it matters
    Images with known, fixable vulnerabilities in their OS packages or Python wheels are the
    easiest way into the compute that runs ML jobs and serves models, which holds data-store
    credentials and managed identities.

    ## How to fix
    Rebuild the affected environments on a patched base image (the curated Azure ML images
    are refreshed every two weeks), push them, and delete the vulnerable tags.

    ```bash
    az acr repository show-manifests --name <registry> --repository <repo> --orderby time_desc
    az acr repository delete --name <registry> --image <repo>@<vulnerable-digest> --yes
    ```

    ```bicep
    // Keep environments on a maintained base image, e.g. in an Azure ML environment:
    resource env 'Microsoft.MachineLearningServices/workspaces/environments/versions@2024-04-01' = {
      name: '${workspace.name}/training-env/2'
      properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' }
    }
    ```
    """
    found = [
        a for a in ctx.extensions(res, ASSESSMENTS) if a.name.lower() in REGISTRY_IMAGE_ASSESSMENTS
    ]
    if not found:
        return skip("no Defender image vulnerability assessment is recorded for this registry")
    # Prefer the current (MDVM) assessment when the retired one is still recorded too.
    assessment = min(found, key=lambda a: REGISTRY_IMAGE_ASSESSMENTS.index(a.name.lower()))
    code = assessment.str("properties.status.code")
    if one_of(code, "Healthy", "NotApplicable"):
        return passed(f"Defender reports the registry's images as {code}")
    findings = [
        s
        for s in ctx.children(assessment, SUB_ASSESSMENTS)
        if one_of(s.str("properties.status.code"), "Unhealthy")
    ]
    serious = sorted(
        {
            str(s.str("properties.displayName") or s.name)
            for s in findings
            if _severity(s) in SERIOUS
        }
    )
    evidence = Evidence(f"{ASSESSMENTS}/{assessment.name}.properties.status.code", "Healthy", code)
    if serious:
        return failed(
            f"{len(serious)} unresolved high or critical vulnerability finding(s) in the "
            f"registry's images: {', '.join(serious[:5])}" + (" ..." if len(serious) > 5 else ""),
            evidence,
            Evidence(SUB_ASSESSMENTS, "no unhealthy High/Critical findings", serious[:20]),
        )
    if findings:
        return passed(f"no high or critical findings ({len(findings)} lower-severity unresolved)")
    return failed(
        f"Defender reports the registry's images as {code or 'not assessed'} "
        "(no sub-assessments recorded to tell the severities)",
        evidence,
    )


def _severity(sub: Resource) -> str:
    value = sub.str("properties.status.severity") or sub.str(
        "properties.additionalData.vulnerabilityDetails.severity"
    )
    return (value or "").strip().title()
