"""Geometry for the HTML report's inline SVG charts: severity bars and the control heat map.

Only numbers and CSS class names are computed here. The template draws the SVG, so every
label passes through Jinja's autoescaping like the rest of the page, and colours come from
the stylesheet (which also handles dark mode and print).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 78
VALUE_WIDTH = 64
BAR_AREA = 420

CELL_WIDTH = 60
CELL_HEIGHT = 34
CELL_GAP = 4
HEAT_COLUMNS = 18


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    css: str
    y: int
    width: float


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    label_width: int
    track_width: int
    value_x: int
    bar_height: int
    bars: tuple[Bar, ...]


def bar_chart(counts: Mapping[str, int]) -> BarChart:
    """Horizontal bars, one per key in order, scaled to the largest value (0 draws no bar)."""
    largest = max(counts.values(), default=0)
    bars = []
    for position, (label, value) in enumerate(counts.items()):
        width = BAR_AREA * value / largest if largest else 0.0
        if value and width < 2:
            width = 2.0  # a non-zero count stays visible
        bars.append(
            Bar(
                label=label,
                value=value,
                css=f"sev-{label}",
                y=position * (BAR_HEIGHT + BAR_GAP),
                width=round(width, 1),
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return BarChart(
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=height,
        label_width=LABEL_WIDTH,
        track_width=BAR_AREA,
        value_x=LABEL_WIDTH + BAR_AREA + 10,
        bar_height=BAR_HEIGHT,
        bars=tuple(bars),
    )


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One control: its label, a tooltip and the CSS class that colours it."""

    label: str
    tooltip: str
    css: str
    x: int = 0
    y: int = 0


@dataclass(frozen=True, slots=True)
class HeatMap:
    width: int
    height: int
    cell_width: int
    cell_height: int
    cells: tuple[HeatCell, ...]


def heat_level(state: str, failed: int, passed: int) -> str:
    """The CSS class of a control: failing controls get darker the larger their failing share."""
    if state != "fail":
        return f"heat-{state}"
    share = failed / (failed + passed) if failed + passed else 1.0
    level = 1 if share < 1 / 3 else 2 if share < 2 / 3 else 3
    return f"heat-fail-{level}"


def heat_map(cells: Sequence[HeatCell], columns: int = HEAT_COLUMNS) -> HeatMap:
    """Lay cells out left to right, `columns` per row, in the order given."""
    placed = []
    for position, cell in enumerate(cells):
        row, column = divmod(position, columns)
        placed.append(
            HeatCell(
                label=cell.label,
                tooltip=cell.tooltip,
                css=cell.css,
                x=column * (CELL_WIDTH + CELL_GAP),
                y=row * (CELL_HEIGHT + CELL_GAP),
            )
        )
    used_columns = min(len(cells), columns)
    rows = -(-len(cells) // columns)
    return HeatMap(
        width=max(used_columns * (CELL_WIDTH + CELL_GAP) - CELL_GAP, 1),
        height=max(rows * (CELL_HEIGHT + CELL_GAP) - CELL_GAP, 1),
        cell_width=CELL_WIDTH,
        cell_height=CELL_HEIGHT,
        cells=tuple(placed),
    )
