"""The timeline: layout (pure, no database) and the server-rendered partial."""

import datetime as dt
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from deployments.explore import charts, timeline, timeline_aggregate
from deployments.models import Deployment, Event

D = dt.date
TODAY = D(2025, 6, 15)


def deployment(
    key: str,
    *,
    start: dt.date | None = None,
    start_precision: str = "unknown",
    end: dt.date | None = None,
    end_precision: str = "unknown",
    status: str = "ended",
    technologies: tuple[str, ...] = ("Synthetic technology",),
) -> dict:
    return {
        "id": key,
        "title": f"Synthetic deployment {key}",
        "url": f"/deployments/synthetic-{key.lower()}/",
        "status": status,
        "start_date": start,
        "start_precision": start_precision if start else "unknown",
        "end_date": end,
        "end_precision": end_precision if end else "unknown",
        "technology_names": list(technologies),
    }


def event(kind: str, date: dt.date, precision: str, description: str = "") -> dict:
    return {"kind": kind, "date": date, "date_precision": precision, "description": description}


def pct(day: dt.date, first_year: int, last_year: int) -> float:
    """Where a day falls on an axis from 1 Jan first_year to 31 Dec last_year, in percent."""
    total = (D(last_year + 1, 1, 1) - D(first_year, 1, 1)).days
    return round((day - D(first_year, 1, 1)).days * 100 / total, 3)


def right(segment: timeline.Segment) -> float:
    return segment.x + segment.width


def only_span(result: timeline.Timeline) -> timeline.Span:
    (span,) = result.items
    return span


# Layout ------------------------------------------------------------------------------------


def test_it_draws_a_year_precise_start_as_a_band_over_the_whole_year():
    a = deployment(
        "A", start=D(2020, 1, 1), start_precision="year", end=D(2022, 6, 15), end_precision="day"
    )
    span = only_span(timeline.build([a], today=TODAY))

    assert span.start_band.x == pct(D(2020, 1, 1), 2020, 2022) == 0
    assert right(span.start_band) == pytest.approx(pct(D(2021, 1, 1), 2020, 2022))
    # The certain bar starts only once the start year is over.
    assert span.bar.x == pct(D(2021, 1, 1), 2020, 2022)
    assert right(span.bar) == pytest.approx(pct(D(2022, 6, 16), 2020, 2022))


def test_it_draws_a_month_precise_end_as_a_band_over_exactly_that_month():
    a = deployment(
        "A", start=D(2020, 3, 2), start_precision="day", end=D(2021, 10, 1), end_precision="month"
    )
    span = only_span(timeline.build([a], today=TODAY))

    assert span.end_band.x == pct(D(2021, 10, 1), 2020, 2021)
    assert right(span.end_band) == pytest.approx(pct(D(2021, 11, 1), 2020, 2021))
    assert right(span.bar) == pytest.approx(span.end_band.x)
    assert span.summary.startswith("Start: 2 March 2020 · End: October 2021")


def test_it_draws_no_band_for_day_precise_dates():
    a = deployment(
        "A", start=D(2020, 3, 2), start_precision="day", end=D(2021, 7, 9), end_precision="day"
    )
    span = only_span(timeline.build([a], today=TODAY))

    assert span.start_band is None
    assert span.end_band is None
    assert span.bar.x == pct(D(2020, 3, 2), 2020, 2021)
    # The end day is included: the bar runs to the start of the next day.
    assert right(span.bar) == pytest.approx(pct(D(2021, 7, 10), 2020, 2021))


def test_it_cuts_a_start_band_at_an_end_inside_the_same_year():
    a = deployment(
        "A", start=D(2024, 1, 1), start_precision="year", end=D(2024, 10, 1), end_precision="month"
    )
    span = only_span(timeline.build([a], today=TODAY))

    assert span.bar is None  # no day is certainly inside the deployment
    assert span.start_band.x == 0
    assert right(span.start_band) == pytest.approx(pct(D(2024, 11, 1), 2024, 2024))


def test_it_leaves_an_ongoing_span_open_to_the_end_of_the_axis():
    a = deployment("A", start=D(2018, 1, 1), start_precision="year", status="active")
    result = timeline.build([a], today=TODAY)
    span = only_span(result)

    assert span.ongoing
    assert not span.end_unknown
    assert result.last_year == TODAY.year
    assert right(span.bar) == pytest.approx(pct(TODAY, 2018, 2025))
    assert span.fade.x == pytest.approx(right(span.bar))
    assert right(span.fade) == pytest.approx(100)
    assert "End: no end reported" in span.summary


