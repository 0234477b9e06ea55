"""Configuration: `--config FILE`, else `amlaudit.toml`, else `[tool.amlaudit]` in pyproject.toml.

Command-line flags win over the file. Unknown keys are errors: a typo in a security gate's
configuration must not silently loosen it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from amlaudit.api import Option, RuleSpec
from amlaudit.errors import ConfigError

KNOWN_KEYS = {
    "fail-on": str,
    "select": list,
    "ignore": list,
    "rules-path": list,
    "allow-incomplete": bool,
    "allow-empty": bool,
    "dependency-scope": str,
    "include-preview": bool,
    "output": list,
    "suppressions": str,
    "baseline": str,
    "max-input-size": int,
    "max-resources": int,
    "jobs": int,
    "max-suppression-days": int,
    "strict-suppressions": bool,
    "options": dict,
    "suppress": list,
}


@dataclass
class Config:
    path: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    # Found in the working directory rather than named with --config: in CI that directory
    # is the checkout being scanned, so whoever writes to the repository wrote this file.
    discovered: bool = False

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def rules_paths(self) -> list[str]:
        """`rules-path` directories, whose Python files are imported: honoured only from a
        configuration named with --config, never from one found in the scanned directory."""
        paths = list(self.get("rules-path", []))
        if paths and self.discovered:
            raise ConfigError(
                f"{self.path}: rules-path in a configuration found in the working directory "
                "would run code from it; pass --config "
                f"{self.path} (or --rules-path) to load those rule packs"
            )
        return paths


def load_config(explicit: str | None, cwd: Path | None = None) -> Config:
    """Find and read the configuration; an explicit file that does not exist is an error."""
    base = cwd or Path.cwd()
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        return _parse(path, _read_toml(path))
    local = base / "amlaudit.toml"
    if local.is_file():
        return replace(_parse(local, _read_toml(local)), discovered=True)
    pyproject = base / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("amlaudit")
        if isinstance(table, dict):
            config = _parse(pyproject, table, prefix="[tool.amlaudit] ")
            return replace(config, discovered=True)
    return Config()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _parse(path: Path, table: dict[str, Any], prefix: str = "") -> Config:
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        name = raw_key.replace("_", "-")
        expected = KNOWN_KEYS.get(name)
        if expected is None:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise ConfigError(f"{path}: {prefix}unknown key {raw_key!r} (known: {known})")
        if (expected is int and isinstance(value, bool)) or not isinstance(value, expected):
            raise ConfigError(f"{path}: {prefix}{raw_key} must be a {expected.__name__}")
        values[name] = value
    return Config(str(path), values)


def rule_options(rules: list[RuleSpec], configured: dict[str, Any], source: str) -> dict[str, Any]:
    """Typed option values for the rules: defaults from the rules, overrides from config."""
    declared: dict[str, Option] = {}
    for spec in rules:
        for name, option in spec.options.items():
            declared.setdefault(name, option)
    values = {name: option.default for name, option in declared.items()}
    for name, value in configured.items():
        key = name.replace("-", "_")
        found = declared.get(key)
        if found is None:
            known = ", ".join(sorted(declared)) or "none"
            raise ConfigError(f"{source}: unknown rule option {name!r} (known: {known})")
        values[key] = _coerce(found.type, value, f"{source}: option {name}")
    return values


def _coerce(kind: type, value: Any, where: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind in (list, tuple, frozenset):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings")
        return kind(value)
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise ConfigError(f"{where} must be a {kind.__name__}")
    return value
