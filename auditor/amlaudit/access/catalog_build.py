"""Build the packaged built-in role catalog from an `az role definition list` JSON file.

    python -m amlaudit.access.catalog_build roles.json --source TEXT --date YYYY-MM-DD \\
        -o auditor/amlaudit/data/builtin_roles.json

Input: the JSON array `az role definition list` prints (flattened items with `roleName`,
`roleType`, `permissions`), or an ARM list response `{"value": [...]}` of role definition GET
bodies. Only built-in roles are kept (a custom role is a tenant's own and belongs in its
snapshot). The output records where the definitions came from and when, so a report can say
which definitions it evaluated; it is sorted by GUID and byte-stable for the same input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from amlaudit.access.roles import parse_definition

CATALOG_FORMAT = "amlaudit-role-catalog"


def build_catalog(items: list[Any], source: str, date: str) -> dict[str, Any]:
    roles: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        definition = parse_definition(item, "catalog")
        if definition is None or definition.kind.lower() != "builtinrole":
            continue
        roles.append(
            {
                "name": definition.guid,
                "roleName": definition.name,
                "updatedOn": definition.updated_on,
                "permissions": [block.to_dict() for block in definition.blocks],
            }
        )
    roles.sort(key=lambda r: str(r["name"]))
    return {"format": CATALOG_FORMAT, "source": source, "date": date, "roles": roles}


def read_items(path: Path) -> list[Any]:
    document = json.loads(path.read_text(encoding="utf-8-sig"))
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        return list(document["value"])
    if not isinstance(document, list):
        raise ValueError("expected the JSON array `az role definition list` prints")
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="output of `az role definition list` (JSON)")
    parser.add_argument("--source", required=True, help="where the definitions came from")
    parser.add_argument("--date", required=True, help="when they were read (YYYY-MM-DD)")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    try:
        catalog = build_catalog(read_items(Path(args.input)), args.source, args.date)
    except (OSError, ValueError) as exc:
        print(f"catalog_build: {args.input}: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(catalog, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(catalog['roles'])} built-in roles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