def test_it_draws_the_part_after_today_as_planned():
    a = deployment(
        "A",
        start=D(2025, 1, 6),
        start_precision="day",
        end=D(2026, 3, 1),
        end_precision="month",
        status="trial",
    )
    span = only_span(timeline.build([a], today=TODAY))

    assert span.bar.x == pct(D(2025, 1, 6), 2025, 2026)
    assert right(span.bar) == pytest.approx(pct(TODAY, 2025, 2026))
    assert span.planned.x == pytest.approx(right(span.bar))
    assert right(span.planned) == pytest.approx(span.end_band.x)
    assert "End: March 2026 (planned)" in span.summary


def test_it_does_not_call_an_ended_deployment_without_end_date_ongoing():
    a = deployment("A", start=D(2018, 5, 4), start_precision="day", status="ended")
    span = only_span(timeline.build([a], today=TODAY))

    assert not span.ongoing
    assert span.end_unknown
    assert span.fade is None
    # Only the known start day is drawn, then a "?".
    assert right(span.bar) == pytest.approx(pct(D(2018, 5, 5), 2018, 2018))
    assert span.unknown_end_x == pytest.approx(pct(D(2018, 5, 5), 2018, 2018))
    assert span.dates_text == "4 May 2018 – ended, date unknown"


def test_it_flags_an_unknown_start_and_draws_nothing_for_it():
    a = deployment("A", end=D(2016, 6, 1), end_precision="month")
    span = only_span(timeline.build([a], today=TODAY))

    assert span.start_unknown
    assert span.start_band is None
    assert span.bar is None
    assert span.end_band.x == pct(D(2016, 6, 1), 2016, 2016)
    assert span.unknown_start_x == span.end_band.x
    assert "Start: unknown" in span.summary
    assert span.dates_text == "start unknown – June 2016"


def test_it_makes_the_axis_cover_every_year_from_first_to_last():
    a = deployment(
        "A", start=D(2005, 4, 1), start_precision="month", end=D(2007, 1, 1), end_precision="year"
    )
    b = deployment(
        "B", start=D(2009, 1, 1), start_precision="year", end=D(2010, 2, 3), end_precision="day"
    )
    events = {"A": [event("announced", D(2003, 1, 1), "year")]}
    result = timeline.build([a, b], events, today=TODAY)

    assert (result.first_year, result.last_year) == (2003, 2010)
    assert [t.year for t in result.ticks] == list(range(2003, 2011))
    assert result.ticks[0].x == 0
    assert result.ticks[-1].x + result.ticks[-1].width == pytest.approx(100)
    assert result.today_x is None  # nothing ongoing: the axis stops at the data


def test_it_places_events_within_their_period():
    a = deployment(
        "A", start=D(2019, 1, 1), start_precision="year", end=D(2021, 1, 1), end_precision="year"
    )
    events = {
        "A": [
            event("ruling", D(2020, 1, 1), "year", "Synthetic ruling"),
            event("contract", D(2019, 8, 1), "month"),
            event("announced", D(2019, 2, 14), "day"),
        ]
    }
    span = only_span(timeline.build([a], events, today=TODAY))
    marks = {m.kind: m for m in span.events}

    ruling = marks["ruling"]
    assert ruling.period.x == pct(D(2020, 1, 1), 2019, 2021)
    assert right(ruling.period) == pytest.approx(pct(D(2021, 1, 1), 2019, 2021))
    assert ruling.period.x < ruling.x < right(ruling.period)
    assert not ruling.precise
    assert (ruling.symbol, ruling.kind_label, ruling.date_text) == ("diamond", "Ruling", "2020")
    assert ruling.text == "Ruling, 2020: Synthetic ruling"

    contract = marks["contract"]
    assert contract.period.x == pct(D(2019, 8, 1), 2019, 2021)
    assert right(contract.period) == pytest.approx(pct(D(2019, 9, 1), 2019, 2021))
    assert contract.date_text == "August 2019"

    announced = marks["announced"]
    assert announced.precise
    assert pct(D(2019, 2, 14), 2019, 2021) <= announced.x <= pct(D(2019, 2, 15), 2019, 2021)
    assert [m.kind for m in span.events] == ["announced", "contract", "ruling"]  # by date


