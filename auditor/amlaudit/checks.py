"""Checks several rules share (diagnostic settings, private endpoints, durations).

Part of the rule author's API, next to :mod:`amlaudit.api`: rules import from these two only.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from amlaudit import armid
from amlaudit.access import ACCESS_READS as ACCESS_READS
from amlaudit.api import (
    Context,
    Evidence,
    IncompleteData,
    NotCollected,
    Verdict,
    failed,
    item_get,
    one_of,
    passed,
    same,
)
from amlaudit.audit_categories import AuditCategories, audit_categories
from amlaudit.depscope import is_project
from amlaudit.resource import DataError, Resource
from amlaudit.result import scan_time

DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"

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


def diagnostic_logs_verdict(res: Resource | str, ctx: Context, what: str) -> Verdict:
    """Pass when a diagnostic setting sends the resource's audit logs somewhere.

    Mirrors the AuditIfNotExists built-ins (a setting with enabled logs and a destination), and
    counts only the categories or groups the audit-category table lists for the resource type
    (amlaudit.audit_categories): a vault sending only `AzurePolicyEvaluationDetails` fails, with
    what it sends and what is missing as evidence. A missing setting is a fail: a snapshot is
    complete for its scope unless its errors say otherwise (then Context raises).
    """
    scope = res if isinstance(res, str) else res.id
    table = audit_categories(
        (res.type if isinstance(res, Resource) else armid.type_from_id(scope)) or ""
    )
    settings = ctx.extensions(res, DIAGNOSTIC_SETTINGS)
    sent: set[str] = set()
    for setting in settings:
        entries = enabled_log_entries(setting)
        names = sorted(_log_name(e) for e in entries if _counts(table, e))
        if names:
            return passed(
                f"diagnostic setting '{setting.name}' sends {', '.join(names)} logs",
                Evidence(f"{DIAGNOSTIC_SETTINGS}/{setting.name}", "enabled logs", names),
            )
        sent.update(_log_name(e) for e in entries)
    if sent:
        return failed(
            f"{what}'s diagnostic settings send {', '.join(sorted(sent))} logs but no audit "
            f"log: {table.expected()} is missing",
            path=f"{DIAGNOSTIC_SETTINGS}: properties.logs",
            expected=table.expected(),
            actual=sorted(sent),
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


def _log_name(entry: dict[str, Any]) -> str:
    return str(item_get(entry, "categoryGroup") or item_get(entry, "category") or "?")


def _counts(table: AuditCategories, entry: dict[str, Any]) -> bool:
    group, category = item_get(entry, "categoryGroup"), item_get(entry, "category")
    return table.counts(
        category if isinstance(category, str) else None,
        group if isinstance(group, str) else None,
    )


def public_network_disabled(res: Resource, path: str = "properties.publicNetworkAccess") -> bool:
    return same(res.str(path), "Disabled")


# -- network security groups -----------------------------------------------------------------

NSG_RULES = "Microsoft.Network/networkSecurityGroups/securityRules"
INTERNET_SOURCES = frozenset({"*", "any", "internet", "0.0.0.0/0", "0.0.0.0", "::/0"})
_ANY_DESTINATION = frozenset({"*", "any", "0.0.0.0/0"})


def nsg_security_rules(nsg: Resource, ctx: Context) -> list[dict[str, Any]]:
    """An NSG's rules: `properties.securityRules[*]`, or, when an export leaves that empty, its
    standalone `networkSecurityGroups/securityRules` resources."""
    rules = [r for r in nsg.list("properties.securityRules") if isinstance(r, dict)]
    return rules or [child.raw for child in ctx.children(nsg, NSG_RULES)]


def _values(rule: dict[str, Any], single: str, plural: str) -> list[str]:
    values = [item_get(rule, f"properties.{single}")]
    values += list(item_get(rule, f"properties.{plural}") or [])
    return [str(v).strip().lower() for v in values if v is not None and str(v).strip()]


def _port_ranges(rule: dict[str, Any]) -> list[tuple[int, int]]:
    ranges = []
    for text in _values(rule, "destinationPortRange", "destinationPortRanges"):
        if text in ("*", "any"):
            ranges.append((0, 65535))
            continue
        low, _, high = text.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            raise DataError(f"NSG rule {rule.get('name')!r} has port range {text!r}") from None
    return ranges


def _priority(rule: dict[str, Any]) -> int:
    value = item_get(rule, "properties.priority")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise DataError(f"NSG rule {rule.get('name')!r} has priority {value!r}, expected a number")


@dataclass(frozen=True, slots=True)
class _Deny:
    """An inbound Deny from an internet source, parsed once."""

    priority: int
    protocol: str
    ranges: tuple[tuple[int, int], ...]
    destinations: frozenset[str]


class _DenyIndex:
    """The inbound internet Denies of one NSG, indexed so that asking whether an Allow is
    shadowed costs O(1) in the usual case instead of a pass over every Deny (Azure allows
    1,000 rules per NSG: 1,000 Allows x 1,000 Denies took 20 s when each pair was re-parsed).

    Per port: the lowest Deny priority per protocol for Denies to any destination, and per
    (destination prefix, protocol) the Denies to specific destinations in priority order."""

    def __init__(self, denies: list[dict[str, Any]]) -> None:
        self._denies = [
            _Deny(
                _priority(deny),
                str(item_get(deny, "properties.protocol") or "").lower(),
                tuple(_port_ranges(deny)),
                frozenset(_values(deny, "destinationAddressPrefix", "destinationAddressPrefixes")),
            )
            for deny in denies
            if INTERNET_SOURCES & set(_values(deny, "sourceAddressPrefix", "sourceAddressPrefixes"))
        ]
        self._by_port: dict[int, tuple[dict[str, int], dict[tuple[str, str], list[_Deny]]]] = {}

    def _for_port(self, port: int) -> tuple[dict[str, int], dict[tuple[str, str], list[_Deny]]]:
        found = self._by_port.get(port)
        if found is None:
            anywhere: dict[str, int] = {}
            specific: dict[tuple[str, str], list[_Deny]] = defaultdict(list)
            for deny in self._denies:
                if not any(low <= port <= high for low, high in deny.ranges):
                    continue
                if deny.destinations & _ANY_DESTINATION:
                    best = anywhere.get(deny.protocol)
                    if best is None or deny.priority < best:
                        anywhere[deny.protocol] = deny.priority
                for destination in deny.destinations:
                    specific[(destination, deny.protocol)].append(deny)
            for candidates in specific.values():
                candidates.sort(key=lambda d: d.priority)
            found = self._by_port[port] = (anywhere, specific)
        return found

    def shadows(self, priority: int, protocol: str, targets: frozenset[str], port: int) -> bool:
        """Whether a higher-priority Deny drops all internet traffic an Allow admits on `port`."""
        anywhere, specific = self._for_port(port)
        protocols = {"*", protocol}
        if any(anywhere.get(p, priority) < priority for p in protocols):
            return True
        if not targets:
            return False
        for wanted in protocols:
            # Denies that hold the Allow's rarest destination, in priority order.
            lists = [specific.get((target, wanted), []) for target in targets]
            for deny in min(lists, key=len):
                if deny.priority >= priority:
                    break
                if targets <= deny.destinations:
                    return True
        return False


def nsg_internet_exposure(rules: list[dict[str, Any]], ports: list[int]) -> list[tuple[str, int]]:
    """(rule name, port) for each inbound Allow rule that opens one of `ports` to any internet
    source (`*`, `Internet`, `0.0.0.0/0`, `Any`; prefix or prefixes list; ports as `*`, single,
    `a-b` range or list) over TCP/UDP, unless a higher-priority Deny drops the same traffic."""
    inbound = [r for r in rules if same(item_get(r, "properties.direction"), "Inbound")]
    denies = [r for r in inbound if same(item_get(r, "properties.access"), "Deny")]
    index: _DenyIndex | None = None
    exposed = []
    for allow in inbound:
        if not same(item_get(allow, "properties.access"), "Allow"):
            continue
        protocol = str(item_get(allow, "properties.protocol") or "").lower()
        if (protocol or "*") not in ("*", "tcp", "udp"):
            continue
        sources = set(_values(allow, "sourceAddressPrefix", "sourceAddressPrefixes"))
        if not INTERNET_SOURCES & sources:
            continue
        ranges = _port_ranges(allow)
        open_ports = [p for p in ports if any(low <= p <= high for low, high in ranges)]
        if not open_ports:
            continue
        if denies and index is None:
            index = _DenyIndex(denies)
        if index is None:  # no Deny at all: every open port is exposed
            exposed += [(str(allow.get("name") or "?"), port) for port in open_ports]
            continue
        priority = _priority(allow)
        targets = frozenset(
            _values(allow, "destinationAddressPrefix", "destinationAddressPrefixes")
        )
        for port in open_ports:
            if not index.shadows(priority, protocol, targets, port):
                exposed.append((str(allow.get("name") or "?"), port))
    return sorted(exposed)


# -- governance: role GUIDs, policy assignments, Defender plans ------------------------------

POLICY_ASSIGNMENTS = "Microsoft.Authorization/policyAssignments"
PRICINGS = "Microsoft.Security/pricings"


def role_guid(role_definition_id: str | None) -> str:
    """The lower-case GUID of a role definition ID, whatever scope prefixes it."""
    return (role_definition_id or "").strip().rstrip("/").rsplit("/", 1)[-1].lower()


def assignment_scope(res: Resource) -> str:
    """The lower-case scope of a role or policy assignment: `properties.scope`, else the prefix
    of its ID ('' for the tenant root)."""
    scope = res.str("properties.scope")
    if scope is None:
        scope = armid.split_scope(res.id)[0]
    return armid.key(scope) if scope.strip() not in ("", "/") else ""


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


# -- dependent resources: expiry, firewalls, connection secrets --------------------------------

# Connection auth types that keep no secret in the workspace: the caller's or a managed identity.
IDENTITY_AUTH_TYPES = ("AAD", "ManagedIdentity")


def now(ctx: Context) -> datetime:
    """'Now' for expiry checks: the scan time (SOURCE_DATE_EPOCH fixes it), read once per scan."""
    memo = ctx.memo("now")
    moment = memo.get("now")
    if not isinstance(moment, datetime):
        moment = memo["now"] = scan_time()
    return moment


def instant(value: Any, path: str) -> datetime:
    """A timestamp as ARM writes it: ISO-8601 text (connection `expiryTime`) or Unix seconds
    (Key Vault `attributes.exp`). DataError otherwise, so a malformed value is an error."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            return datetime.fromtimestamp(int(text), tz=UTC)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise DataError(f"{path} is {text!r}, not a timestamp") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise DataError(f"{path} is {value!r}, not a timestamp")


