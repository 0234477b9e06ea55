"""Checks several rules share (diagnostic settings, private endpoints, durations).

Part of the rule author's API, next to :mod:`amlaudit.api`: rules import from these two only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from amlaudit import armid
from amlaudit.api import Context, Evidence, Verdict, failed, item_get, passed, same
from amlaudit.resource import DataError, Resource

DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"
AUDIT_GROUPS = ("audit", "alllogs")

_DURATION_RE = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> timedelta:
    """An ISO-8601 duration (`PT30M`, `P1DT2H`) as used by ML idle-shutdown settings.

    Raises DataError for anything else, so a malformed value is an error, not a pass.
    """
    match = _DURATION_RE.match(text.strip())
    if not match or text.strip().upper() in ("P", "PT"):
        raise DataError(f"{text!r} is not an ISO-8601 duration")
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)


def approved_private_endpoints(
    res: Resource, path: str = "properties.privateEndpointConnections"
) -> list[dict[str, Any]]:
    """Private endpoint connections whose state is Approved (case-insensitive)."""
    return [
        conn
        for conn in res.list(path)
        if same(item_get(conn, "properties.privateLinkServiceConnectionState.status"), "Approved")
    ]


def enabled_log_entries(setting: Resource) -> list[dict[str, Any]]:
    """The enabled `logs[]` entries of a diagnostic setting that has a destination."""
    if not any(
        setting.get(f"properties.{sink}")
        for sink in (
            "workspaceId",
            "storageAccountId",
            "eventHubAuthorizationRuleId",
            "marketplacePartnerId",
        )
    ):
        return []
    entries = []
    for entry in setting.list("properties.logs"):
        if isinstance(entry, dict) and entry.get("enabled") in (True, "true", "True"):
            entries.append(entry)
    return entries


def diagnostic_logs_verdict(res: Resource, ctx: Context, what: str) -> Verdict:
    """Pass when a diagnostic setting sends resource logs (audit or all categories) somewhere.

    Mirrors the AuditIfNotExists built-ins: a setting with at least one enabled log category
    or category group and a destination counts. A missing setting is a fail: a snapshot is
    complete for its scope unless its errors say otherwise (then Context raises).
    """
    settings = ctx.extensions(res, DIAGNOSTIC_SETTINGS)
    for setting in settings:
        entries = enabled_log_entries(setting)
        if entries:
            names = sorted(str(e.get("categoryGroup") or e.get("category") or "?") for e in entries)
            return passed(
                f"diagnostic setting '{setting.name}' sends {', '.join(names)} logs",
                Evidence(f"{DIAGNOSTIC_SETTINGS}/{setting.name}", "enabled logs", names),
            )
    if settings:
        return failed(
            f"{what} has {len(settings)} diagnostic setting(s) but none sends resource logs "
            "to a destination",
            path=DIAGNOSTIC_SETTINGS,
            expected="a setting with enabled logs and a destination",
            actual=sorted(s.name for s in settings),
        )
    return failed(
        f"{what} has no diagnostic setting: its resource logs are not kept",
        path=DIAGNOSTIC_SETTINGS,
        expected="a setting with enabled logs",
        actual=None,
    )


def public_network_disabled(res: Resource, path: str = "properties.publicNetworkAccess") -> bool:
    return same(res.str(path), "Disabled")


# -- governance: role GUIDs, policy assignments, Defender plans ------------------------------

POLICY_ASSIGNMENTS = "Microsoft.Authorization/policyAssignments"
PRICINGS = "Microsoft.Security/pricings"


def role_guid(role_definition_id: str | None) -> str:
    """The lower-case GUID of a role definition ID, whatever scope prefixes it."""
    return (role_definition_id or "").strip().rstrip("/").rsplit("/", 1)[-1].lower()


def policy_assignments_covering(res: Resource, ctx: Context) -> list[Resource]:
    """Policy assignments that apply to a resource: on it, on its resource group, on its
    subscription, or inherited from a management group — minus those whose `notScopes`
    exclude it."""
    subscription = armid.subscription_id(res.id)
    if subscription is None:
        raise DataError(f"{res.id} is not inside a subscription")
    scopes = [res.id]
    group = armid.resource_group(res.id)
    if group:
        scopes.append(f"/subscriptions/{subscription}/resourceGroups/{group}")
    scopes.append(armid.subscription_scope(subscription))
    found: list[Resource] = []
    for scope in dict.fromkeys(scopes):
        found += ctx.extensions(scope, POLICY_ASSIGNMENTS)
    found += ctx.inherited(subscription, POLICY_ASSIGNMENTS)
    return [
        a
        for a in found
        if not any(
            isinstance(n, str) and armid.is_within(res.id, n)
            for n in a.list("properties.notScopes")
        )
    ]


def public_exposure(res: Resource) -> str | None:
    """How a workspace dependency is reachable from the internet, or None when it is not.

    Storage and Key Vault: `publicNetworkAccess` Disabled or firewall `defaultAction` Deny
    closes them (policies 34c877ad, 55615ac9); a registry the same with `networkRuleSet`
    (d0793b48); App Insights needs both ingestion and query closed (1bc02227).
    """
    kind = res.type_key
    if kind == "microsoft.insights/components":
        open_paths = [
            p
            for p in ("publicNetworkAccessForIngestion", "publicNetworkAccessForQuery")
            if not same(res.str(f"properties.{p}"), "Disabled")
        ]
        return f"{' and '.join(open_paths)} not Disabled" if open_paths else None
    acl = (
        "properties.networkRuleSet.defaultAction"
        if kind == "microsoft.containerregistry/registries"
        else "properties.networkAcls.defaultAction"
    )
    if public_network_disabled(res) or same(res.str(acl), "Deny"):
        return None
    access = res.str("properties.publicNetworkAccess") or "not set"
    return f"publicNetworkAccess {access} and {acl.split('.', 1)[1]} {res.str(acl) or 'not set'}"


def defender_pricing(res: Resource, ctx: Context, plan: str) -> Resource | None:
    """The subscription's `Microsoft.Security/pricings/<plan>`, or None when not recorded."""
    for pricing in ctx.extensions(res, PRICINGS):
        if pricing.name.lower() == plan.lower():
            return pricing
    return None


def defender_plan_verdict(res: Resource, ctx: Context, plan: str) -> Verdict:
    """Pass when the Defender plan's `pricingTier` is Standard; an unrecorded plan is Free."""
    pricing = defender_pricing(res, ctx, plan)
    path = f"{PRICINGS}/{plan}.properties.pricingTier"
    if pricing is None:
        return failed(
            f"no Defender for Cloud pricing '{plan}' is recorded: the plan is off (Free)",
            path=path,
            expected="Standard",
            actual=None,
        )
    tier = pricing.str("properties.pricingTier")
    if same(tier, "Standard"):
        return passed(f"Defender for Cloud plan '{plan}' is on (Standard)")
    return failed(
        f"Defender for Cloud plan '{plan}' is " + (f"'{tier}'" if tier else "not set"),
        path=path,
        expected="Standard",
        actual=tier,
    )
