"""Audit trail means the audit categories (item 5 of "Real Azure JSON (2/2)").

The diagnostic-setting fixtures follow azure-rest-api-specs monitor
`preview/2021-05-01-preview/examples/getDiagnosticSetting.json` (`logs[]` entries with
`category` or `categoryGroup`, `enabled`, `retentionPolicy`); category names are those of
Azure Monitor's supported resource log categories pages the table cites.
"""

from __future__ import annotations

import inspect

from amlaudit.audit_categories import audit_categories, table_types
from amlaudit.depscope import ScopeMode
from amlaudit.model import Status
from amlaudit.registry import find_packs, find_rule, load_rules
from amlaudit.scan import scan_snapshot
from amlaudit.snapshot import load
from conftest import FIXTURES

RULES = load_rules(find_packs(use_entry_points=False))
SUPPORTED_LOGS = "https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/"


def _verdict(rule_id: str, fixture: str) -> tuple[Status, str, list[object]]:
    spec = find_rule(RULES, rule_id)
    path = FIXTURES / "rules" / rule_id / fixture
    # The vault and cluster stand alone in these fixtures: judge them as `--dependency-scope all`.
    (finding,) = scan_snapshot(load([str(path)]), [spec], dependency_scope=ScopeMode.ALL).findings
    return finding.status, finding.message, [e.actual for e in finding.evidence]


def test_every_row_cites_its_supported_logs_page() -> None:
    for resource_type in table_types():
        row = audit_categories(resource_type)
        assert row.document.startswith(SUPPORTED_LOGS), resource_type
        slug = resource_type.lower().replace(".", "-").replace("/", "-") + "-logs"
        assert row.document.endswith(slug), (resource_type, row.document)
        assert row.groups and row.why


def test_every_diagnostic_settings_rule_has_a_table_row() -> None:
    users = [s for s in RULES if "diagnostic_logs_verdict" in inspect.getsource(s.function)]
    assert len(users) >= 7
    types = {t.lower() for t in table_types()}
    for spec in users:
        judged = {t.lower() for t in spec.resource_types}
        if spec.id == "AML088":  # judged on the account, reads its blob service's settings
            judged = {"microsoft.storage/storageaccounts/blobservices"}
        assert judged <= types, spec.id


def test_cluster_exporting_only_control_plane_logs_fails_naming_kube_audit() -> None:
    """0.1.0 passed any enabled category (kube-apiserver, cluster-autoscaler here)."""
    status, message, actual = _verdict("AML133", "fail-control-plane-logs-only.json")
    assert status is Status.FAIL
    assert "kube-audit or kube-audit-admin" in message
    assert actual == [["cluster-autoscaler", "kube-apiserver"]]
    assert _verdict("AML133", "pass-kube-audit-admin.json")[0] is Status.PASS


def test_vault_exporting_only_policy_evaluations_fails_naming_audit_event() -> None:
    """0.1.0 passed a vault whose only enabled category was AzurePolicyEvaluationDetails."""
    status, message, actual = _verdict("AML070", "fail-policy-evaluation-only.json")
    assert status is Status.FAIL
    assert "AuditEvent (or the audit/allLogs group) is missing" in message
    assert actual == [["AzurePolicyEvaluationDetails"]]
    assert _verdict("AML070", "pass-audit-event.json")[0] is Status.PASS


def test_groups_count_and_unpinned_types_count_any_category() -> None:
    vault = audit_categories("microsoft.keyvault/VAULTS")
    assert vault.counts(None, "allLogs") and vault.counts("auditevent", None)
    assert not vault.counts("AzurePolicyEvaluationDetails", None)
    workspace = audit_categories("Microsoft.MachineLearningServices/workspaces")
    assert workspace.categories is None and workspace.counts("AmlComputeClusterEvent", None)
    assert not audit_categories(
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
    ).counts(None, "audit")
