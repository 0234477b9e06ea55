"""Suppressions: accepted risk with a reason, an owner and an end date.

Entries come from `--suppressions FILE` (else `.amlaudit/suppressions.yaml` when present) plus
any `[[suppress]]` tables of the configuration file. Each names a rule (ID, name or glob) and
an ARM ID glob (case-insensitive; `*` also crosses `/`), and must say why, who owns it and
when it ends: a suppression without an end date is how accepted risk becomes forgotten risk.
Only failing findings are suppressed; errors stay visible so an incomplete scan is never hidden.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from amlaudit import armid
from amlaudit.config import Config
from amlaudit.errors import ConfigError
from amlaudit.model import Finding, Status, Suppression
from amlaudit.redact import clean

DEFAULT_FILE = Path(".amlaudit") / "suppressions.yaml"
DEFAULT_MAX_DAYS = 365
REQUIRED = ("rule", "resource", "justification", "owner", "expires")
OPTIONAL = ("id", "ticket")
# The scalar types each field accepts (YAML and TOML parse bare dates themselves).
_SCALARS: dict[str, type | tuple[type, ...]] = {
    "rule": str,
    "resource": str,
    "justification": str,
    "owner": str,
    "expires": (str, date),
    "ticket": (str, int),
    "id": (str, int),
}
_KIND_NAMES = {
    "expires": "a date (YYYY-MM-DD)",
    "ticket": "a string or an integer",
    "id": "a string or an integer",
} | {name: "a string" for name in ("rule", "resource", "justification", "owner")}


@dataclass(frozen=True)
class SuppressionEntry:
    rule: str
    resource: str
    justification: str
    owner: str
    expires: date
    where: str  # "FILE: entry N (id)", for messages
    ticket: str | None = None

    def covers_rule(self, rule_id: str, rule_name: str) -> bool:
        return fnmatch.fnmatchcase(rule_id.upper(), self.rule.upper()) or fnmatch.fnmatchcase(
            rule_name.lower(), self.rule.lower()
        )

    @cached_property
    def resource_pattern(self) -> re.Pattern[str]:
        """The ARM ID glob, compiled once: matched against lower-cased ID keys."""
        return re.compile(fnmatch.translate(armid.key(self.resource)))

    @cached_property
    def anchor(self) -> str:
        """The glob's longest fixed part: a cheap substring test before the regex."""
        glob = armid.key(self.resource)
        return "" if "[" in glob else max(re.split(r"[*?]", glob), key=len)

    def covers_key(self, key: str) -> bool:
        """Whether the glob matches an ID key (armid.key: lower-case, no trailing slash)."""
        return self.anchor in key and self.resource_pattern.match(key) is not None

    def expired(self, today: date) -> bool:
        """An entry is valid through its `expires` day."""
        return self.expires < today

    def as_suppression(self) -> Suppression:
        return Suppression(
            self.justification, self.owner, self.expires.isoformat(), "file", self.ticket
        )


def load_entries(
    explicit: str | None, config: Config, cwd: Path | None = None
) -> list[SuppressionEntry]:
    """Every entry, parsed and checked for required fields and types (not yet for rules)."""
    entries: list[SuppressionEntry] = []
    path = Path(explicit) if explicit else (cwd or Path.cwd()) / DEFAULT_FILE
    if explicit or path.is_file():
        entries += _from_list(_read_yaml(path), str(path))
    table = config.get("suppress", [])
    if table:
        entries += _from_list(table, f"{config.path}: [[suppress]]")
    return entries


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a 566-byte file of nested aliases expands to
    gigabytes (the "billion laughs"); a suppressions file has no use for them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ConfigError(
                f"{self.name}: line {mark.line + 1}: YAML aliases (*name) are not allowed in a "
                "suppressions file; write each entry out"
            )
        return super().compose_node(parent, index)


def _read_yaml(path: Path) -> list[Any]:
    try:
        loader = _NoAliasLoader(path.read_text(encoding="utf-8"))
        loader.name = str(path)
        try:
            document = loader.get_single_data()
        finally:
            loader.dispose()
    except FileNotFoundError:
        raise ConfigError(f"{path}: suppressions file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read suppressions ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: invalid YAML{where}") from None
    except (ValueError, OverflowError) as exc:  # `expires: 2026-02-30` fails inside the parser
        raise ConfigError(f"{path}: invalid YAML value ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: YAML nested too deeply for a suppressions file") from None
    if document is None:
        return []
    if isinstance(document, dict):
        document = document.get("suppressions", [])
    if not isinstance(document, list):
        raise ConfigError(f"{path}: expected a list of suppressions (or 'suppressions: [...]')")
    return document


def _from_list(items: list[Any], source: str) -> list[SuppressionEntry]:
    return [_entry(item, source, number) for number, item in enumerate(items, 1)]


def _entry(item: Any, source: str, number: int) -> SuppressionEntry:
    where = f"{source}: entry {number}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping with {', '.join(REQUIRED)}")
    unknown = sorted(str(key) for key in set(item) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ConfigError(f"{where}: unknown field {clean(unknown[0][:80])!r}")
    # Types are checked, never str()-ed: a mapping where a scalar belongs is a mistake.
    for name, kinds in _SCALARS.items():
        value = item.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, kinds)):
            raise ConfigError(f"{where}: {name} must be {_KIND_NAMES[name]}")
    if item.get("id") is not None:
        where += f" ({clean(str(item['id'])[:80])})"
    for name in REQUIRED:
        value = item.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ConfigError(f"{where}: missing required field {name!r}")
    ticket = item.get("ticket")
    return SuppressionEntry(
        rule=item["rule"].strip(),
        resource=item["resource"].strip(),
        justification=item["justification"].strip(),
        owner=item["owner"].strip(),
        expires=_date(item["expires"], where),
        where=where,
        ticket=clean(str(ticket)) if ticket is not None else None,
    )


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):  # `2026-06-30T12:00:00`: the day is what counts
        return value.date()
    if isinstance(value, date):  # YAML and TOML parse bare dates themselves
        return value
    try:
        text = value.strip()
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise ConfigError(
            f"{where}: expires {clean(value[:40])!r} is not a date (YYYY-MM-DD)"
        ) from None