def open_ip_rules(res: Resource, path: str = "properties.networkAcls.ipRules") -> list[str]:
    """Firewall `ipRules[*].value` entries that admit every address (`0.0.0.0/0`, `::/0`)."""
    found = []
    for entry in res.list(path):
        value = item_get(entry, "value")
        if not isinstance(value, str):
            continue
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            continue
        if network.prefixlen == 0:
            found.append(value)
    return found


def connection_auth_type(res: Resource) -> str:
    """A connection's `properties.authType`; DataError when absent (it is the discriminator)."""
    auth = res.str("properties.authType")
    if not auth:
        raise DataError("properties.authType is absent: the connection cannot be judged")
    return auth.strip()


def holds_secret(auth_type: str) -> bool:
    """True for auth types whose key, token, password or client secret the workspace stores."""
    return not one_of(auth_type, *IDENTITY_AUTH_TYPES, "None")


# -- Azure ML: hubs and projects, child resources, managed network, computes -----------------

ML_WORKSPACES = "Microsoft.MachineLearningServices/workspaces"
OUTBOUND_RULES = "Microsoft.MachineLearningServices/workspaces/outboundRules"
MANAGED_NETWORKS = "Microsoft.MachineLearningServices/workspaces/managedNetworks"
ISOLATED_MODES = ("AllowInternetOutbound", "AllowOnlyApprovedOutbound")


