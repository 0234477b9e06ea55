"""`amlaudit new-rule`: scaffold a rule module with its doc skeleton and fixtures.

The skeleton fails the meta-tests until its TODOs are filled in, on purpose: a rule without
a real doc, control mapping and fixtures must not land.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from amlaudit.errors import UsageError

_TEMPLATE = '''from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="{rule_id}",
    name="{name}",
    title="TODO: state the requirement, e.g. 'Azure ML workspaces disable public network access'",
    severity="{severity}",
    resource_types=["{resource_type}"],
    controls=["MCSB-v1:TODO", "ASB-v1:TODO"],
    azure_policy=[],
    references=[],
)
def {function}(res: Resource, ctx: Context) -> Verdict:
    """
    ## What it checks
    TODO: the property path, the expected value and what an absent value means (follow the
    Azure Policy built-in, if one exists).

    ## Why it matters
    TODO: the risk, in a sentence or two a security engineer would sign.

    ## How to fix
    ```bash
    az TODO
    ```

    ```bicep
    // TODO
    ```
    """
    value = res.str("properties.TODO")
    if same(value, "TODO"):
        return passed("TODO: what was observed")
    return failed("TODO: what was observed", path="properties.TODO", expected="TODO", actual=value)
'''


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new-rule",
        help="scaffold a new rule",
        description="Write a rule module with its doc skeleton and pass/fail fixtures.",
    )
    parser.add_argument("rule_id", metavar="ID", help="new rule ID, e.g. AML230")
    parser.add_argument("name", metavar="NAME", help="kebab-case name stating the flagged pattern")
    parser.add_argument("--family", required=True, help="rule family folder, e.g. workspace")
    parser.add_argument(
        "--resource-type",
        required=True,
        metavar="TYPE",
        help="ARM type judged, e.g. Microsoft.MachineLearningServices/workspaces",
    )
    parser.add_argument(
        "--severity", default="medium", choices=("critical", "high", "medium", "low", "info")
    )
    parser.add_argument("--root", default=".", help="repository root (default: current directory)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from amlaudit.api import RULE_ID_RE, RULE_NAME_RE
    from amlaudit.registry import find_packs, load_rules

    rule_id, name = args.rule_id.upper(), args.name.lower()
    if not RULE_ID_RE.match(rule_id):
        raise UsageError(f"rule id {rule_id!r} must look like AML230")
    if not RULE_NAME_RE.match(name):
        raise UsageError(f"rule name {name!r} must be kebab-case")
    if not re.match(r"^[a-z][a-z0-9_]*$", args.family):
        raise UsageError(f"family {args.family!r} must be a lower-case identifier")
    existing = load_rules(find_packs(use_entry_points=False))
    if any(s.id == rule_id for s in existing) or any(s.name == name for s in existing):
        raise UsageError(f"{rule_id} or {name} is already used (rule IDs are never reused)")
    root = Path(args.root)
    package = root / "auditor" / "amlaudit" / "rules" / args.family
    module = package / f"{name.replace('-', '_')}.py"
    fixtures = root / "fixtures" / "rules" / rule_id
    if module.exists() or fixtures.exists():
        raise UsageError(f"{module} or {fixtures} already exists")
    package.mkdir(parents=True, exist_ok=True)
    init = package / "__init__.py"
    if not init.exists():
        init.write_text(f'"""{args.family.capitalize()} rules."""\n', encoding="utf-8")
    module.write_text(
        _TEMPLATE.format(
            rule_id=rule_id,
            name=name,
            severity=args.severity,
            resource_type=args.resource_type,
            function=name.replace("-", "_"),
        ),
        encoding="utf-8",
    )
    fixtures.mkdir(parents=True)
    sample = {
        "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
        f"{args.resource_type}/example",
        "name": "example",
        "type": args.resource_type,
        "properties": {},
    }
    for kind in ("pass", "fail"):
        (fixtures / f"{kind}.json").write_text(json.dumps([sample], indent=2) + "\n", "utf-8")
    print(f"wrote {module}\nwrote {fixtures}/pass.json and fail.json (make them real ARM JSON)")
    print(
        "then: python -m pytest tests/test_rule_meta.py tests/test_rule_fixtures.py -k " + rule_id
    )
    return 0