def test_it_draws_a_deployment_with_several_technologies_once_tagged_with_them():
    a = deployment(
        "A",
        start=D(2020, 1, 1),
        start_precision="year",
        technologies=("Synthetic tech Y", "Synthetic tech X"),
    )
    b = deployment("B", start=D(2021, 1, 1), start_precision="year", technologies=())
    c = deployment("C", start=D(2021, 1, 1), start_precision="year", technologies=("Synthetic Z",))
    result = timeline.build([a, b, c], today=TODAY)

    assert [(g.name, [r.id for r in g.rows]) for g in result.groups] == [
        ("Synthetic Z", ["C"]),
        ("Several technologies", ["A"]),
        (timeline.NO_TECHNOLOGY, ["B"]),
    ]
    assert timeline.SEVERAL == charts.SEVERAL  # the home page's chart counts it the same way
    (row,) = result.groups[1].rows
    assert row.tags == "Synthetic tech Y, Synthetic tech X"
    assert "Technologies: Synthetic tech Y, Synthetic tech X." in row.accessible_name
    assert result.groups[0].rows[0].tags == ""
    assert [i.id for i in result.items] == ["A", "B", "C"]


def test_it_puts_everything_in_one_group_when_not_grouping():
    a = deployment(
        "A",
        start=D(2020, 1, 1),
        start_precision="year",
        technologies=("Synthetic tech Y", "Synthetic tech X"),
    )
    result = timeline.build([a], today=TODAY, group_by_technology=False)

    assert [(g.name, len(g.rows)) for g in result.groups] == [("", 1)]


def test_it_reads_objects_with_model_style_methods():
    a = SimpleNamespace(
        id=7,
        title="Synthetic deployment A",
        get_absolute_url=lambda: "/deployments/synthetic-a/",
        status="trial",
        start_date=D(2023, 5, 9),  # any day in the month: it is normalised
        start_precision="month",
        end_date=None,
        end_precision="unknown",
        technologies=[SimpleNamespace(name="Synthetic technology")],
    )
    result = timeline.build([a], {7: [event("expanded", D(2024, 3, 1), "month")]}, today=TODAY)
    span = only_span(result)

    assert span.url == "/deployments/synthetic-a/"
    assert span.technologies == ["Synthetic technology"]
    assert span.status_label == "Trial or pilot"
    assert span.start_text == "May 2023"
    assert span.events[0].kind_label == "Expanded"


def test_it_reads_unsaved_model_instances_without_the_database():
    record = Deployment(
        id=3,
        title="Synthetic deployment A",
        slug="synthetic-deployment-a",
        status=Deployment.Status.ACTIVE,
        start_date=D(2021, 1, 1),
        start_precision="year",
    )
    record.technology_names = ["Synthetic technology"]  # as a view would annotate it
    ruling = Event(kind=Event.Kind.RULING, date=D(2022, 4, 1), date_precision="month")
    span = only_span(timeline.build([record], {3: [ruling]}, today=TODAY))

    assert span.url == "/deployments/synthetic-deployment-a/"
    assert (span.status_label, span.end_text, span.ongoing) == ("Active", "no end reported", True)
    assert span.events[0].text == "Ruling, April 2022"


def test_it_links_a_row_by_its_slug_when_given_no_url():
    a = deployment("A", start=D(2020, 1, 1), start_precision="year")
    del a["url"]
    a["slug"] = "synthetic-deployment-a"
    span = only_span(timeline.build([a], today=TODAY))

    assert span.url == "/deployments/synthetic-deployment-a/"


# Aggregate ---------------------------------------------------------------------------------


def _hand_counted_example() -> list[dict]:
    return [
        # 2019 (a year) to March 2021: 2019, 2020 and 2021.
        deployment(
            "A",
            start=D(2019, 1, 1),
            start_precision="year",
            end=D(2021, 3, 1),
            end_precision="month",
            technologies=("Synthetic ANPR",),
        ),
        # 14 December 2020, still running in 2022: 2020, 2021, 2022, under both technologies.
        deployment(
            "B",
            start=D(2020, 12, 14),
            start_precision="day",
            status="active",
            technologies=("Synthetic ANPR", "Synthetic face recognition"),
        ),
        # Start unknown: in no year, like the date filter, but in the totals as undated.
        deployment(
            "C",
            end=D(2021, 1, 1),
            end_precision="year",
            technologies=("Synthetic face recognition",),
        ),
        # No dates at all: undated too.
        deployment("D", status="unknown", technologies=("Synthetic face recognition",)),
        # Started in 2020, ended at an unknown date: its possible span is open, 2020 to 2022.
        deployment(
            "E",
            start=D(2020, 1, 1),
            start_precision="year",
            status="ended",
            technologies=("Synthetic face recognition",),
        ),
    ]