def governing_workspace(workspace: Resource, ctx: Context) -> Resource:
    """The workspace whose network isolation and encryption apply: a project's hub, else itself.

    A project's own values for these settings are not used by the service. A project without
    `properties.hubResourceId` is malformed (DataError); a hub outside the snapshot raises
    MissingReference, so the finding is skipped with a coverage note, never passed.
    """
    if not is_project(workspace):
        return workspace
    hub_id = workspace.str("properties.hubResourceId")
    if not hub_id or not hub_id.strip():
        raise DataError("project workspace has no properties.hubResourceId")
    return ctx.resolve(hub_id.strip(), "hub workspace")


def via_hub(workspace: Resource, governing: Resource) -> str:
    """A message prefix naming the hub when a project is judged by its hub's settings."""
    return "" if governing is workspace else f"hub '{governing.name}' (inherited): "


def parent_workspace(res: Resource, ctx: Context) -> Resource:
    """The ML workspace a child resource (compute, endpoint, deployment) sits in."""
    scope, parts = armid.split_scope(res.id)
    if len(parts) < 5 or f"{parts[0]}/{parts[1]}".lower() != ML_WORKSPACES.lower():
        raise DataError(f"{res.id} is not a child of an Azure ML workspace")
    return ctx.resolve(f"{scope}/providers/{'/'.join(parts[:3])}", "parent workspace")


