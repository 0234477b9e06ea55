"""One exception base for everything the CLI turns into a single line and an exit code."""

from __future__ import annotations


class AmlauditError(Exception):
    """Base of every error amlaudit reports to the user (exit code 2 unless stated)."""

    exit_code = 2


class UsageError(AmlauditError):
    """Bad command-line arguments or option values."""


class InputError(AmlauditError):
    """A snapshot, baseline or report file that cannot be read or understood."""


class ConfigError(AmlauditError):
    """An invalid configuration or suppressions file."""


class RulePackError(AmlauditError):
    """A rule pack (entry point or --rules-path) that cannot be loaded or is invalid."""


class CollectionError(AmlauditError):
    """Live collection could not start at all (no credential, bad scope)."""
