from amlaudit.api import Context, Evidence, Resource, Verdict, failed, item_get, passed, rule, same

SECURITY_CONTACTS = "Microsoft.Security/securityContacts"


def contact_email(contact: Resource) -> str:
    """`properties.emails` (2020+ API, semicolon-separated) or `properties.email` (2017)."""
    for path in ("properties.emails", "properties.email"):
        value = contact.str(path)
        if value and value.strip():
            return value.strip()
    return ""


def alerts_on(contact: Resource) -> bool:
    """Alert e-mails on, in any of the three API shapes policy 6e2593d9 accepts."""
    legacy = contact.get("properties.alertNotifications")
    if same(legacy, "On") or same(item_get(legacy, "state"), "On"):
        return True
    if contact.bool("properties.isEnabled") is not True:
        return False
    return any(
        same(item_get(source, "sourceType"), "Alert")
        for source in contact.list("properties.notificationsSources")
    )


@rule(
    id="AML188",
    name="security-contact-alerts-missing",
    title="Subscriptions have a security contact that receives Defender alert e-mails",
    severity="medium",
    resource_types=["Microsoft.Resources/subscriptions"],
    reads=[SECURITY_CONTACTS],
    controls=["MCSB-v1:IR-2", "ASB-v1:10.4", "CIS-Azure-2.0.0:2.1.19", "CIS-Azure-2.0.0:2.1.20"],
    azure_policy=[
        "4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7",
        "6e2593d9-add6-4083-9c9b-4b7d2188c899",
    ],
    references=[
        "https://learn.microsoft.com/azure/defender-for-cloud/configure-email-notifications",
    ],
)
def security_contact(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    That a `Microsoft.Security/securityContacts` resource on the subscription has an e-mail
    address (`properties.emails`, or `properties.email` in the 2017 API; policy 4f4f78b8) and
    sends alert notifications (policy 6e2593d9): `alertNotifications` `On` (2017), or
    `alertNotifications.state` `On` (2020), or `isEnabled` true with a `notificationsSources`
    entry of `sourceType` `Alert` (2023). No contact fails, unless the snapshot's errors say
    contacts could not be read.

    ## Why it matters
    Defender for Cloud's alerts on the ML estate (stolen keys, malware in training data,
    suspicious role grants) go nowhere without a contact: Microsoft also uses it to reach you
    when it detects that your subscription is compromised.

    ## How to fix
    ```bash
    az rest --method put \\
      --url "https://management.azure.com/subscriptions/<id>/providers/Microsoft.Security/securityContacts/default?api-version=2023-12-01-preview" \\
      --body '{"properties":{"emails":"secops@contoso.com","isEnabled":true,"notificationsByRole":{"state":"On","roles":["Owner"]},"notificationsSources":[{"sourceType":"Alert","minimalSeverity":"Medium"}]}}'
    ```

    ```bicep
    targetScope = 'subscription'
    resource contact 'Microsoft.Security/securityContacts@2023-12-01-preview' = {
      name: 'default'
      properties: {
        emails: 'secops@contoso.com'
        isEnabled: true
        notificationsByRole: { state: 'On', roles: [ 'Owner' ] }
        notificationsSources: [ { sourceType: 'Alert', minimalSeverity: 'Medium' } ]
      }
    }
    ```
    """
    contacts = ctx.extensions(res, SECURITY_CONTACTS)
    if not contacts:
        return failed(
            "the subscription has no Defender for Cloud security contact",
            path=SECURITY_CONTACTS,
            expected="a contact with an e-mail and alert notifications",
            actual=None,
        )
    for contact in contacts:
        if contact_email(contact) and alerts_on(contact):
            return passed(f"security contact '{contact.name}' receives alert e-mails")
    observed = [
        {"name": c.name, "email set": bool(contact_email(c)), "alerts on": alerts_on(c)}
        for c in contacts
    ]
    return failed(
        "no security contact has both an e-mail address and alert notifications on",
        Evidence(SECURITY_CONTACTS, "an e-mail and alert notifications on", observed),
    )