@dataclass(frozen=True)
class ManagedNetwork:
    """A workspace's managed network settings (`isolationMode`, `outboundRules`...) and the
    resource the input holds them in."""

    workspace: Resource
    source: Resource  # the `managedNetworks/default` resource, or the workspace itself
    settings: dict[str, Any]

    @property
    def isolation_mode(self) -> str:
        return str(self.settings["isolationMode"])

    @property
    def isolated(self) -> bool:
        """True for a managed network (an isolation mode other than `Disabled`)."""
        return one_of(self.isolation_mode, *ISOLATED_MODES)

    def path(self, member: str) -> str:
        """The evidence path of a setting, naming `managedNetworks/default` when read there."""
        base = f"properties.managedNetwork.{member}"
        return base if self.source is self.workspace else f"managedNetworks/default: {base}"


def managed_network(workspace: Resource, ctx: Context) -> ManagedNetwork:
    """The managed network of a workspace: `workspaces/managedNetworks/default` where the input
    holds it (stable 2025-12-01, `ManagedNetworkSettings_Get`), else the workspace's own
    `properties.managedNetwork`. DataError when neither holds `isolationMode`, so a verdict
    never rests on a setting the input does not have. Rules calling it declare
    MANAGED_NETWORKS in `reads`."""
    child = ctx.get(f"{workspace.id}/managedNetworks/default")
    for source in (child, workspace):
        if source is None:
            continue
        _ = source.properties  # a copy without properties (az resource list) cannot tell
        settings = source.dict("properties.managedNetwork")
        mode = settings.get("isolationMode")
        if mode is None:
            continue
        if not isinstance(mode, str):
            raise DataError(f"managedNetwork.isolationMode of {source.id} is not a string")
        return ManagedNetwork(workspace, source, settings)
    raise DataError(
        "the input holds no managed network setting for this workspace: neither "
        "workspaces/managedNetworks/default nor properties.managedNetwork.isolationMode"
    )


