"""Find rules: the built-ins, packs registered under the `amlaudit.rules` entry point group,
and modules in `--rules-path` directories. Loading is two-phase, like flake8's plugin finder:
first find what exists (metadata only), then import it, wrapping any failure with its name.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

from amlaudit.api import RuleSpec
from amlaudit.errors import RulePackError, UsageError

ENTRY_POINT_GROUP = "amlaudit.rules"
BUILTIN_PACKAGE = "amlaudit.rules"


@dataclass(frozen=True)
class RulePack:
    """Where rules come from: a module or package name, or a directory."""

    name: str
    target: str
    kind: str  # "builtin" | "entry-point" | "path"


def find_packs(rules_paths: Sequence[str] = (), use_entry_points: bool = True) -> list[RulePack]:
    packs = [RulePack("amlaudit", BUILTIN_PACKAGE, "builtin")]
    if use_entry_points:
        for ep in _entry_points():
            packs.append(RulePack(ep.name, ep.value, "entry-point"))
    for path in rules_paths:
        packs.append(RulePack(path, path, "path"))
    return packs


def _entry_points() -> list[EntryPoint]:
    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def load_rules(packs: Iterable[RulePack]) -> list[RuleSpec]:
    """Import every pack and collect its rules; duplicate IDs or names are an error."""
    rules: dict[str, RuleSpec] = {}
    names: dict[str, str] = {}
    for pack in packs:
        try:
            modules = _modules_of(pack)
            found = [spec for module in modules for spec in _specs_in(module)]
        except RulePackError:
            raise
        except Exception as exc:  # a broken pack must name itself, not crash the scan
            raise RulePackError(
                f"rule pack {pack.name!r} ({pack.kind}) failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        for spec in found:
            if spec.id in rules and rules[spec.id] is not spec:
                raise RulePackError(
                    f"rule pack {pack.name!r}: rule id {spec.id} is already defined by "
                    f"{rules[spec.id].module}"
                )
            if names.get(spec.name, spec.id) != spec.id:
                raise RulePackError(
                    f"rule pack {pack.name!r}: rule name {spec.name!r} is already used by "
                    f"{names[spec.name]}"
                )
            rules[spec.id] = spec
            names[spec.name] = spec.id
    return sorted(rules.values(), key=lambda spec: spec.id)


def _modules_of(pack: RulePack) -> list[ModuleType]:
    if pack.kind == "path":
        return _modules_in_directory(Path(pack.target))
    module = importlib.import_module(pack.target.split(":", 1)[0])
    if hasattr(module, "__path__"):
        return [module, *_submodules(module)]
    return [module]


def _submodules(package: ModuleType) -> list[ModuleType]:
    modules = []
    for info in sorted(
        pkgutil.walk_packages(package.__path__, package.__name__ + "."), key=lambda i: i.name
    ):
        modules.append(importlib.import_module(info.name))
    return modules


def _modules_in_directory(directory: Path) -> list[ModuleType]:
    if not directory.is_dir():
        raise RulePackError(f"--rules-path {directory}: not a directory")
    modules = []
    for file in sorted(directory.rglob("*.py")):
        if file.name.startswith("_") and file.name != "__init__.py":
            continue
        relative = file.relative_to(directory).with_suffix("")
        name = "amlaudit_local_rules." + ".".join(relative.parts).replace("-", "_")
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            raise RulePackError(f"--rules-path {directory}: cannot import {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise RulePackError(
                f"rule file {file} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        modules.append(module)
    return modules


def _specs_in(module: ModuleType) -> list[RuleSpec]:
    return [value for value in vars(module).values() if isinstance(value, RuleSpec)]


def select_rules(
    rules: Sequence[RuleSpec], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[RuleSpec]:
    """Filter by IDs, names or globs of either; an unknown pattern is a usage error."""
    for pattern in [*select, *ignore]:
        if not any(_matches(spec, pattern) for spec in rules):
            raise UsageError(f"no rule matches {pattern!r} (see 'amlaudit rules')")
    chosen = [s for s in rules if not select or any(_matches(s, p) for p in select)]
    return [s for s in chosen if not any(_matches(s, p) for p in ignore)]


def _matches(spec: RuleSpec, pattern: str) -> bool:
    pattern = pattern.strip()
    return fnmatch.fnmatchcase(spec.id, pattern.upper()) or fnmatch.fnmatchcase(
        spec.name, pattern.lower()
    )


def find_rule(rules: Sequence[RuleSpec], ident: str) -> RuleSpec:
    for spec in rules:
        if spec.id == ident.upper() or spec.name == ident.lower():
            return spec
    raise UsageError(f"unknown rule {ident!r} (see 'amlaudit rules')")
