"""`amlaudit new-rule`: scaffold a rule module with its doc skeleton and fixtures.

The skeleton fails the meta-tests until its TODOs are filled in, on purpose: a rule without
a real doc, control mapping and fixtures must not land. A new rule is `preview` since the next
minor release (the versioning promise: upgrading never turns a green pipeline red without a
flag), its module is named after the setting it judges, like its neighbours
(`workspace-public-network-access-enabled` -> `workspace/public_network_access.py`), and its
ID should lie in its family's range (FAMILY_RANGES, also in the README).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from amlaudit._version import __version__
from amlaudit.errors import UsageError

# The ID block of each family (README "Writing a rule"); IDs are never reused.
FAMILY_RANGES: dict[str, tuple[int, int]] = {
    "workspace": (1, 19),
    "compute": (20, 39),
    "endpoints": (40, 49),
    "data": (50, 59),
    "registries": (60, 64),
    "keyvault": (65, 79),
    "storage": (80, 99),
    "registry": (100, 114),
    "insights": (115, 124),
    "aks": (125, 139),
    "network": (140, 159),
    "identity": (160, 179),
    "governance": (180, 199),
    "cost": (200, 209),
    "crossresource": (210, 219),
    "lifecycle": (220, 249),
}
REGENERATE = "python reports/generate.py"
FAST_TESTS = (
    "python -m pytest -q tests/test_rule_meta.py tests/test_rule_fixtures.py "
    "tests/test_rule_reads.py -k {rule_id}"
)
# Words naming the state a rule flags, and filler, left out of module names (`..._enabled`).
_STATE_WORDS = frozenset(
    {"enabled", "disabled", "missing", "allowed", "off", "open", "unset", "unresolved"}
)
_FILLER = frozenset({"for", "to", "of", "the", "on", "in", "not", "without"})
# The resource noun a family's rule names start with (`key-vault-purge-protection-disabled`).
_FAMILY_NOUNS: dict[str, tuple[str, ...]] = {
    "workspace": ("workspace",),
    "compute": ("compute",),
    "storage": ("storage",),
    "registry": ("registry",),
    "keyvault": ("key", "vault"),
    "registries": ("ml", "registry"),
    "aks": ("aks",),
}


def next_minor(version: str = __version__) -> str:
    """The release a new rule arrives in: `0.1.0` -> `0.2.0`."""
    major, minor, *_ = (int(part) for part in version.split("."))
    return f"{major}.{minor + 1}.0"


def module_name(name: str, family: str) -> str:
    """The setting a rule judges, as its neighbours are named: the family's resource noun,
    filler and the flagged state are left out (`storage-blob-public-access-allowed` ->
    `blob_public_access`, `defender-for-containers-off` -> `defender_containers`)."""
    words = name.split("-")
    noun = _FAMILY_NOUNS.get(family, ())
    if noun and tuple(words[: len(noun)]) == noun and len(words) > len(noun):
        words = words[len(noun) :]
    while len(words) > 1 and words[-1] in _STATE_WORDS:
        words = words[:-1]
    kept = [word for word in words if word not in _FILLER] or words
    return "_".join(kept)


_TEMPLATE = '''from amlaudit.api import Context, Resource, Verdict, failed, passed, rule, same


@rule(
    id="{rule_id}",
    name="{name}",
    title="TODO: state the requirement, e.g. 'Azure ML workspaces disable public network access'",
    severity="{severity}",
    status="preview",
    since="{since}",
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
    parser.add_argument(
        "--module",
        metavar="NAME",
        help="module name (default: the setting the name states, e.g. public_network_access)",
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
    _check_range(rule_id, args.family)
    stem = args.module or module_name(name, args.family)
    if not re.match(r"^[a-z][a-z0-9_]*$", stem):
        raise UsageError(f"module name {stem!r} must be a lower-case identifier")
    root = Path(args.root)
    package = root / "auditor" / "amlaudit" / "rules" / args.family
    module = package / f"{stem}.py"
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
            since=next_minor(),
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
    print(f"wrote {module} (preview since {next_minor()})")
    print(f"wrote {fixtures}/pass.json and fail.json (make them real ARM JSON)")
    print("then, as README 'Writing a rule' says:")
    print(f"  1. fill every TODO in {module.name} and make the fixtures real")
    print(f"  2. {REGENERATE}   (catalog, read paths, golden reports: every generated file)")
    print(f"  3. {FAST_TESTS.format(rule_id=rule_id)}")
    return 0


def _check_range(rule_id: str, family: str) -> None:
    """Built-in IDs stay in their family's block, so the catalog reads by family."""
    block = FAMILY_RANGES.get(family)
    number = int(rule_id[-3:])
    if rule_id.startswith("AML") and block and not block[0] <= number <= block[1]:
        low, high = block
        raise UsageError(
            f"{rule_id} is outside the {family} family's IDs (AML{low:03d}-AML{high:03d})"
        )
