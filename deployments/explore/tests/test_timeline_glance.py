"""A timeline that reads at a glance: its axis is the period asked for, an outlier does not
squash the rest, what lies beyond an edge is marked, events carry labels, an undated record
invents no year. Pure layout and the rendered partial; no database."""

import datetime as dt
import re

from django.template.loader import render_to_string

from deployments.explore import timeline

D = dt.date
TODAY = D(2025, 6, 15)
ONE_DAY = dt.timedelta(days=1)
YEAR_2022 = (D(2022, 1, 1), D(2023, 1, 1))  # as timeline_for passes from=2022 and to=2022


def deployment(key, *, start=None, precision="year", end=None, status="ended", tech=("T",)):
    return {
        "id": key,
        "title": f"Synthetic deployment {key}",
        "url": f"/deployments/synthetic-{key.lower()}/",
        "status": status,
        "start_date": start,
        "start_precision": precision if start else "unknown",
        "end_date": end,
        "end_precision": "year" if end else "unknown",
        "technology_names": [f"Synthetic {t}" for t in tech],
    }


def event(kind, date, precision="month", description=""):
    return {"kind": kind, "date": date, "date_precision": precision, "description": description}


def render(result, **context) -> str:
    return render_to_string("deployments/includes/_timeline.html", {"timeline": result, **context})


def span_of(result, key) -> timeline.Span:
    return next(s for s in result.items if s.id == key)


def test_it_draws_the_year_asked_for_with_its_months():
    a = deployment("A")
    events = {"A": [event("dpia", D(2021, 8, 1)), event("contract", D(2022, 5, 1))]}
    result = timeline.build([a], events, today=TODAY, period_from=YEAR_2022, period_to=YEAR_2022)

    assert (result.first_year, result.last_year) == (2022, 2022)
    assert [m.label for m in result.months] == list(timeline.MONTHS)
    html = render(result)
    assert re.findall(r'class="tl-month"[^>]*>(\w+)<', html) == list(timeline.MONTHS)
    assert "1 deployment, 2022." in html
    # The 2021 assessment is off the axis: not drawn, but marked at the left edge and said.
    span = span_of(result, "A")
    assert [m.kind for m in span.events] == ["contract"]
    assert span.before == "Before 2022: 1 event: DPIA completed, August 2021"
    assert span.after == ""
    assert f"<title>{span.before}</title>" in html
    assert 'href="#timeline-before" x="0"' in html
    # The table keeps every event, one row each.
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<th scope=\"row\">.*?</span> ([^<]*)</th>", html)
    assert rows == [("August 2021", "DPIA completed"), ("May 2022", "Contract awarded")]


def test_it_cuts_a_long_span_at_the_edges_of_the_period_and_says_so():
    a = deployment("A", start=D(2002, 1, 1), end=D(2030, 1, 1), status="active")
    result = timeline.build([a], today=TODAY, period_from=YEAR_2022, period_to=YEAR_2022)
    span = span_of(result, "A")

    assert (span.bar.x, span.bar.width) == (0, 100)  # certainly running all of 2022
    assert span.start_band is None and span.end_band is None  # both off the axis
    assert span.before == "Before 2022: started 2002"
    assert span.after == "After 2022: ends 2030"
    assert "Partly outside the years drawn." in span.accessible_name


def test_it_does_not_let_one_outlier_squash_the_rest():
    outlier = deployment("OLD", start=D(2002, 1, 1), status="active")
    recent = [deployment(str(n), start=D(2019 + n % 5, 1, 1), end=D(2024, 1, 1)) for n in range(9)]
    result = timeline.build([outlier, *recent], today=TODAY)

    assert (result.first_year, result.last_year) == (2019, 2025)
    old = span_of(result, "OLD")
    assert old.before == "Before 2019: started 2002"
    assert old.bar.x == 0  # running across the whole axis
    assert result.has_clipped
    assert "Double arrow at an edge: it continues before or after the years drawn" in render(result)
    # Many records that early are not an outlier: the axis keeps them.
    crowd = [deployment(f"C{n}", start=D(2002, 1, 1), end=D(2003, 1, 1)) for n in range(5)]
    assert timeline.build([*crowd, *recent], today=TODAY).first_year == 2002


def test_it_labels_events_where_there_is_room_and_leaves_the_rest_to_the_tooltips():
    a = deployment("A", start=D(2010, 1, 1), end=D(2024, 1, 1))
    events = {
        "A": [
            event("contract", D(2012, 5, 1), description="Synthetic contract."),
            event("ruling", D(2012, 6, 1)),  # a month later: no room on a 15-year axis
            event("challenge", D(2020, 1, 1), "year"),
        ]
    }
    span = span_of(timeline.build([a], events, today=TODAY), "A")
    labels = {m.kind: m.short for m in span.events}

    assert labels == {
        "contract": "Contract, May 2012",
        "ruling": "",
        "challenge": "Challenge, 2020",
    }
    assert span.height == timeline.EVENT_ROW_HEIGHT
    html = render(timeline.build([a], events, today=TODAY))
    assert ">Contract, May 2012</text>" in html
    # Every mark keeps its full text as a tooltip, and the row's focus line names them all.
    assert "<title>Ruling, June 2012</title>" in html
    assert (
        span.events_line == "Contract awarded, May 2012; Ruling, June 2012; Legal challenge, 2020"
    )
    # A description's own full stop is not doubled.
    assert "<title>Contract awarded, May 2012: Synthetic contract.</title>" in html
    assert ".." not in span.accessible_name


def test_it_says_an_undated_record_has_no_dates_instead_of_inventing_a_year():
    a = deployment("A", status="unknown")
    result = timeline.build([a], today=TODAY, group_by_technology=False, dom_id="mini")
    html = render(result, compact=True)

    assert result.undated
    assert "1 deployment, no dates reported: nothing to place on a time axis." in html
    assert str(TODAY.year) not in html
    assert 'class="tl-svg"' not in html
    assert "Timeline as a table" in html  # the record is still listed


def test_it_keeps_an_announced_plan_a_planned_mark_not_a_bar():
    a = deployment("A", status="announced")
    result = timeline.build(
        [a], {"A": [event("announced", D(2022, 3, 1))]}, today=TODAY, period_to=YEAR_2022
    )
    span = span_of(result, "A")

    assert span.dates_text == "planned, first dated March 2022"
    assert (span.bar, span.fade, span.planned) == (None, None, None)
    assert [m.kind for m in span.events] == ["announced"]