def check_entries(
    entries: Iterable[SuppressionEntry],
    rules: Sequence[tuple[str, str]],
    today: date,
    max_days: int = DEFAULT_MAX_DAYS,
) -> None:
    """Refuse unknown rules and end dates beyond the allowed horizon (exit 2)."""
    if max_days < 0:
        raise ConfigError(f"max-suppression-days is {max_days}; it must be 0 or more")
    try:
        horizon = today + timedelta(days=max_days)
    except OverflowError:  # a horizon past year 9999 is no horizon
        horizon = date.max
    for entry in entries:
        if not any(entry.covers_rule(rule_id, name) for rule_id, name in rules):
            raise ConfigError(f"{entry.where}: no rule matches {entry.rule!r}")
        if entry.expires > horizon:
            raise ConfigError(
                f"{entry.where}: expires {entry.expires} is more than {max_days} days away "
                f"(latest allowed {horizon}; see max-suppression-days)"
            )


def apply_suppressions(
    findings: Iterable[Finding],
    entries: Sequence[SuppressionEntry],
    rule_names: dict[str, str],
    today: date,
    strict: bool = False,
) -> list[str]:
    """Mark covered failing findings as suppressed; return warnings (expired, unmatched)."""
    live = [e for e in entries if not e.expired(today)]
    warnings = [
        f"{e.where}: expired on {e.expires}; it no longer suppresses {e.rule} on {e.resource}"
        for e in entries
        if e.expired(today)
    ]
    used: set[int] = set()
    by_rule: dict[str, list[tuple[int, SuppressionEntry]]] = {}
    for finding in findings:
        if finding.status is not Status.FAIL:
            continue
        candidates = by_rule.get(finding.rule_id)
        if candidates is None:  # rule globs are judged once per rule, not once per finding
            name = rule_names.get(finding.rule_id, "")
            candidates = [
                (n, e) for n, e in enumerate(live) if e.covers_rule(finding.rule_id, name)
            ]
            by_rule[finding.rule_id] = candidates
        if not candidates:
            continue
        key = armid.key(finding.resource_id)
        first = True
        for number, entry in candidates:  # the first entry suppresses; overlaps count as used
            if entry.covers_key(key):
                if first:
                    finding.suppression = entry.as_suppression()
                    first = False
                used.add(number)
    unmatched = [e for number, e in enumerate(live) if number not in used]
    if unmatched and strict:
        entry = unmatched[0]
        raise ConfigError(
            f"{entry.where}: matched no failing finding ({entry.rule} on {entry.resource}); "
            "remove it or drop --strict-suppressions"
        )
    warnings += [
        f"{e.where}: matched no failing finding ({e.rule} on {e.resource}); remove it if the "
        "risk is gone"
        for e in unmatched
    ]
    return warnings


EXPIRING_DAYS = 30


def ending(
    entries: Iterable[SuppressionEntry], today: date, within: int = EXPIRING_DAYS
) -> list[tuple[SuppressionEntry, int]]:
    """Entries expired or expiring within `within` days, soonest first, with days left
    (negative: expired). Reports show them in a section of their own."""
    found = [(e, (e.expires - today).days) for e in entries]
    return sorted(
        ((e, days) for e, days in found if days <= within), key=lambda p: (p[1], p[0].where)
    )


@dataclass(frozen=True)
class Applied:
    """What applying the suppressions left to report: warnings, and every entry (reports show
    the expired and soon-expiring ones in a section of their own)."""

    warnings: list[str]
    entries: list[SuppressionEntry]


def drop_expired(findings: Iterable[Finding], today: date, where: str) -> list[str]:
    """Suppression records read back from a report (gate, merge) stop applying on the day
    after they expire, exactly as file entries do in `scan`; return one warning per rule."""
    expired: dict[tuple[str, str], int] = {}
    for finding in findings:
        record = finding.suppression
        if record is not None and not record.active(today):
            finding.suppression = None
            key = (finding.rule_id, record.expires or "no date")
            expired[key] = expired.get(key, 0) + 1
    return [
        f"{where}: a suppression of {rule} expired on {expires}; it no longer suppresses "
        f"{count} finding(s)"
        for (rule, expires), count in sorted(expired.items())
    ]


def suppress(
    findings: Sequence[Finding],
    rules: Sequence[tuple[str, str]],
    explicit: str | None,
    config: Config,
    today: date,
    strict: bool = False,
) -> Applied:
    """Load, check and apply every suppression; the one call `scan` and `gate` make.

    `strict` (--strict-suppressions) refuses expired entries and entries matching nothing
    (exit 2): in strict mode the file must describe exactly the risk accepted today.
    """
    entries = load_entries(explicit, config)
    if not entries:
        return Applied([], [])
    max_days = int(config.get("max-suppression-days", DEFAULT_MAX_DAYS))
    check_entries(entries, rules, today, max_days)
    if strict:
        expired = next((e for e in entries if e.expired(today)), None)
        if expired is not None:
            raise ConfigError(
                f"{expired.where}: expired on {expired.expires} ({expired.rule} on "
                f"{expired.resource}); renew or remove it, or drop --strict-suppressions"
            )
    return Applied(apply_suppressions(findings, entries, dict(rules), today, strict), entries)