def outbound_rules(network: ManagedNetwork, ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """Every outbound rule of a workspace's managed network as (name, rule properties).

    Rules come embedded in the managed network's `outboundRules` (a name -> rule map) and as
    `workspaces/outboundRules` child resources; a child resource wins over an embedded rule of
    the same name.
    """
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    embedded = network.settings.get("outboundRules")
    if embedded is not None and not isinstance(embedded, dict):
        raise DataError("managedNetwork.outboundRules is not an object")
    for name, body in (embedded or {}).items():
        if not isinstance(body, dict):
            raise DataError(f"managedNetwork.outboundRules.{name} is not an object")
        found[name.lower()] = (name, body)
    # The embedded map and the child resources are two views of one list: one is enough.
    try:
        children = ctx.children(network.workspace, OUTBOUND_RULES)
    except NotCollected:
        if embedded is None:
            raise
        children = []
    for child in children:
        found[child.name.lower()] = (child.name, child.properties)
    return [found[key] for key in sorted(found)]


def user_defined(rule: dict[str, Any]) -> bool:
    """Outbound rules the customer wrote (Required/Recommended/Dependency ones are Azure's)."""
    category = rule.get("category")
    return category is None or same(category, "UserDefined")


def compute_not_judged(res: Resource, *compute_types: str) -> str | None:
    """Why a rule for these compute types does not judge this compute, or None if it does.

    Attached computes (AKS, Kubernetes, Databricks, HDInsight, VMs, Synapse...) are configured
    on the resource they attach, not here.
    """
    compute_type = res.str("properties.computeType")
    if not compute_type:
        raise DataError("properties.computeType is absent")
    if res.bool("properties.isAttachedCompute") is True:
        return f"attached {compute_type} compute: judged on the attached resource, not here"
    if not one_of(compute_type, *compute_types):
        return f"computeType {compute_type} is not {' or '.join(compute_types)}"
    return None


def ingestion_and_query_private(res: Resource) -> Verdict:
    """App Insights and Log Analytics share `publicNetworkAccessForIngestion/ForQuery`: both must
    be `Disabled` (absent is open, as in the Azure Policy built-ins)."""
    open_paths = []
    evidence = []
    for what in ("Ingestion", "Query"):
        path = f"properties.publicNetworkAccessFor{what}"
        value = res.str(path)
        if not same(value, "Disabled"):
            open_paths.append(what.lower())
            evidence.append(Evidence(path, "Disabled", value))
    if not open_paths:
        return passed("public ingestion and query access are disabled")
    return failed(f"public network access is open for {' and '.join(open_paths)}", *evidence)


def aks_addon(res: Resource, name: str) -> dict[str, object]:
    """An AKS add-on profile: an entry of `properties.addonProfiles`, whatever the casing of its key."""
    for key, body in res.dict("properties.addonProfiles").items():
        if str(key).lower() == name.lower() and isinstance(body, dict):
            return body
    return {}


# -- identity blast radius (amlaudit.access) for the rules built on it ---------------------------

# The capabilities the access rules judge; the others are left to `amlaudit access`.
RULE_CAPABILITIES = frozenset(
    {"data-read", "data-write", "secrets-read", "role-assign", "identity-takeover"}
)


def workspace_access(res: Resource, ctx: Context) -> Any:
    """The workspace's blast radius (`amlaudit.access.blast.WorkspaceAccess`) for the
    capabilities the rules judge: computed once per workspace and scan, whichever rules ask."""
    return ctx.blast_radius(res, RULE_CAPABILITIES)


def access_gap(res: Resource, ctx: Context, result: Any) -> str | None:
    """Why the blast radius of this workspace may be incomplete (unknown role, unreadable
    authorization scope, no role assignments at all), or None. A rule that would pass raises
    IncompleteData with it: a gap is never a pass."""
    if result.unknown:
        first = result.unknown[0]
        return f"role {first.role_guid} assigned at {first.scope} is unknown"
    gaps = ctx.authorization_gaps([res.id])
    if gaps:
        return f"authorization data could not be read at {gaps[0].scope}: {gaps[0].message}"
    return None


def access_passed(res: Resource, ctx: Context, result: Any, message: str) -> Verdict:
    """A pass for an access rule, unless the blast radius may be incomplete (`access_gap`):
    then IncompleteData, since a gap is never a pass."""
    gap = access_gap(res, ctx, result)
    if gap:
        raise IncompleteData(gap)
    return passed(message)


def without_rbac(ctx: Context) -> str | None:
    """Why the access rules cannot judge at all: a snapshot without a single role assignment
    (nor PIM eligibility, nor Lighthouse delegation) did not collect RBAC, e.g. a workspace
    exported on its own. The rules skip with this reason; `amlaudit access` reports it as a
    coverage gap."""
    grants = ACCESS_READS[0], ACCESS_READS[3], ACCESS_READS[4]
    if any(ctx.of_type(kind) for kind in grants):
        return None
    return "the snapshot holds no role assignments: who can reach the workspace cannot be judged"
