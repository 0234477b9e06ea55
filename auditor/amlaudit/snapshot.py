"""Read snapshot files of ARM resource JSON, in every shape people have them.

Shapes, detected automatically: the amlaudit envelope; a bare array of resources (joined
`az ... show` outputs); an ARM list response `{"value": [...]}`; a Resource Graph response
`{"data": [...]}` (object rows or the `columns`/`rows` table form); a single resource.
Nothing here judges resources; it only makes sure each has an ID and a type and records what
the input itself says is missing (a `nextLink` left behind means a truncated list).
"""

from __future__ import annotations

import codecs
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from amlaudit import armid
from amlaudit.duplicates import Merged, merge
from amlaudit.errors import InputError
from amlaudit.model import ScanError
from amlaudit.redact import clean, printable, scrub_text
from amlaudit.resource import Resource
from amlaudit.shapes import as_arm, is_ml_entity

ENVELOPE_FORMAT = "amlaudit-snapshot"
ENVELOPE_VERSION = 1
DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3
# Far above a 10,000-workspace tenant (~150 resources each); bounds the objects built per input.
DEFAULT_MAX_RESOURCES = 2_000_000
SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions"

# Columns Resource Graph adds to its rows; they are not part of the ARM GET body.
_GRAPH_COLUMNS = frozenset(
    {
        "subscriptionId",
        "resourceGroup",
        "tenantId",
        "managedBy",
        "plan",
        "zones",
        "extendedLocation",
    }
)
# Cheap pre-checks on the text, so the slower validating parse runs only when needed.
_BIG_EXPONENT_RE = re.compile(r"\d[eE]\+?0*\d{3,}")
_LONE_SURROGATE_RE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONG_DIGITS_RE = re.compile(rb"\d{20}")


@dataclass
class SnapshotSource:
    """Where a batch of resources came from, for the report's scope section."""

    path: str
    shape: str
    resources: int
    collected_at: str | None = None
    source: dict[str, Any] | None = None
    # Lower-case types the input holds at least one resource of (the per-file heuristic).
    types: set[str] = field(default_factory=set, repr=False)
    # Lower-case types the input's `errors` name: listed, except where an error says it failed.
    failed_types: set[str] = field(default_factory=set, repr=False)

    @property
    def declared_types(self) -> frozenset[str] | None:
        """`source.collected_types` of an envelope, lower-cased; None when it declares none."""
        declared = (self.source or {}).get("collected_types")
        if self.shape != "envelope" or not isinstance(declared, list):
            return None
        return frozenset(t.lower() for t in declared if isinstance(t, str))

    @property
    def complete(self) -> bool:
        """A version-1 envelope written by amlaudit without `collected_types`: it keeps that
        version's meaning, complete for its scopes (the failures are its `errors`)."""
        tool = (self.source or {}).get("tool")
        written_by_amlaudit = isinstance(tool, str) and tool.split(" ", 1)[0] == "amlaudit"
        return self.shape == "envelope" and written_by_amlaudit and self.declared_types is None

    def declares(self, type_key: str) -> bool:
        """Whether this envelope says the type was collected in all its scopes (declared, or
        a complete amlaudit version-1 envelope); never true of the per-file heuristic."""
        declared = self.declared_types
        if self.complete:
            return True
        # A type whose listing failed somewhere is not declared; it was still listed everywhere
        # its `errors` do not cover (rules look those up first and report error there).
        return declared is not None and (type_key in declared or type_key in self.failed_types)

    def collected(self, type_key: str) -> bool:
        """Whether this input says every resource of a (lower-case) type in its scopes is in it:
        declared by the envelope, or, for inputs that declare nothing, held at least once."""
        if self.declared_types is not None or self.complete:
            return self.declares(type_key)
        return type_key in self.types


@dataclass
class Snapshot:
    resources: list[Resource] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    sources: list[SnapshotSource] = field(default_factory=list)
    # Keys of resources that appeared twice with different content: rules report error.
    conflicts: set[str] = field(default_factory=set)
    # Resource key -> positions in `sources` of the inputs that hold it.
    origins: dict[str, set[int]] = field(default_factory=dict)


