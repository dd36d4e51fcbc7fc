"""What a timeline is drawn from (timeline.build()'s output): plain dataclasses that the
template reads, in pixels and labels already worked out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deployments.explore.timeline_aggregate import Aggregate

# A timeline's two modes: a row per deployment, or counts per year past timeline.MAX_ROWS.
SPANS = "spans"
AGGREGATE = "aggregate"


@dataclass
class Segment:
    """A horizontal stretch of the plot, in percent of its width."""

    x: float
    width: float
    text: str = ""  # what it means, for a <title> tooltip


@dataclass
class Tick:
    year: int
    x: float  # left edge of the year
    width: float
    centre: float  # year labels sit in the middle: a year is a period, not a point
    label: bool  # label it on a full-width timeline
    label_compact: bool  # label it on a mini timeline


@dataclass
class MonthTick:
    """A month on a short axis: a line at its start and, where there is room, its name."""

    x: float
    centre: float
    label: str  # "Jan" on a full-width timeline, "" when it would not fit
    label_compact: str  # "J" on a mini timeline, "" when it would not fit


@dataclass
class Mark:
    """An event. Drawn at the middle of its period, with a line over the whole period."""

    kind: str
    kind_label: str
    symbol: str
    glyph: str
    date_text: str
    description: str
    x: float
    period: Segment
    precise: bool  # known to the day: no period line
    text: str
    short: str = ""  # "Contract, May 2022" or "Contract": drawn under the bar where it fits
    label_x: float = 0
    label_end: bool = False  # anchored at its end (near the right edge) rather than its start


@dataclass
class EventRow:
    """One event in the table version: every event of every deployment, on the axis or not."""

    date_text: str
    kind_label: str
    glyph: str
    description: str
    deployment: str  # its title


@dataclass
class Span:
    """One deployment on one row."""

    id: Any
    title: str
    label: str  # the title, shortened to fit a row
    url: str
    status: str
    status_label: str
    technologies: list[str]
    start_text: str  # "2002", "October 2024", "unknown"
    end_text: str  # "March 2025", "ongoing", "unknown"
    dates_text: str  # "2002 – ongoing"
    summary: str  # "Start: 2002 · End: unknown (ongoing) · Status: Active"
    accessible_name: str
    start_unknown: bool
    end_unknown: bool  # no end date and not ongoing
    ongoing: bool
    bar: Segment | None  # certainly running (up to today)
    planned: Segment | None  # between a known start and end, but after today
    start_band: Segment | None  # where the start could fall (None when known to the day)
    end_band: Segment | None
    fade: Segment | None  # ongoing: from today (or the start) to the right edge
    unknown_start_x: float | None  # where to put "?" before a drawing with no start
    unknown_end_x: float | None  # where to put "?" after a drawing with no end
    events: list[Mark]  # those on the axis; the table lists every event
    tags: str = ""  # its technologies, when it is drawn once under "Several technologies"
    before: str = ""  # what lies before the axis (it is clipped there, with a marker)
    after: str = ""  # what lies after it
    events_line: str = ""  # every event on the axis, in words, shown while the row has focus
    y: int = 0
    height: int = 42  # timeline.ROW_HEIGHT, or EVENT_ROW_HEIGHT with a line of event labels


@dataclass
class Group:
    name: str  # technology name, or "" when not grouped
    dom_id: str
    rows: list[Span]
    height: int


@dataclass
class EventKind:
    kind: str
    label: str
    symbol: str
    glyph: str


@dataclass
class Timeline:
    mode: str  # SPANS or AGGREGATE
    dom_id: str
    count: int  # deployments given
    first_year: int
    last_year: int
    ticks: list[Tick]
    minor_ticks: list[float]  # month starts, only on short axes
    months: list[MonthTick]  # the same months, named where there is room
    today_x: float | None
    today_text: str
    description: str
    groups: list[Group] = field(default_factory=list)  # SPANS
    items: list[Span] = field(default_factory=list)  # SPANS: each deployment once, for the table
    event_rows: list[EventRow] = field(default_factory=list)  # SPANS: by date, undated last
    aggregate: Aggregate | None = None  # AGGREGATE
    event_kinds: list[EventKind] = field(default_factory=list)  # those drawn, for the legend
    has_bands: bool = False
    has_ongoing: bool = False
    has_planned: bool = False
    has_unknown: bool = False
    has_event_periods: bool = False  # some event is dated only to the month or year
    has_clipped: bool = False  # some row continues beyond the years drawn
    undated: bool = False  # nothing has a date: no axis is drawn, rather than an invented one
    axis_height: int = 24  # timeline.AXIS_HEIGHT, taller when months are named

    @property
    def is_aggregate(self) -> bool:
        return self.mode == AGGREGATE
