"""The timeline: deployments as spans on a year axis, never drawn finer than their dates are known.

Pure functions over plain objects (model instances or dicts), no database access: a view fetches
(and prefetches technologies), build() lays out, and templates/deployments/includes/_timeline.html
draws. Horizontal positions are percentages of the plot width, so the SVG stretches to any width
while its text keeps its size; vertical positions are pixels. Past MAX_ROWS rows a timeline
counts deployments per year instead (timeline_aggregate.py, build_aggregate), from records here
or, for a large selection, from the database (records.timeline_for).

A date known to the year is the whole year: a start "2002" is a hatched band over 2002, not a
point at 1 January. The solid bar is only the time the deployment was certainly running.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.urls import reverse

from deployments.core import dates
from deployments.core.dates import Precision
from deployments.explore import charts
from deployments.explore.timeline_aggregate import Counted, YearSpans, aggregate, year_bounds
from deployments.explore.timeline_shapes import (
    AGGREGATE,
    SPANS,
    EventKind,
    EventRow,
    Group,
    Mark,
    MonthTick,
    Segment,
    Span,
    Tick,
    Timeline,
)
from deployments.models import Deployment, Event
from deployments.models.deployment import end_text as deployment_end_text

# Past this many rows (one per deployment) a timeline shows counts per year instead: thousands
# of rows are unreadable and heavy to send.
MAX_ROWS = 300

# Statuses whose missing end means "still running" (or, for announced, "no end planned"): the
# bar stays open to the right edge. Other statuses with no end date say "end unknown".
# Running as last reported, so drawn up to today: never an announced plan, which has not
# started, nor a record whose status nobody knows.
ONGOING_STATUSES = frozenset({Deployment.Status.ACTIVE, Deployment.Status.TRIAL})
# The same group names as the home page's charts, which also count a deployment once.
NO_TECHNOLOGY = charts.NO_TECHNOLOGY
SEVERAL = charts.SEVERAL

# Layout in pixels. The template draws inside each row at fixed offsets (label baseline 14, bar
# 19-31, event period line 35), so change them together.
AXIS_HEIGHT = 24
MONTH_AXIS_HEIGHT = 36  # room for month names under the year
ROW_HEIGHT = 42
EVENT_ROW_HEIGHT = 56  # a row with events has a line of labels under the bar (baseline 48)
LABEL_MAX_CHARS = 90  # the full title is always in the link's accessible name and the table
# Narrowest plot the CSS allows (.tl-svg min-width), used to space the year labels.
PLOT_MIN_PX = 576
COMPACT_PLOT_MIN_PX = 288
YEAR_LABEL_PX = 40
MONTH_LABEL_PX = 24  # "Sep" in the 11px axis font, with a margin
MONTH_INITIAL_PX = 10
# Event labels are 11px text: this is a generous average width of one character, so a label
# judged to fit does at the plot's narrowest.
LABEL_CHAR_PX = 6.5
LABEL_GAP_PX = 8
# An axis is cut before a stretch of at least this many years with nothing dated in it, when
# the stretch is a third of the axis or more and only a few deployments (at most one in ten)
# lie before it: one record from 2002 must not squeeze twenty others into the last few years.
# What is cut is marked on its row, and the table keeps every date.
OUTLIER_GAP_YEARS = 5

# Event kind -> (shape drawn on the bar, character used in the legend and the table). Shapes
# differ by outline, not only colour, so they survive greyscale printing and colour blindness.
EVENT_SYMBOLS: dict[str, tuple[str, str]] = {
    Event.Kind.ANNOUNCED: ("circle", "●"),
    Event.Kind.DPIA: ("square-open", "□"),
    Event.Kind.CONTRACT: ("square", "■"),
    Event.Kind.STARTED: ("triangle-right", "▶"),
    Event.Kind.EXPANDED: ("plus", "+"),
    Event.Kind.PAUSED: ("pause", "‖"),
    Event.Kind.ENDED: ("cross", "×"),
    Event.Kind.CHALLENGE: ("triangle-up", "▲"),
    Event.Kind.RULING: ("diamond", "◆"),
    Event.Kind.REPORTED: ("circle-open", "○"),
}
DEFAULT_SYMBOL = ("circle-open", "○")
# What an event's label under the bar says before its date, where there is room.
EVENT_SHORT: dict[str, str] = {
    Event.Kind.ANNOUNCED: "Announced",
    Event.Kind.DPIA: "DPIA",
    Event.Kind.CONTRACT: "Contract",
    Event.Kind.STARTED: "Started",
    Event.Kind.EXPANDED: "Expanded",
    Event.Kind.PAUSED: "Paused",
    Event.Kind.ENDED: "Ended",
    Event.Kind.CHALLENGE: "Challenge",
    Event.Kind.RULING: "Ruling",
    Event.Kind.REPORTED: "Reported",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_ONE_DAY = dt.timedelta(days=1)
Period = tuple[dt.date, dt.date]  # first day, day after the last (half-open)


# Input ------------------------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _call_or_get(obj: Any, method: str, name: str) -> Any:
    value = _get(obj, name)
    if value is None and callable(getattr(obj, method, None)):
        value = getattr(obj, method)()
    return value


def _period(value: dt.date | None, precision: str | None) -> Period | None:
    first = dates.normalise(value, precision or Precision.UNKNOWN)
    if first is None:
        return None
    return first, dates.latest(first, precision) + _ONE_DAY


def _technology_names(deployment: Any) -> list[str]:
    names = _get(deployment, "technology_names")
    if names is None:
        technologies = _get(deployment, "technologies") or []
        if hasattr(technologies, "all"):  # a related manager: prefetch it in the view
            technologies = technologies.all()
        names = [t if isinstance(t, str) else t.name for t in technologies]
    return list(names)


def _url(deployment: Any) -> str:
    url = _call_or_get(deployment, "get_absolute_url", "url")
    if url is None and _get(deployment, "slug"):
        url = reverse("deployment_detail", args=[_get(deployment, "slug")])
    return str(url or "")


def _choice_label(choices: type, value: str, given: str | None) -> str:
    if given:
        return str(given)
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "").capitalize()


@dataclass
class _Event:
    kind: str
    kind_label: str
    period: Period | None
    precision: str
    date_text: str
    description: str


@dataclass
class _Record:
    id: Any
    title: str
    url: str
    status: str
    status_label: str
    technologies: list[str]
    start: Period | None
    start_precision: str
    end: Period | None
    end_precision: str
    start_text: str
    end_text: str
    ongoing: bool
    events: list[_Event]


def _record(deployment: Any, events: Iterable[Any]) -> _Record:
    status = str(_get(deployment, "status") or Deployment.Status.UNKNOWN)
    start_precision = _get(deployment, "start_precision") or Precision.UNKNOWN
    end_precision = _get(deployment, "end_precision") or Precision.UNKNOWN
    start = _period(_get(deployment, "start_date"), start_precision)
    end = _period(_get(deployment, "end_date"), end_precision)
    ongoing = end is None and status in ONGOING_STATUSES
    end_text = deployment_end_text(status, end[0] if end else None, end_precision)
    record_events = []
    for event in events:
        kind = str(_get(event, "kind") or "")
        precision = _get(event, "date_precision") or Precision.UNKNOWN
        record_events.append(
            _Event(
                kind=kind,
                kind_label=_choice_label(
                    Event.Kind, kind, _call_or_get(event, "get_kind_display", "kind_label")
                ),
                period=_period(_get(event, "date"), precision),
                precision=precision,
                date_text=dates.display(_get(event, "date"), precision, unknown="undated"),
                description=str(_get(event, "description") or ""),
            )
        )
    record_events.sort(key=lambda e: (e.period is None, e.period or ()))
    return _Record(
        id=_get(deployment, "id"),
        title=str(_get(deployment, "title") or ""),
        url=_url(deployment),
        status=status,
        status_label=_choice_label(
            Deployment.Status,
            status,
            _call_or_get(deployment, "get_status_display", "status_label"),
        ),
        technologies=_technology_names(deployment),
        start=start,
        start_precision=start_precision,
        end=end,
        end_precision=end_precision,
        start_text=dates.display(start[0] if start else None, start_precision),
        end_text=end_text,
        ongoing=ongoing,
        events=record_events,
    )


def _sort_key(record: _Record) -> tuple:
    # Known starts first, earliest first; unknown starts after them.
    return (
        record.start is None,
        record.start or (),
        record.end or (dt.date.max, dt.date.max),
        record.title.casefold(),
        str(record.id),
    )


# Axis -------------------------------------------------------------------------------------


class _Axis:
    def __init__(self, first_year: int, last_year: int):
        self.first_year = first_year
        self.last_year = last_year
        self.start = dt.date(first_year, 1, 1)
        self.end = dt.date(last_year + 1, 1, 1)
        self.days = (self.end - self.start).days

    def x(self, day: dt.date) -> float:
        return round((day - self.start).days * 100 / self.days, 3)

    def segment(self, first: dt.date, end: dt.date, text: str = "") -> Segment:
        x = self.x(first)
        return Segment(x=x, width=round(self.x(end) - x, 3), text=text)

    def middle(self, period: Period) -> float:
        days = ((period[0] - self.start).days + (period[1] - self.start).days) / 2
        return round(days * 100 / self.days, 3)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def clip(self, first: dt.date, end: dt.date, text: str = "") -> Segment | None:
        """The part of [first, end) on the axis, or None when none of it is."""
        first, end = max(first, self.start), min(end, self.end)
        return self.segment(first, end, text) if end > first else None


def _record_years(record: _Record, today: dt.date) -> list[int]:
    years = []
    for period in (record.start, record.end):
        if period:
            years += [period[0].year, (period[1] - _ONE_DAY).year]
    years += [e.period[0].year for e in record.events if e.period]
    if record.ongoing:
        years.append(today.year)
    return years


def _outlier_cut(extents: Sequence[tuple[int, int]]) -> int | None:
    """The first year to draw when a few deployments lie far before all the rest (see
    OUTLIER_GAP_YEARS), else None. extents: each dated deployment's (first, last) year."""
    dated = sorted({y for extent in extents for y in extent})
    if len(dated) < 2:
        return None
    span = dated[-1] - dated[0] + 1
    allowed = max(1, len(extents) // 10)
    best = None
    for before, after in zip(dated, dated[1:], strict=False):
        gap = after - before - 1
        if gap < OUTLIER_GAP_YEARS or gap * 3 < span:
            continue
        # A deployment running across the gap (a known start, an open end) is drawn into
        # it anyway, clipped; only the few that begin before it decide.
        early = sum(1 for first, _last in extents if first <= before)
        if early <= allowed and early < len(extents) and (best is None or gap > best[0]):
            best = (gap, after)
    return best[1] if best else None


def _axis_years(
    records: Sequence[_Record], today: dt.date, period_from, period_to
) -> tuple[int, int] | None:
    """(first, last) year to draw: the period asked for where one is (from/to), else what the
    deployments have dated, less an outlier (_outlier_cut). None when nothing is dated."""
    extents = [
        (min(years), max(years)) for years in (_record_years(r, today) for r in records) if years
    ]
    if not extents and period_from is None and period_to is None:
        return None
    if period_from is not None:
        first = period_from[0].year
    else:
        first = _outlier_cut(extents) or min(e[0] for e in extents)
    if period_to is not None:
        last = (period_to[1] - _ONE_DAY).year
    else:
        last = max(e[1] for e in extents) if extents else first
    return min(first, last), max(first, last)


def _label_step(years: int, plot_px: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if plot_px / years * step >= YEAR_LABEL_PX:
            return step
    return 100


def _ticks(axis: _Axis) -> list[Tick]:
    years = axis.last_year - axis.first_year + 1
    step = _label_step(years, PLOT_MIN_PX)
    step_compact = _label_step(years, COMPACT_PLOT_MIN_PX)
    ticks = []
    for year in range(axis.first_year, axis.last_year + 1):
        segment = axis.segment(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        ticks.append(
            Tick(
                year=year,
                x=segment.x,
                width=segment.width,
                centre=round(segment.x + segment.width / 2, 3),
                label=years == 1 or year % step == 0,
                label_compact=years == 1 or year % step_compact == 0,
            )
        )
    return ticks


def _minor_ticks(axis: _Axis) -> list[float]:
    if axis.last_year - axis.first_year >= 3:
        return []
    return [
        axis.x(dt.date(year, month, 1))
        for year in range(axis.first_year, axis.last_year + 1)
        for month in range(2, 13)
    ]


def _months(axis: _Axis) -> list[MonthTick]:
    """Each month of an axis of up to three years, named where the name fits at the plot's
    narrowest (a year alone reads "Jan ... Dec", two years "J ... D")."""
    years = axis.last_year - axis.first_year + 1
    if years > 3:
        return []
    per_month = PLOT_MIN_PX / (12 * years)
    per_month_compact = COMPACT_PLOT_MIN_PX / (12 * years)

    def name(month: int, px: float) -> str:
        if px >= MONTH_LABEL_PX:
            return MONTHS[month - 1]
        return MONTHS[month - 1][0] if px >= MONTH_INITIAL_PX else ""

    months = []
    for year in range(axis.first_year, axis.last_year + 1):
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            end = dt.date(year + month // 12, month % 12 + 1, 1)
            segment = axis.segment(first, end)
            months.append(
                MonthTick(
                    x=segment.x,
                    centre=round(segment.x + segment.width / 2, 3),
                    label=name(month, per_month),
                    label_compact=name(month, per_month_compact),
                )
            )
    return months


# Spans ------------------------------------------------------------------------------------


def _shorten(text: str, limit: int = LABEL_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sentence(text: str) -> str:
    """The text ending in a full stop, without doubling one it has ("…plans”." stays)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ".”", "!”", "?”", '."', ".)")) else text + "."


def _event_text(event: _Event) -> str:
    text = f"{event.kind_label}, {event.date_text}"
    return f"{text}: {event.description}" if event.description else text


def _mark(event: _Event, axis: _Axis) -> Mark | None:
    """The event's mark, or None when it is undated or off the axis (said on its row)."""
    if event.period is None or not axis.contains(event.period[0]):
        return None
    shape, glyph = EVENT_SYMBOLS.get(event.kind, DEFAULT_SYMBOL)
    text = _event_text(event)
    return Mark(
        kind=event.kind,
        kind_label=event.kind_label,
        symbol=shape,
        glyph=glyph,
        date_text=event.date_text,
        description=event.description,
        x=axis.middle(event.period),
        period=axis.segment(*event.period, text=event.date_text),
        precise=event.precision == Precision.DAY,
        text=text,
    )


def _span(record: _Record, axis: _Axis, today: dt.date, plot_px: int, tagged: bool) -> Span:
    start, end = record.start, record.end
    unknown_start_x = unknown_end_x = None
    # Every stretch drawn, as dates: what reaches past the axis is cut at its edge and said.
    reach: list[Period] = []

    def segment(first: dt.date, to: dt.date, text: str) -> Segment | None:
        reach.append((first, to))
        return axis.clip(first, to, text)

    def point(day: dt.date) -> float | None:
        return axis.x(day) if axis.start <= day <= axis.end else None

    start_band = end_band = bar = planned = fade = None
    # The bands are where the start (end) could fall; each is cut by the other date, since
    # nothing ends before it starts: start "2024", end "October 2024" -> start band Jan-Oct.
    if start and record.start_precision != Precision.DAY:
        band_end = min(start[1], end[1]) if end else start[1]
        start_band = segment(start[0], band_end, f"Started some time in {record.start_text}")
    if end and record.end_precision != Precision.DAY:
        band_start = max(end[0], start[0]) if start else end[0]
        end_band = segment(band_start, end[1], f"Ended some time in {record.end_text}")

    certain_from = None
    if start:
        certain_from = start[0] if record.start_precision == Precision.DAY else start[1]
    if start and end:
        certain_to = end[1] if record.end_precision == Precision.DAY else end[0]
        if min(certain_to, today) > certain_from:
            bar = segment(certain_from, min(certain_to, today), "Known to be running")
        if certain_to > max(certain_from, today):
            planned = segment(max(certain_from, today), certain_to, "Planned")
    elif start and record.ongoing:
        if today > certain_from:
            bar = segment(certain_from, today, "Known to be running")
        fade_from = max(today, certain_from)
        if fade_from < axis.end:
            fade = axis.clip(fade_from, axis.end, "Running, no end reported")
    elif start:
        # Ended, cancelled, suspended or unknown, with no end date: draw only the start.
        if record.start_precision == Precision.DAY:
            bar = segment(start[0], start[1], f"Started {record.start_text}")
        else:
            reach.append(start)
        unknown_end_x = point(start[1])
    elif record.ongoing:
        # Start unknown but running now: only "now onwards" is known.
        if today < axis.end:
            fade = axis.clip(today, axis.end, "Running, no end reported")
            unknown_start_x = fade.x if fade else None
        else:
            reach.append((today, today + _ONE_DAY))
    elif end:
        if record.end_precision == Precision.DAY:
            bar = segment(end[0], end[1], f"Ended {record.end_text}")
        unknown_start_x = point(end[0])

    planned_only = record.status == Deployment.Status.ANNOUNCED and not record.start
    dated = [e for e in record.events if e.period]
    if planned_only:
        # Not started: placed by its events (drawn as marks), never as a bar.
        dates_text = "planned" + (f", first dated {dated[0].date_text}" if dated else "")
    elif record.start is None and record.end is None:
        dates_text = f"start unknown – {record.end_text}" if record.ongoing else "dates unknown"
    else:
        start_part = record.start_text if record.start else "start unknown"
        dates_text = f"{start_part} – {record.end_text}" if record.end_text else start_part

    end_summary = record.end_text or "none yet (planned)"
    if end and end[0] > today:
        end_summary += " (planned)"
    summary = f"Start: {record.start_text} · End: {end_summary} · Status: {record.status_label}"
    marks = [m for m in (_mark(e, axis) for e in record.events) if m]
    _place_labels(marks, plot_px)
    before, after = _beyond(record, axis, reach, dated)
    name = f"{_sentence(record.title)} {summary.replace(' · ', '. ')}."
    if tagged:
        name += f" Technologies: {', '.join(record.technologies)}."
    if dated:
        name += " Events: " + " ".join(_sentence(_event_text(e)) for e in dated)
    if before or after:
        name += " Partly outside the years drawn."
    return Span(
        id=record.id,
        title=record.title,
        label=_shorten(record.title),
        url=record.url,
        status=record.status,
        status_label=record.status_label,
        technologies=record.technologies,
        start_text=record.start_text,
        end_text=record.end_text,
        dates_text=dates_text,
        summary=summary,
        accessible_name=name,
        start_unknown=start is None,
        end_unknown=end is None and not record.ongoing,
        ongoing=record.ongoing,
        bar=bar,
        planned=planned,
        start_band=start_band,
        end_band=end_band,
        fade=fade,
        unknown_start_x=unknown_start_x,
        unknown_end_x=unknown_end_x,
        events=marks,
        tags=", ".join(record.technologies) if tagged else "",
        before=before,
        after=after,
        events_line="; ".join(f"{m.kind_label}, {m.date_text}" for m in marks),
        height=EVENT_ROW_HEIGHT if marks else ROW_HEIGHT,
    )


def _beyond(
    record: _Record, axis: _Axis, reach: Sequence[Period], dated: Sequence[_Event]
) -> tuple[str, str]:
    """What lies before and after the axis, in words, for the markers at its edges."""
    start, end = record.start, record.end
    before_parts, after_parts = [], []
    if any(p[0] < axis.start for p in reach):
        if start and start[0] < axis.start:
            before_parts.append(f"started {record.start_text}")
        else:
            before_parts.append(f"ended {record.end_text}")
    if any(p[1] > axis.end for p in reach):
        if end and end[1] > axis.end:
            after_parts.append(f"ends {record.end_text}")
        else:
            after_parts.append(record.end_text or "it continues")
    for parts, outside in (
        (before_parts, lambda p: p[0] < axis.start),
        (after_parts, lambda p: p[1] > axis.end),
    ):
        events = [e for e in dated if outside(e.period)]
        if events:
            noun = "event" if len(events) == 1 else "events"
            parts.append(f"{len(events)} {noun}: " + "; ".join(_event_text(e) for e in events))
    return (
        f"Before {axis.first_year}: " + "; ".join(before_parts) if before_parts else "",
        f"After {axis.last_year}: " + "; ".join(after_parts) if after_parts else "",
    )


def _place_labels(marks: list[Mark], plot_px: int) -> None:
    """Give each mark a short label under the bar where it fits at the plot's narrowest:
    "Contract, May 2022", else "Contract", else none (its full text is its tooltip, the
    row's name and the table's)."""
    right_edge = -100.0
    for mark in sorted(marks, key=lambda m: m.x):
        short = EVENT_SHORT.get(mark.kind, mark.kind_label)
        for text in (f"{short}, {mark.date_text}", short):
            width = (len(text) * LABEL_CHAR_PX) * 100 / plot_px
            gap = LABEL_GAP_PX * 100 / plot_px
            left, label_end = mark.x - gap / 2, False
            if left + width > 100:
                left, label_end = mark.x + gap / 2 - width, True
            if left >= 0 and left >= right_edge + gap:
                mark.short, mark.label_end = text, label_end
                mark.label_x = round(left + width if label_end else left, 3)
                right_edge = left + width
                break


def _group_order(name: str) -> tuple:
    # Alphabetical, then "Several technologies", then none recorded; the name itself breaks a
    # tie of case, so the order never depends on the order the names arrived in.
    return (name == NO_TECHNOLOGY, name == SEVERAL, name.casefold(), name)


def _group_name(technologies: Sequence[str]) -> str:
    if not technologies:
        return NO_TECHNOLOGY
    return technologies[0] if len(technologies) == 1 else SEVERAL


def _groups(
    records: Sequence[_Record], group_by_technology: bool
) -> list[tuple[str, list[_Record]]]:
    if not group_by_technology:
        return [("", list(records))]
    # Each deployment is drawn once: under its technology, or under "Several technologies",
    # tagged with them, as the home page's chart counts it. Under each of its technologies,
    # the rows would add up to more deployments than there are.
    grouped: dict[str, list[_Record]] = defaultdict(list)
    for record in records:
        grouped[_group_name(record.technologies)].append(record)
    names = sorted(grouped, key=_group_order)
    return [(name, grouped[name]) for name in names]


def _event_rows(records: Iterable[_Record]) -> list[EventRow]:
    rows = [(e, r) for r in records for e in r.events]
    rows.sort(key=lambda pair: (pair[0].period is None, pair[0].period or (), pair[1].title))
    return [
        EventRow(
            date_text=e.date_text,
            kind_label=e.kind_label,
            glyph=EVENT_SYMBOLS.get(e.kind, DEFAULT_SYMBOL)[1],
            description=e.description,
            deployment=r.title,
        )
        for e, r in rows
    ]


def _event_kinds(spans: Iterable[Span]) -> list[EventKind]:
    """The kinds of event drawn, in the order of Event.Kind, for the legend."""
    order = list(EVENT_SYMBOLS)
    seen = {m.kind: m for span in spans for m in span.events}
    kinds = sorted(seen, key=lambda k: order.index(k) if k in order else len(order))
    return [
        EventKind(kind=k, label=seen[k].kind_label, symbol=seen[k].symbol, glyph=seen[k].glyph)
        for k in kinds
    ]


# Entry point ------------------------------------------------------------------------------


def build(
    deployments: Iterable[Any],
    events_by_deployment: Mapping[Any, Iterable[Any]] | None = None,
    *,
    today: dt.date,
    group_by_technology: bool = True,
    max_rows: int = MAX_ROWS,
    dom_id: str = "timeline",
    period_from: Period | None = None,
    period_to: Period | None = None,
    when: str = "",
    compact: bool = False,
) -> Timeline:
    """Lay out deployments on a year axis (see the module docstring and Timeline).

    deployments: model instances or dicts with id, title, url (or get_absolute_url(), or slug;
    an empty url draws the row without a link), status, start_date, start_precision, end_date,
    end_precision, and technology_names (a list of names) or technologies (names, objects with
    .name, or a prefetched manager).
    events_by_deployment: deployment id -> events with kind, date, date_precision, description
    and optionally kind_label (or get_kind_display()).
    Past max_rows deployments the result switches to AGGREGATE: counts per technology and year
    instead of one row each. (records.timeline_for gets those counts from the database instead
    of reading every row.)
    period_from, period_to: the from/to asked for, as the filter cleans them ((first day, last
    day) pairs): the axis shows those years, and what lies beyond is cut at its edges and said.
    when: the filter's reading of them, which the aggregate counts by.
    compact: a mini timeline, whose narrower plot has room for fewer labels.
    dom_id prefixes every id in the markup: give each timeline on a page its own.
    """
    events_by_deployment = events_by_deployment or {}
    records = sorted(
        (_record(d, events_by_deployment.get(_get(d, "id"), ())) for d in deployments),
        key=_sort_key,
    )
    groups = _groups(records, group_by_technology)
    if len(records) > max_rows:
        by_technology: dict[str, list[_Record]] = defaultdict(list)
        for record in records:
            for name in record.technologies or [NO_TECHNOLOGY]:
                by_technology[name].append(record)
        return build_aggregate(
            _counted(records, when),
            {name: _counted(members, when) for name, members in by_technology.items()},
            today=today,
            group_by_technology=group_by_technology,
            dom_id=dom_id,
            period_from=period_from,
            period_to=period_to,
            when=when,
        )
    has_ongoing = any(r.ongoing for r in records)
    noun = "deployment" if len(records) == 1 else "deployments"
    bounds = _axis_years(records, today, period_from, period_to)
    if bounds is None:
        # Nothing to place in time: an axis of this year would invent a date.
        axis = _Axis(today.year, today.year)
        timeline = _timeline(SPANS, axis, len(records), today=today, dom_id=dom_id)
        timeline.ticks, timeline.minor_ticks, timeline.months = [], [], []
        timeline.today_x = None
        timeline.undated = True
        timeline.items = [_span(r, axis, today, PLOT_MIN_PX, False) for r in records]
        timeline.event_rows = _event_rows(records)
        no_dates = "no dates" if len(records) == 1 else "none with a date"
        timeline.description = (
            f"{len(records):,} {noun}, {no_dates} reported: nothing to place on a time axis."
        )
        return timeline

    axis = _Axis(*bounds)
    plot_px = COMPACT_PLOT_MIN_PX if compact else PLOT_MIN_PX
    timeline = _timeline(SPANS, axis, len(records), today=today, dom_id=dom_id)
    if any(m.label_compact if compact else m.label for m in timeline.months):
        timeline.axis_height = MONTH_AXIS_HEIGHT
    spans = {
        id(r): _span(r, axis, today, plot_px, group_by_technology and len(r.technologies) > 1)
        for r in records
    }
    for index, (name, members) in enumerate(groups):
        rows, y = [], timeline.axis_height
        for record in members:
            span = spans[id(record)]
            rows.append(replace(span, y=y))
            y += span.height
        timeline.groups.append(
            Group(name=name, dom_id=f"{dom_id}-group-{index}", rows=rows, height=y + 4)
        )
    timeline.items = [spans[id(r)] for r in records]
    timeline.event_rows = _event_rows(records)
    timeline.event_kinds = _event_kinds(timeline.items)
    timeline.has_bands = any(s.start_band or s.end_band for s in timeline.items)
    timeline.has_ongoing = has_ongoing
    timeline.has_planned = any(s.planned for s in timeline.items)
    timeline.has_unknown = any(s.start_unknown or s.end_unknown for s in timeline.items)
    timeline.has_event_periods = any(not m.precise for s in timeline.items for m in s.events)
    timeline.has_clipped = any(s.before or s.after for s in timeline.items)
    timeline.description = f"{len(records):,} {noun}, {_years_text(axis)}" + (
        ", by technology; a deployment using several technologies is shown once, under "
        f"“{SEVERAL}”."
        if group_by_technology and len(groups) > 1
        else "."
    )
    return timeline


def build_aggregate(
    totals: Counted,
    by_technology: Mapping[str, Counted],
    *,
    today: dt.date,
    group_by_technology: bool = True,
    dom_id: str = "timeline",
    period_from: Period | None = None,
    period_to: Period | None = None,
    when: str = "",
) -> Timeline:
    """An AGGREGATE timeline from counts (see timeline_aggregate).

    totals: every deployment once. by_technology: technology name -> the counts of its
    deployments (a deployment using several technologies is in each, one using none is under
    NO_TECHNOLOGY); not read unless group_by_technology. The axis is the period asked for
    where there is one (as in build), else every year something is counted in.
    """
    first, last = year_bounds(totals, today.year, when)
    if period_from is not None:
        first = period_from[0].year
    if period_to is not None:
        last = (period_to[1] - _ONE_DAY).year
    axis = _Axis(min(first, last), max(first, last))
    count = sum(totals.spans.values())
    timeline = _timeline(AGGREGATE, axis, count, today=today, dom_id=dom_id)
    names = sorted(by_technology, key=_group_order) if group_by_technology else []
    timeline.aggregate = aggregate(
        totals,
        [(name, by_technology[name]) for name in names],
        timeline.ticks,
        top=AXIS_HEIGHT,
        row_height=ROW_HEIGHT,
        when=when,
    )
    noun = "deployment" if count == 1 else "deployments"
    timeline.description = (
        f"{count:,} {noun}, too many to draw one by one: how many each year's date filter "
        f"lists, {_years_text(axis)}"
        + (", per technology" if group_by_technology else "")
        + ". Narrow the selection to see each deployment."
    )
    return timeline


def year_span(start: Period | None, end: Period | None) -> tuple[int | None, int | None]:
    """The first year a deployment's start could fall in and the last its end could fall in
    (None when unknown): the key of timeline_aggregate.YearSpans."""
    return (
        start[0].year if start else None,
        (end[1] - _ONE_DAY).year if end else None,
    )


def _counted(records: Iterable[_Record], when: str) -> Counted:
    """What timeline_aggregate counts, from records in memory, by the rule of the date filter
    (and of facets.event_years, which counts the same in the database)."""
    spans: YearSpans = Counter()
    events: Counter[int] = Counter()
    for record in records:
        first, last = year_span(record.start, record.end)
        event_years = {e.period[0].year for e in record.events if e.period}
        spans[(first, last, bool(event_years))] += 1
        if when == "active":
            continue
        by_span = when != "events" and first is not None
        for year in event_years:
            if not (by_span and first <= year and (last is None or year <= last)):
                events[year] += 1
    return Counted(spans=spans, events=events)


def _timeline(mode: str, axis: _Axis, count: int, *, today: dt.date, dom_id: str) -> Timeline:
    return Timeline(
        mode=mode,
        dom_id=dom_id,
        count=count,
        first_year=axis.first_year,
        last_year=axis.last_year,
        ticks=_ticks(axis),
        minor_ticks=_minor_ticks(axis),
        months=_months(axis),
        today_x=axis.x(today) if axis.contains(today) else None,
        today_text=dates.display(today, Precision.DAY),
        description="",
    )


def _years_text(axis: _Axis) -> str:
    if axis.first_year == axis.last_year:
        return str(axis.first_year)
    return f"{axis.first_year} to {axis.last_year}"