def single_source(
    resources: list[Resource], errors: list[ScanError], source: SnapshotSource
) -> Snapshot:
    """A snapshot read from one source in memory (the live path), origins recorded."""
    source.types = {r.type_key for r in resources}
    source.failed_types = {e.resource_type.lower() for e in errors if e.resource_type}
    return Snapshot(
        resources=resources,
        errors=errors,
        sources=[source],
        origins={r.key: {0} for r in resources},
    )


def load(
    paths: list[str],
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    max_resources: int = DEFAULT_MAX_RESOURCES,
) -> Snapshot:
    """Load and merge snapshot files; copies of one resource merge or conflict (see
    :mod:`amlaudit.duplicates`), and which copy is kept does not depend on input order, so a
    shuffled or re-split snapshot gives byte-identical reports."""
    snapshot = Snapshot()
    copies: dict[str, list[Resource]] = {}
    total = 0
    for path in paths:
        document = _read_json(path, max_bytes)
        items, errors, source = _unwrap(document, path)
        total += len(items)
        if total > max_resources:
            raise InputError(
                f"{path}: {total:,} resources in the input, over the limit of "
                f"{max_resources:,} (raise it with --max-resources)"
            )
        snapshot.errors.extend(errors)
        source.failed_types = {e.resource_type.lower() for e in errors if e.resource_type}
        position = len(snapshot.sources)
        for number, item in enumerate(items):
            resource = _to_resource(item, path, number)
            copies.setdefault(resource.key, []).append(resource)
            snapshot.origins.setdefault(resource.key, set()).add(position)
            source.types.add(resource.type_key)
        source.resources = len(items)
        snapshot.sources.append(source)
    for key, found in copies.items():
        try:
            merged = merge(found) if len(found) > 1 else Merged((found[0],), False, ())
        except RecursionError:  # orjson reads 1,024 levels; comparing them recurses deeper
            where = snapshot.sources[min(snapshot.origins[key])].path
            raise InputError(
                f"{where}: {found[0].id} is nested too deeply to be an ARM resource"
            ) from None
        snapshot.resources.extend(merged.kept)
        if merged.conflict:
            snapshot.conflicts.add(key)
            snapshot.errors.append(_conflict_error(merged))
    # Rules quote the first error covering a scope: make "first" independent of input order.
    snapshot.errors.sort(key=ScanError.sort_key)
    return snapshot


def _conflict_error(merged: Merged) -> ScanError:
    first = merged.kept[0]
    differ = (
        f"as {' and '.join(merged.types)}"
        if len(merged.types) > 1
        else "with different content (beyond etags, provisioning states and other volatile fields)"
    )
    return ScanError(
        scope=first.id,
        operation="load snapshot",
        status="conflict",
        message=f"the same resource ID appears {differ}; its rules cannot tell which is current",
    )


def _read_json(path: str, max_bytes: int) -> Any:
    file = Path(path)
    too_big = (
        f"{path}: over the input size limit of {max_bytes:,} bytes (raise it with --max-input-size)"
    )
    try:
        if path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            size = file.stat().st_size
            if size > max_bytes:
                raise InputError(f"{path}: {size:,} bytes is {too_big.split(': ', 1)[1]}")
            if file.is_dir():
                raise InputError(f"{path}: is a directory, expected a JSON snapshot file")
            # Bounded even when stat cannot tell the size (a pipe, /dev/stdin).
            with file.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(too_big)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a JSON snapshot file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    fast = _fast_parse(data)
    if fast is not _NOT_PARSED:
        return fast
    text = _decode(data, path)
    if not text.strip():
        raise InputError(f"{path}: empty file, expected JSON")
    try:
        document = _parse(text, path)
    except json.JSONDecodeError as exc:
        what = "truncated JSON" if exc.pos >= len(text.rstrip()) else "invalid JSON"
        raise InputError(
            f"{path}: {what} at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be an ARM snapshot") from None
    except ValueError as exc:  # an integer longer than Python's digit limit
        if "digits" in str(exc):
            raise InputError(
                f"{path}: a number has more digits than any ARM value "
                f"(over {sys.get_int_max_str_digits()})"
            ) from None
        raise InputError(f"{path}: unreadable JSON value: {exc}") from None
    if _LONE_SURROGATE_RE.search(text):
        _reject_lone_surrogates(document, path)
    return document


_NOT_PARSED = object()


