"""The aggregate timeline: how many deployments each year's filter would list, per technology.

Past timeline.MAX_ROWS rows a timeline stops drawing one row per deployment and shows these
counts instead: a deployment counts in a year when from=Y&to=Y lists it (filters.period_match):
its possible span touches the year, or it has a dated event in it (`when` picks one reading).
They are computed from a Counted: year spans, a Counter of (first year, last year, has a dated
event) -> number of deployments, where the first year is None when the start is unknown and
the last year is None when the end is unknown (open: it runs to the end of the axis); and event
years, how many deployments an event alone places in each year (their span does not reach it).
The database gives both in a few GROUP BYs (records.timeline_for, facets.event_years) and a
list of records gives them in Python (timeline.build); from there both share this code, so they
draw the same figure for the same data.

Pure functions, no database access. timeline.build_aggregate lays the result on its axis.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# (first year, last year, has a dated event) -> how many deployments; None for an unknown start
# or end.
YearSpans = Counter[tuple[int | None, int | None, bool]]


@dataclass
class Counted:
    """What one row of the aggregate counts: see the module docstring."""

    spans: YearSpans
    events: Counter[int]  # year -> deployments there by an event alone


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


def year_bounds(counted: Counted, this_year: int, when: str = "") -> tuple[int, int]:
    """First and last year of the axis: every dated start and known end, every year an event
    places a deployment in, and this year (open ends run to it, as in the year facet). An
    undated deployment's end is in no year."""
    years = [this_year, *counted.events]
    if when != "events":
        for first, last, _has_events in counted.spans:
            if first is not None:
                years.append(first)
                if last is not None:
                    years.append(last)
    return min(years), max(years)


def _row(name: str, counted: Counted, columns: Sequence[YearColumn], when: str) -> AggregateRow:
    open_until = columns[-1].year
    counts: Counter[int] = Counter(counted.events)
    total = undated = 0
    for (first, last, has_events), n in counted.spans.items():
        total += n
        years = active_years(first, last, open_until) if when != "events" else None
        if years is None:
            if when == "active" or not has_events:
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
    totals: Counted,
    groups: Sequence[tuple[str, Counted]],
    columns: Sequence[YearColumn],
    *,
    top: int,
    row_height: int,
    when: str = "",
) -> Aggregate:
    """Counts per year for every deployment (totals) and per group, in the order given.

    columns: one per year of the axis, first to last; top and row_height place the rows.
    when: the date filter's reading ("", "active" or "events"), as the counts were made.
    """
    rows = [_row(name, counted, columns, when) for name, counted in groups]
    total_row = _row("All technologies", totals, columns, when)
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
