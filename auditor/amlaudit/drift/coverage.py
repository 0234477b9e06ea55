"""Coverage drift: what one side could not see is "not comparable" there, never "deleted".

A side's collection errors say which resource types (under which scope) it could not read; a
resource of such a type that is missing on that side, or a finding that changed there, is not
compared. The notes list each gap once per side.
"""

from __future__ import annotations

from amlaudit import armid
from amlaudit.drift.model import CoverageNote
from amlaudit.drift.sides import Side

ALL_TYPES = "*"


class Coverage:
    """The gaps of both sides, asked per resource: collection errors, and types an input does
    not hold where it cannot prove them absent (`SnapshotIndex.collected`)."""

    def __init__(self, old: Side, new: Side) -> None:
        self._sides = {"old": old, "new": new}
        self._errors = {*_gaps(old), *_gaps(new)}
        self._uncollected: set[CoverageNote] = set()
        self._by_side: dict[str, list[CoverageNote]] = {"old": [], "new": []}
        for note in self._errors:
            self._by_side[note.side].append(note)

    @property
    def notes(self) -> list[CoverageNote]:
        return sorted(
            self._errors | self._uncollected,
            key=lambda n: (n.side != "old", n.resource_type, n.scope.lower(), n.reason),
        )

    def gap(self, side: str, resource_id: str, resource_type: str) -> CoverageNote | None:
        """The gap of `side` that hides this resource, if any."""
        rid = armid.key(resource_id)
        wanted = resource_type.lower()
        for note in self._by_side[side]:
            if note.resource_type not in (ALL_TYPES, wanted):
                continue
            scope = armid.key(note.scope) if note.scope.startswith("/") else ""
            if not scope or rid == scope or rid.startswith(scope + "/"):
                return note
        index = self._sides[side].index
        if index is not None and not index.collected(resource_id, wanted):
            subscription = armid.subscription_id(resource_id)
            note = CoverageNote(
                resource_type=wanted,
                scope=armid.subscription_scope(subscription) if subscription else resource_id,
                side=side,
                reason="not collected: the input holds no resource of this type there",
            )
            self._uncollected.add(note)
            return note
        return None

    def comparable(self, resource_id: str, resource_type: str) -> bool:
        return all(self.gap(side, resource_id, resource_type) is None for side in ("old", "new"))


def _gaps(side: Side) -> set[CoverageNote]:
    notes = set()
    for error in side.errors:
        resource_type = (error.resource_type or ALL_TYPES).lower()
        notes.add(
            CoverageNote(
                resource_type=resource_type,
                scope=error.scope,
                side=side.label,
                reason=f"{error.operation}: {error.status}",
            )
        )
    return notes