def test_it_switches_to_aggregate_past_max_rows():
    deployments = _hand_counted_example()[:3]  # 3 rows: B, with two technologies, is one

    assert timeline.build(deployments, today=TODAY, max_rows=3).mode == timeline.SPANS
    aggregated = timeline.build(deployments, today=TODAY, max_rows=2)
    assert aggregated.mode == timeline.AGGREGATE
    assert aggregated.groups == [] and aggregated.items == []


def test_it_counts_deployments_active_per_technology_and_year():
    result = timeline.build(_hand_counted_example(), today=D(2022, 5, 1), max_rows=1)
    agg = result.aggregate

    def counts(row):
        return {c.year: c.count for c in row.cells}

    assert (result.first_year, result.last_year) == (2019, 2022)
    assert [r.name for r in agg.rows] == ["Synthetic ANPR", "Synthetic face recognition"]
    anpr, face = agg.rows
    assert counts(anpr) == {2019: 1, 2020: 2, 2021: 2, 2022: 1}
    assert (anpr.total, anpr.undated) == (2, 0)
    assert counts(face) == {2019: 0, 2020: 2, 2021: 2, 2022: 2}
    assert (face.total, face.undated) == (4, 2)
    assert counts(agg.totals) == {2019: 1, 2020: 3, 2021: 3, 2022: 2}
    assert (agg.totals.total, agg.totals.undated) == (5, 2)
    assert agg.max_count == 3
    assert [c.level for c in agg.totals.cells] == [2, 4, 4, 3]
    assert agg.totals.cells[0].x == 0
    assert agg.totals.cells[2].text == "All technologies, 2021: 3 deployments"


def test_it_counts_years_at_their_own_granularity_like_the_date_filter():
    year_2020 = (D(2020, 1, 1), D(2021, 1, 1))
    december_2019 = (D(2019, 12, 1), D(2020, 1, 1))
    active_years = timeline_aggregate.active_years

    assert timeline.year_span(december_2019, year_2020) == (2019, 2020)
    assert timeline.year_span(year_2020, None) == (2020, None)
    assert timeline.year_span(None, year_2020) == (None, 2020)
    assert active_years(2019, 2020, open_until=2025) == range(2019, 2021)
    assert active_years(2020, 2020, open_until=2025) == range(2020, 2021)
    assert active_years(2020, None, open_until=2025) == range(2020, 2026)
    assert active_years(None, 2020, open_until=2025) is None


# Rendering ---------------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def with_class(self, name: str) -> list[dict]:
        return [a for _t, a in self.found if name in (a.get("class") or "").split()]


def _mixed_example() -> tuple[list[dict], dict]:
    deployments = [
        # Started 2012: not far enough before the others to be cut off as an outlier.
        deployment("A", start=D(2012, 1, 1), start_precision="year", status="active"),
        deployment(
            "B",
            start=D(2019, 1, 1),
            start_precision="year",
            end=D(2021, 1, 1),
            end_precision="year",
        ),
        deployment("C", end=D(2016, 1, 1), end_precision="year"),
    ]
    events = {"B": [event("ruling", D(2020, 1, 1), "year", "Synthetic ruling")]}
    return deployments, events


def _percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def test_it_renders_a_link_per_deployment_the_key_and_the_table():
    deployments, events = _mixed_example()
    html = render_to_string(
        "deployments/includes/_timeline.html",
        {"timeline": timeline.build(deployments, events, today=TODAY)},
    )
    elements = _Elements(html)

    rows = elements.with_class("tl-row")
    assert sorted(a["href"] for a in rows) == [
        "/deployments/synthetic-a/",
        "/deployments/synthetic-b/",
        "/deployments/synthetic-c/",
    ]
    # And again in the table alternative, inside a <details>.
    links = [a["href"] for t, a in elements.found if t == "a" and "class" not in a]
    assert links.count("/deployments/synthetic-b/") == 1
    assert "<summary>Timeline as a table</summary>" in html
    assert "<table>" in html
    assert "How to read it" in html
    assert "Hatched: a start or end known only to the month or year" in html
    assert "Fading to an arrow: running as last reported, no end reported" in html
    assert "Ruling" in html
    # Each row link is named by its <title>: title, dates and events in words.
    assert (
        "<title>Synthetic deployment B. Start: 2019. End: 2021. Status: Ended. "
        "Events: Ruling, 2020: Synthetic ruling.</title>" in html
    )
    assert "<script" not in html


