"""The aggregate timeline counted in the database equals the one counted in Python."""

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone

from deployments.core import dates, filters
from deployments.core.dates import Precision
from deployments.explore import records, timeline
from deployments.models import Deployment, Event, Source, Technology
from deployments.opendata.geojson import technology_names

pytestmark = pytest.mark.django_db

MAX_ROWS = 10  # lowered, so a few dozen records are "too many to draw"


def _date(rng: random.Random, year: int) -> tuple[dt.date | None, str]:
    precision = rng.choice([Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.UNKNOWN])
    if precision == Precision.UNKNOWN:
        return None, precision
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), precision


def make_synthetic_register(count: int = 60, seed: int = 1) -> None:
    """Every shape of date the timeline counts: day, month and year precision, unknown starts
    and ends under each status, ends years ahead of today, zero to three technologies (two
    differing only in case, which must still sort the same way on both paths), and zero to
    three dated events, inside a record's span, outside it, or with no span at all."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    source = Source.objects.create(title="Synthetic source", publisher="Synthetic Gazette")
    names = ["Synthetic ANPR", "synthetic anpr", "Synthetic drones", "Synthetic face matching"]
    technologies = [
        Technology.objects.create(name=name, slug=f"synthetic-{i}", description="Synthetic.")
        for i, name in enumerate(names)
    ]
    this_year = timezone.localdate().year
    for n in range(count):
        first = rng.randint(1998, this_year + 2)
        start, start_precision = _date(rng, first)
        end, end_precision = _date(rng, rng.randint(first, this_year + 12))
        if start and end and end < start:
            end = start  # same year: "end not before start" holds whatever the precisions
        deployment = Deployment.objects.create(
            title=f"Synthetic aggregate {n}",
            slug=f"synthetic-aggregate-{n}",
            summary="Synthetic.",
            publication="published",
            status=rng.choice(Deployment.Status.values),
            start_date=start,
            start_precision=start_precision,
            end_date=end,
            end_precision=end_precision,
        )
        deployment.technologies.set(rng.sample(technologies, rng.choice([0, 1, 1, 2, 3])))
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            precision = rng.choice([Precision.DAY, Precision.MONTH, Precision.YEAR])
            day = dt.date(rng.randint(1996, this_year + 3), rng.randint(1, 12), rng.randint(1, 28))
            Event.objects.create(
                deployment=deployment,
                source=source,
                kind=rng.choice(Event.Kind.values),
                date=dates.normalise(day, precision),
                date_precision=precision,
            )


def counted_in_python(queryset, **options) -> timeline.Timeline:
    """The reference: every row and event read into Python and aggregated by timeline.build,
    as the timeline did before it counted in the database."""
    rows = list(queryset.values(*records.TIMELINE_FIELDS))
    names = technology_names(queryset)
    for row in rows:
        row["technology_names"] = names.get(row["id"], [])
    events: dict = {}
    for event in Event.objects.filter(deployment__in=queryset.values("pk")).values(
        *records.EVENT_FIELDS
    ):
        events.setdefault(event["deployment_id"], []).append(event)
    return timeline.build(rows, events, today=timezone.localdate(), max_rows=MAX_ROWS, **options)


def _options(filterset) -> dict:
    """The period and reading timeline_for takes from a filter, for the Python reference."""
    data = filterset.form.cleaned_data
    periods = {
        name: (value[0], value[1] + dt.timedelta(days=1)) if value else None
        for name, value in (("period_from", data.get("from")), ("period_to", data.get("to")))
    }
    return {**periods, "when": data.get("when") or ""}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "technology=synthetic-0",
        "technology=synthetic-1&technology=synthetic-3",
        "status=active&status=trial&status=announced",
        "from=2005&to=2012",
        "from=2030",
        "sort=title",
        "when=events",
        "when=active",
        "from=2010&to=2020&when=events",
    ],
)
@pytest.mark.parametrize("grouped", [True, False])
def test_it_counts_in_the_database_exactly_what_python_counts(query, grouped):
    make_synthetic_register()
    filterset = filters.filtered(QueryDict(query))
    assert filterset.is_valid()
    assert filterset.qs.count() > MAX_ROWS  # so no record is read: the counts are SQL's

    in_sql = records.timeline_for(
        filterset.qs, group_by_technology=grouped, max_rows=MAX_ROWS, filterset=filterset
    )
    in_python = counted_in_python(filterset.qs, group_by_technology=grouped, **_options(filterset))

    assert in_sql.mode == timeline.AGGREGATE
    assert in_sql == in_python
    if grouped and "technology" not in query:
        assert timeline.NO_TECHNOLOGY in [row.name for row in in_sql.aggregate.rows]


def test_it_still_draws_each_deployment_within_the_limit():
    make_synthetic_register(count=8)
    published = Deployment.objects.published()

    drawn = records.timeline_for(published, group_by_technology=False, max_rows=8)

    assert drawn.mode == timeline.SPANS
    assert drawn == counted_in_python(published, group_by_technology=False)


def test_it_decides_by_the_rows_a_drawing_would_have():
    make_synthetic_register(count=0)
    one, two = Technology.objects.order_by("slug")[:2]
    for n, technologies in enumerate([[one, two], [one], []]):
        d = Deployment.objects.create(
            title=f"Synthetic row {n}", slug=f"synthetic-row-{n}", publication="published"
        )
        d.technologies.set(technologies)
    published = Deployment.objects.published()

    def mode(**options):
        return records.timeline_for(published, **options).mode

    # One row per record, grouped or not: one with two technologies is drawn once, under
    # "Several technologies".
    for grouped in (True, False):
        assert mode(max_rows=3, group_by_technology=grouped) == timeline.SPANS
        assert mode(max_rows=2, group_by_technology=grouped) == timeline.AGGREGATE


@pytest.mark.parametrize(("grouped", "queries"), [(True, 5), (False, 3)])
def test_it_counts_in_a_fixed_number_of_queries(grouped, queries, django_assert_num_queries):
    make_synthetic_register(count=30)
    published = Deployment.objects.published()
    # The capped count, the spans and the events placing records in a year (facets.event_years),
    # and (grouped) the spans and events per technology.
    with django_assert_num_queries(queries):
        result = records.timeline_for(published, group_by_technology=grouped, max_rows=MAX_ROWS)
    assert result.is_aggregate and result.count == 30


def test_it_draws_the_events_of_every_timeline_it_draws_row_by_row():
    make_synthetic_register(count=0)
    technologies = list(Technology.objects.all())
    source = Source.objects.create(title="Synthetic source", publisher="Synthetic Gazette")
    for n in range(3):
        d = Deployment.objects.create(
            title=f"Synthetic row {n}",
            slug=f"synthetic-row-{n}",
            publication="published",
            start_date=dt.date(2020, 1, 1),
            start_precision=Precision.YEAR,
        )
        d.technologies.set(technologies)  # 12 rows grouped by technology, 3 not grouped
        d.events.create(
            kind="announced", date=dt.date(2020, 3, 1), date_precision="month", source=source
        )

    drawn = records.timeline_for(
        Deployment.objects.published(), group_by_technology=False, max_rows=3
    )

    assert drawn.mode == timeline.SPANS
    assert [len(span.events) for span in drawn.items] == [1, 1, 1]


@pytest.mark.parametrize("when", ["", "active", "events"])
@pytest.mark.parametrize("technology", ["", "synthetic-2"])
def test_it_counts_in_each_year_what_the_list_lists_for_that_year(client, when, technology):
    """A cell of the aggregate is the number of records from=Y&to=Y lists, with the same
    `when`: by their span, by a dated event, or both, each record once."""
    make_synthetic_register()
    cache.clear()
    base = "&".join(p for p in (f"when={when}" if when else "", f"technology={technology}") if p)
    filterset = filters.filtered(QueryDict(base))
    assert filterset.is_valid()
    drawn = records.timeline_for(filterset.qs, max_rows=MAX_ROWS, filterset=filterset)
    assert drawn.is_aggregate
    rows = {row.name: row for row in drawn.aggregate.all_rows}
    checked = 0
    for cell in rows["All technologies"].cells:
        year = cell.year
        listed = client.get(f"/deployments.json?{base}&from={year}&to={year}").json()["count"]
        assert cell.count == listed, (year, when, technology)
        checked += listed > 0
    assert checked > 10  # the figure is not all zeros
    # A technology's row counts its records the same way.
    if not technology:
        name = Technology.objects.get(slug="synthetic-2").name
        for cell in rows[name].cells[::5]:
            year = cell.year
            listed = client.get(
                f"/deployments.json?{base}&technology=synthetic-2&from={year}&to={year}"
            ).json()["count"]
            assert cell.count == listed, (name, year, when)