def _fast_parse(data: bytes) -> Any:
    """orjson on well-formed UTF-8: about twice as fast as the stdlib and without a decoded
    copy of the file. It refuses everything the strict path refuses (NaN, Infinity, 1e400,
    unpaired surrogates, invalid UTF-8, nesting beyond 1,024 levels); anything it refuses goes
    through the stdlib path below, which says precisely what is wrong."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" in data[:2]:
        return _NOT_PARSED
    if _LONG_DIGITS_RE.search(data):  # orjson reads integers beyond 64 bits as floats
        return _NOT_PARSED
    try:
        return orjson.loads(data[3:] if data.startswith(codecs.BOM_UTF8) else data)
    except orjson.JSONDecodeError:
        return _NOT_PARSED


def _parse(text: str, path: str) -> Any:
    """json.loads that refuses what strict JSON forbids: NaN, Infinity and numbers a double
    cannot hold (1e400), which reports could not write back as JSON."""

    def constant(name: str) -> Any:
        raise InputError(f"{path}: {name} is not valid JSON (RFC 8259 has no NaN or Infinity)")

    def finite(literal: str) -> float:
        value = float(literal)
        if math.isinf(value):
            raise InputError(f"{path}: number {literal[:40]} is out of range for a JSON double")
        return value

    if _BIG_EXPONENT_RE.search(text):
        return json.loads(text, parse_constant=constant, parse_float=finite)
    return json.loads(text, parse_constant=constant)


def _reject_lone_surrogates(document: Any, path: str) -> None:
    """A `\\ud800` escape without its pair decodes to text no UTF-8 report can hold."""
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be an ARM snapshot") from None
    except UnicodeEncodeError:
        raise InputError(
            f"{path}: a string holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff)"
        ) from None


def _decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM); UTF-16 as Windows PowerShell writes it (BOM or not: JSON
    text starts with an ASCII character, so a NUL in the first two bytes tells the order)."""
    encoding = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 2 and data[0] == 0 and data[1] != 0:
        encoding = "utf-16-be"
    elif len(data) >= 2 and data[0] != 0 and data[1] == 0:
        encoding = "utf-16-le"
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(f"{path}: invalid UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _unwrap(document: Any, path: str) -> tuple[list[Any], list[ScanError], SnapshotSource]:
    if isinstance(document, list):
        return document, [], SnapshotSource(path, "array", 0)
    if not isinstance(document, dict):
        raise InputError(
            f"{path}: top level is {_json_kind(document)}, expected an object or an array "
            "of ARM resources"
        )
    if document.get("format") == ENVELOPE_FORMAT or (
        "format" in document and "resources" in document
    ):
        return _unwrap_envelope(document, path)
    if isinstance(document.get("value"), list):
        errors = _truncation(document, ("nextLink", "@odata.nextLink"), path)
        return document["value"], errors, SnapshotSource(path, "arm-list", 0)
    if "data" in document:
        return _unwrap_graph(document, path)
    if "id" in document and ("type" in document or is_ml_entity(document)):
        return [document], [], SnapshotSource(path, "resource", 0)
    raise InputError(
        f"{path}: unrecognised snapshot shape (expected an amlaudit envelope, an array of "
        'resources, {"value": [...]} or {"data": [...]})'
    )


def _unwrap_envelope(
    document: dict[str, Any], path: str
) -> tuple[list[Any], list[ScanError], SnapshotSource]:
    if document.get("format") != ENVELOPE_FORMAT:
        raise InputError(
            f"{path}: format is {document.get('format')!r}, expected {ENVELOPE_FORMAT!r}"
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputError(f"{path}: envelope version must be an integer")
    if version > ENVELOPE_VERSION:
        raise InputError(
            f"{path}: snapshot envelope version {version} is newer than this amlaudit reads "
            f"({ENVELOPE_VERSION}); upgrade amlaudit"
        )
    if version < 1:
        raise InputError(f"{path}: envelope version {version} is not valid")
    resources = document.get("resources")
    if not isinstance(resources, list):
        raise InputError(f"{path}: envelope 'resources' must be an array")
    raw_errors = document.get("errors", [])
    if not isinstance(raw_errors, list):
        raise InputError(f"{path}: envelope 'errors' must be an array")
    errors = [_scan_error(item, path, n) for n, item in enumerate(raw_errors)]
    collected_at = document.get("collected_at")
    source = document.get("source")
    return (
        resources,
        errors,
        SnapshotSource(
            path,
            "envelope",
            0,
            printable(scrub_text(collected_at)) if isinstance(collected_at, str) else None,
            source if isinstance(source, dict) else None,
        ),
    )


def _scan_error(item: Any, path: str, position: int) -> ScanError:
    if not isinstance(item, dict):
        raise InputError(f"{path}: errors[{position}] must be an object")
    values: dict[str, str] = {}
    for name in ("scope", "operation", "status", "message"):
        value = item.get(name, "")
        if not isinstance(value, str | int):
            raise InputError(f"{path}: errors[{position}].{name} must be a string")
        values[name] = str(value)
    resource_type = item.get("resource_type")
    return ScanError(
        resource_type=resource_type if isinstance(resource_type, str) else None, **values
    )


def _unwrap_graph(
    document: dict[str, Any], path: str
) -> tuple[list[Any], list[ScanError], SnapshotSource]:
    data = document["data"]
    if isinstance(data, dict) and isinstance(data.get("columns"), list):
        names = [c.get("name") if isinstance(c, dict) else None for c in data["columns"]]
        rows = data.get("rows")
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise InputError(f"{path}: Resource Graph table 'rows' must be an array of arrays")
        data = [{n: v for n, v in zip(names, row, strict=False) if n} for row in rows]
    if not isinstance(data, list):
        raise InputError(f"{path}: 'data' must be an array of Resource Graph rows")
    errors = _truncation(document, ("$skipToken", "skipToken", "skip_token"), path)
    if str(document.get("resultTruncated", "")).lower() == "true":
        errors.append(
            ScanError(path, "read Resource Graph result", "truncated", "resultTruncated is true")
        )
    rows = [_strip_graph_columns(row) if isinstance(row, dict) else row for row in data]
    return rows, errors, SnapshotSource(path, "resource-graph", 0)


def _strip_graph_columns(row: dict[str, Any]) -> dict[str, Any]:
    if not _GRAPH_COLUMNS.intersection(row):
        return row
    return {k: v for k, v in row.items() if k not in _GRAPH_COLUMNS}


def _truncation(document: dict[str, Any], names: tuple[str, ...], path: str) -> list[ScanError]:
    for name in names:
        if document.get(name):
            return [
                ScanError(
                    scope=path,
                    operation="read list",
                    status="truncated",
                    message=f"the list carries '{name}': later pages were never read, so "
                    "resources may be missing",
                )
            ]
    return []


def _to_resource(item: Any, path: str, position: int) -> Resource:
    where = f"{path}: resource #{position + 1}"
    if not isinstance(item, dict):
        raise InputError(f"{where} is {_json_kind(item)}, expected an object")
    item = as_arm(item, where)
    resource_id = item.get("id")
    if not isinstance(resource_id, str) or not resource_id.strip().startswith("/"):
        shown = "missing" if resource_id is None else repr(resource_id)[:80]
        raise InputError(f"{where} has no valid 'id' ({shown}); ARM IDs start with '/'")
    depth = armid.too_deep(resource_id)
    if depth is not None:
        raise InputError(
            f"{where} ({clean(resource_id[:120])}...) has an ID of {depth:,} segments; "
            f"ARM IDs have at most {armid.MAX_SEGMENTS}"
        )
    resource_type = item.get("type")
    if resource_type is None and _is_subscription(resource_id):
        resource_type = SUBSCRIPTION_TYPE
    if not isinstance(resource_type, str) or "/" not in resource_type:
        shown = "missing" if resource_type is None else repr(resource_type)[:80]
        shown_id = printable(scrub_text(resource_id.strip()))
        raise InputError(f"{where} ({shown_id}) has no valid 'type' ({shown})")
    resource_type = resource_type.strip()
    if "." not in resource_type.split("/", 1)[0]:
        # Some APIs return a short type (ML outbound rules: "workspace/outboundRules"); the
        # ID names the full one, which is what rules and indexes compare.
        resource_type = armid.type_from_id(resource_id) or resource_type
    return Resource(item, resource_id.strip(), resource_type)


def _json_kind(value: Any) -> str:
    """JSON's name for a parsed value's type, for messages (`null`, not `NoneType`)."""
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number"}
    names |= {str: "a string", list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _is_subscription(resource_id: str) -> bool:
    parts = armid.key(resource_id).split("/")
    return len(parts) == 3 and parts[1] == "subscriptions"
