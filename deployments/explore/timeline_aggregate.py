"""The aggregate timeline: how many deployments may have been active each year, per technology.

Past timeline.MAX_ROWS rows a timeline stops drawing one row per deployment and shows these
counts instead. They are computed from year spans, a Counter of (first year, last year) ->
number of deployments, where the first year is None when the start is unknown (the deployment
is in no year: it is counted as undated) and the last year is None when the end is unknown
(open: it runs to the end of the axis). The database gives year spans in one GROUP BY
(records.timeline_for) and a list of records gives them in Python (timeline.build); from there
both share this code, so they draw the same figure for the same data.

Pure functions, no database access. timeline.build_aggregate lays the result on its axis.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# (first year, last year) -> how many deployments; None for an unknown start or end.
YearSpans = Counter[tuple[int | None, int | None]]

# Minimum widths (rem) the CSS offers an aggregate plot, as classes .tl-w36 ... .tl-w80.
AGGREGATE_WIDTHS_REM = (36, 48, 64, 80)


class YearColumn(Protocol):
    """Where a year sits on the plot (timeline.Tick is one)."""

    year: int
    x: float
    width: float
    centre: float


@dataclass
class Cell:
    year: int
    count: int
    x: float
    width: float
    centre: float
    level: int  # 0 (none) .. 4 (the busiest year of the whole figure), for shading
    text: str


@dataclass
class AggregateRow:
    name: str
    cells: list[Cell]
    total: int  # distinct deployments in this row, dated or not
    undated: int  # of which with no year to count them in
    y: int = 0


@dataclass
class Aggregate:
    rows: list[AggregateRow]  # one per technology (empty when not grouped)
    totals: AggregateRow  # every deployment once, whatever its technologies
    max_count: int
    height: int
    show_counts: bool  # the numbers fit in the cells at the plot's minimum width
    width_class: str  # CSS class setting that minimum width (wider for many years)

    @property
    def all_rows(self) -> list[AggregateRow]:
        return [self.totals, *self.rows]


def active_years(first: int | None, last: int | None, open_until: int) -> range | None:
    """The years a deployment counts in: every year its possible span touches.

    The rule of the date filter's active reading (filters.active_in) and the year facet, so a count
    here is the number of records the year filter lists: from the first year its start could
    fall in to the last year its end could fall in. An unknown end is open, up to open_until
    (the axis end, which includes this year); an unknown start places it in no year (None).
    """
    if first is None:
        return None
    end = open_until if last is None else last
    return range(first, max(end, first) + 1)


def year_bounds(spans: YearSpans, this_year: int) -> tuple[int, int]:
    """First and last year of the axis: every dated start and known end, and this year (open
    ends run to it, as in the year facet). An undated deployment's end is in no year."""
    years = [this_year]
    for first, last in spans:
        if first is not None:
            years.append(first)
            if last is not None:
                years.append(last)
    return min(years), max(years)


def _row(name: str, spans: YearSpans, columns: Sequence[YearColumn]) -> AggregateRow:
    open_until = columns[-1].year
    counts: Counter[int] = Counter()
    total = undated = 0
    for (first, last), n in spans.items():
        total += n
        years = active_years(first, last, open_until)
        if years is None:
            undated += n
            continue
        for year in years:
            counts[year] += n
    cells = []
    for column in columns:
        count = counts[column.year]
        noun = "deployment" if count == 1 else "deployments"
        cells.append(
            Cell(
                year=column.year,
                count=count,
                x=column.x,
                width=column.width,
                centre=column.centre,
                level=0,
                text=f"{name}, {column.year}: {count} {noun}",
            )
        )
    return AggregateRow(name=name, cells=cells, total=total, undated=undated)


def aggregate(
    totals: YearSpans,
    groups: Sequence[tuple[str, YearSpans]],
    columns: Sequence[YearColumn],
    *,
    top: int,
    row_height: int,
) -> Aggregate:
    """Counts per year for every deployment (totals) and per group, in the order given.

    columns: one per year of the axis, first to last; top and row_height place the rows.
    """
    rows = [_row(name, spans, columns) for name, spans in groups]
    total_row = _row("All technologies", totals, columns)
    max_count = max((c.count for r in (total_row, *rows) for c in r.cells), default=0)
    y = top
    for row in (total_row, *rows):
        for cell in row.cells:
            cell.level = math.ceil(4 * cell.count / max_count) if cell.count else 0
        row.y = y
        y += row_height
    # Widen the plot (it scrolls sideways on a narrow screen) until the counts fit in their
    # cells; past the widest, the counts are left to the tooltips and the table.
    needed_px = len(columns) * (7 * len(str(max_count)) + 6)
    width_rem = next((w for w in AGGREGATE_WIDTHS_REM if w * 16 >= needed_px), None)
    return Aggregate(
        rows=rows,
        totals=total_row,
        max_count=max_count,
        height=y + 4,
        show_counts=width_rem is not None,
        width_class=f"tl-w{width_rem or AGGREGATE_WIDTHS_REM[0]}",
    )
