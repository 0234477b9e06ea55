"""Arguments and steps several commands share: rule loading, selection, configuration."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from amlaudit.errors import UsageError

if TYPE_CHECKING:  # imported lazily: building the parser for --help must stay cheap
    from amlaudit.api import RuleSpec
    from amlaudit.config import Config
    from amlaudit.depscope import ScopeMode
    from amlaudit.gate import GatePolicy

# The values of amlaudit.depscope.ScopeMode, spelled out so --help need not import it.
SCOPE_CHOICES = ("used", "all")

_SIZE_SUFFIXES = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def split_list(values: Sequence[str] | None) -> list[str]:
    """Repeatable, comma-separated flags: `--select AML001,AML002 --select net-*`."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def add_rule_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rules")
    group.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="only these rules: IDs, names or globs, comma-separated",
    )
    group.add_argument(
        "--ignore", action="append", metavar="RULES", help="skip these rules (not evaluated at all)"
    )
    group.add_argument(
        "--rules-path",
        action="append",
        default=[],
        metavar="DIR",
        help="also load rule modules from DIR",
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: amlaudit.toml, else [tool.amlaudit] in pyproject.toml)",
    )


def add_scope_argument(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--dependency-scope",
        choices=SCOPE_CHOICES,
        help="judge storage, vaults, registries, App Insights, Log Analytics and AKS only when "
        "an ML workspace uses them, and subscriptions only when they hold ML resources "
        "(used, the default), or every one in the input (all)",
    )


def dependency_scope(args: argparse.Namespace, config: Config) -> ScopeMode:
    """`--dependency-scope`, else the config key `dependency-scope`, else `used`."""
    from amlaudit.depscope import ScopeMode
    from amlaudit.errors import ConfigError

    chosen = getattr(args, "dependency_scope", None)
    if chosen is None:
        chosen = config.get("dependency-scope", ScopeMode.USED.value)
        if chosen not in SCOPE_CHOICES:
            raise ConfigError(
                f"{config.path}: dependency-scope must be one of {', '.join(SCOPE_CHOICES)}, "
                f"not {chosen!r}"
            )
    return ScopeMode(chosen)


def resolve_rules(args: argparse.Namespace, config: Config) -> list[RuleSpec]:
    from amlaudit.registry import find_packs, load_rules, select_rules

    rules_paths = [*config.rules_paths(), *args.rules_path]
    rules = load_rules(find_packs(rules_paths))
    select = split_list(args.select) if args.select else list(config.get("select", []))
    ignore = split_list(args.ignore) if args.ignore else list(config.get("ignore", []))
    return select_rules(rules, select, ignore)


def load_config_for(args: argparse.Namespace) -> Config:
    from amlaudit.config import load_config

    return load_config(getattr(args, "config", None))


def parse_size(text: str) -> int:
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    suffix = value[-1:] if value[-1:] in _SIZE_SUFFIXES else ""
    number = value[: -len(suffix)] if suffix else value
    try:
        size = int(float(number) * _SIZE_SUFFIXES[suffix])
    except ValueError:
        raise UsageError(f"invalid size {text!r} (examples: 500M, 2G, 1048576)") from None
    if size <= 0:
        raise UsageError(f"invalid size {text!r}: must be positive")
    return size


def gate_policy(args: argparse.Namespace, config: Config) -> GatePolicy:
    """The gate `scan`, `gate` and `diff` apply: flags first, then the configuration."""
    from amlaudit.gate import GatePolicy, parse_fail_on

    try:
        return GatePolicy(
            fail_on=parse_fail_on(args.fail_on or config.get("fail-on", "high")),
            allow_incomplete=args.allow_incomplete or bool(config.get("allow-incomplete", False)),
            include_preview=args.include_preview or bool(config.get("include-preview", False)),
        )
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from None


def input_size_limit(args: argparse.Namespace, config: Config) -> int:
    """`--max-input-size`, else the configuration's `max-input-size`, else the default."""
    from amlaudit.snapshot import DEFAULT_MAX_INPUT_BYTES

    if args.max_input_size:
        return parse_size(args.max_input_size)
    return int(config.get("max-input-size", DEFAULT_MAX_INPUT_BYTES))


def use_color(stream: object | None = None) -> bool:
    isatty = getattr(sys.stdout if stream is None else stream, "isatty", None)
    return (
        bool(isatty and isatty())
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )
