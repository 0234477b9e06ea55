"""Rule documentation generated from the code: `amlaudit explain` and the `rules/` catalog.

The rule's docstring is the single source; `python -m amlaudit.docs rules/` rewrites the
catalog and a test fails when the committed catalog drifts from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from amlaudit.api import RuleSpec

_FRAMEWORK_NAMES = {
    "MCSB-v1": "Microsoft cloud security benchmark v1",
    "ASB-v1": "Azure Security Benchmark v1",
}


def rule_page(spec: RuleSpec) -> str:
    lines = [
        f"# {spec.id}: {spec.name}",
        "",
        f"**{spec.title}**",
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {spec.severity.value} |",
        f"| Status | {spec.status.value} (since {spec.since}) |",
        f"| Resource types | {', '.join(f'`{t}`' for t in spec.resource_types)} |",
        f"| Controls | {', '.join(spec.controls) or '—'} |",
        f"| Azure Policy built-ins | {', '.join(f'`{g}`' for g in spec.azure_policy) or '—'} |",
    ]
    if spec.labels:
        lines.append(f"| Labels | {', '.join(spec.labels)} |")
    if spec.options:
        for name, option in sorted(spec.options.items()):
            lines.append(f"| Option `{name}` | {option.help} (default `{option.default!r}`) |")
    lines += ["", spec.doc.strip(), ""]
    lines += _reads_section(spec)
    if spec.overlaps:
        lines += ["## Overlaps", ""]
        lines += [f"- [{other}]({other}.md): {why}" for other, why in spec.overlaps.items()]
        lines.append("")
    if spec.references:
        lines += ["## References", ""]
        lines += [f"- <{ref}>" for ref in spec.references]
        lines.append("")
    return "\n".join(lines)


def _reads_section(spec: RuleSpec) -> list[str]:
    """The settings the rule reads, as traced from its fixtures (built-in rules only)."""
    from amlaudit.reads import rule_reads

    reads = rule_reads().get(spec.id)
    if not reads:
        return []
    lines = ["## Settings it reads", ""]
    for read in reads:
        where = f" on `{read.on}`" if read.on else ""
        named = f" `{read.name}`" if read.name else ""
        lines.append(f"- `{read.type}`{named}{where}: `{read.path}`")
    return [*lines, ""]


def catalog_index(rules: list[RuleSpec]) -> str:
    lines = [
        "# amlaudit rule catalog",
        "",
        "Generated from the rule code by `python -m amlaudit.docs rules/`; do not edit by hand.",
        "",
        f"{len(rules)} rules.",
        "",
        "| ID | Name | Severity | Status | Title | Controls |",
        "|---|---|---|---|---|---|",
    ]
    for spec in rules:
        lines.append(
            f"| [{spec.id}]({spec.id}.md) | `{spec.name}` | {spec.severity.value} | "
            f"{spec.status.value} | {spec.title} | {', '.join(spec.controls)} |"
        )
    lines.append("")
    return "\n".join(lines)


def catalog_files(rules: list[RuleSpec]) -> dict[str, str]:
    files = {"README.md": catalog_index(rules)}
    for spec in rules:
        files[f"{spec.id}.md"] = rule_page(spec)
    return files


def write_catalog(directory: Path, rules: list[RuleSpec]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    wanted = catalog_files(rules)
    for stale in directory.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (directory / name).write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str]) -> int:
    from amlaudit.registry import find_packs, load_rules

    target = Path(argv[0] if argv else "rules")
    rules = load_rules(find_packs(use_entry_points=False))
    write_catalog(target, rules)
    print(f"wrote {len(rules) + 1} pages to {target}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