def test_it_never_draws_a_band_finer_than_its_date():
    deployments, events = _mixed_example()  # every date known only to the year
    result = timeline.build(deployments, events, today=TODAY)
    elements = _Elements(
        render_to_string("deployments/includes/_timeline.html", {"timeline": result})
    )
    # The year boundaries as drawn: the grid lines.
    year_edges = {_percent(line["x1"]) for line in elements.with_class("tl-grid")}
    assert len(year_edges) == len(result.ticks) + 1

    def plotted(name: str) -> list[dict]:  # the key's swatches are in pixels: leave them out
        return [e for e in elements.with_class(name) if e["x"].endswith("%")]

    bands = plotted("tl-band")  # A's start, B's start and end, C's end
    periods = plotted("tl-period")  # B's ruling
    assert (len(bands), len(periods)) == (4, 1)
    for element in bands + periods:
        x, width = _percent(element["x"]), _percent(element["width"])
        assert x in year_edges
        assert min(abs(x + width - edge) for edge in year_edges) < 0.002
    # A's start band is the whole of 2012, which starts the axis.
    year_2012 = result.ticks[0]
    assert (year_2012.year, _percent(bands[0]["x"])) == (2012, year_2012.x)
    assert _percent(bands[0]["width"]) == year_2012.width


def test_it_writes_svg_numbers_with_a_decimal_point_in_any_language():
    deployments, events = _mixed_example()
    result = timeline.build(deployments, events, today=TODAY)
    with translation.override("de"):
        html = render_to_string("deployments/includes/_timeline.html", {"timeline": result})

    assert re.search(r'="\d+\.\d+%"', html)
    assert not re.search(r'="\d+,\d+%?"', html)


def test_it_renders_a_compact_key_for_mini_timelines():
    deployments, events = _mixed_example()
    result = timeline.build(
        deployments[1:2], events, today=TODAY, group_by_technology=False, dom_id="mini"
    )
    html = render_to_string(
        "deployments/includes/_timeline.html", {"timeline": result, "compact": True}
    )

    assert 'class="tl tl-compact"' in html
    assert "How to read it" not in html
    assert "date known only to the month or year" in html
    assert "Timeline as a table" in html
    assert 'id="mini-hatch"' in html and 'fill="url(#mini-hatch)"' in html
    assert "tl-group-name" not in html  # one row, no technology heading


def test_it_draws_a_row_without_a_link_when_it_has_no_url():
    a = {**deployment("A", start=D(2020, 1, 1), start_precision="year"), "url": ""}
    result = timeline.build([a], today=TODAY, group_by_technology=False)
    html = render_to_string(
        "deployments/includes/_timeline.html", {"timeline": result, "compact": True}
    )
    elements = _Elements(html)

    assert elements.with_class("tl-row") == []
    assert len(elements.with_class("tl-row-static")) == 1
    assert [tag for tag, _attrs in elements.found if tag == "a"] == []


def test_it_uses_the_heading_level_asked_for_and_no_other():
    deployments, events = _mixed_example()
    result = timeline.build(deployments, events, today=TODAY)

    def heading(level: str) -> str:
        html = render_to_string(
            "deployments/includes/_timeline.html",
            {"timeline": result, "timeline_heading": level},
        )
        return re.search(r'<(\w+) class="tl-group-name"', html).group(1)

    assert (heading("h2"), heading(""), heading("script")) == ("h2", "h3", "h3")


def test_it_renders_aggregate_counts_as_text_and_as_a_table():
    result = timeline.build(_hand_counted_example(), today=D(2022, 5, 1), max_rows=1)
    html = render_to_string("deployments/includes/_timeline.html", {"timeline": result})
    elements = _Elements(html)

    assert elements.with_class("tl-row") == []  # no per-deployment links
    assert "too many to draw one by one" in html
    assert "<title>Synthetic face recognition, 2021: 2 deployments</title>" in html
    # Years 2019-2022, then undated, then total.
    table_rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", html, re.S)
    cells = {name: re.findall(r">(\d+)</td>", rest) for name, rest in table_rows}
    assert cells == {
        "All technologies": ["1", "3", "3", "2", "2", "5"],
        "Synthetic ANPR": ["1", "2", "2", "1", "0", "2"],
        "Synthetic face recognition": ["0", "2", "2", "2", "2", "4"],
    }
