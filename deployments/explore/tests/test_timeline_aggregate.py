"""The aggregate timeline counted in the database equals the one counted in Python."""

import datetime as dt
import random

import pytest
from django.http import QueryDict
from django.utils import timezone

from deployments.core import filters
from deployments.core.dates import Precision
from deployments.explore import records, timeline
from deployments.models import Deployment, Source, Technology
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
    and ends under each status, ends years ahead of today, and zero to three technologies
    (two differing only in case, which must still sort the same way on both paths)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
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


def counted_in_python(queryset, **options) -> timeline.Timeline:
    """The reference: every row read into Python and aggregated by timeline.build, as the
    timeline did before it counted in the database."""
    rows = list(queryset.values(*records.TIMELINE_FIELDS))
    names = technology_names(queryset)
    for row in rows:
        row["technology_names"] = names.get(row["id"], [])
    return timeline.build(rows, today=timezone.localdate(), max_rows=MAX_ROWS, **options)


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
    ],
)
@pytest.mark.parametrize("grouped", [True, False])
def test_it_counts_in_the_database_exactly_what_python_counts(query, grouped):
    make_synthetic_register()
    filterset = filters.filtered(QueryDict(query))
    assert filterset.is_valid()
    assert filterset.qs.count() > MAX_ROWS  # so no record is read: the counts are SQL's

    in_sql = records.timeline_for(filterset.qs, group_by_technology=grouped, max_rows=MAX_ROWS)
    in_python = counted_in_python(filterset.qs, group_by_technology=grouped)

    assert in_sql.mode == timeline.AGGREGATE
    assert in_sql == in_python
    if grouped and "technology" not in query:
        assert timeline.NO_TECHNOLOGY in [row.name for row in in_sql.aggregate.rows]


def test_it_still_draws_each_deployment_within_the_limit():
    make_synthetic_register(count=8)
    published = Deployment.objects.published()
    rows = list(published.values(*records.TIMELINE_FIELDS))
    names = technology_names(published)
    for row in rows:
        row["technology_names"] = names.get(row["id"], [])

    drawn = records.timeline_for(published, group_by_technology=False, max_rows=8)

    assert drawn.mode == timeline.SPANS
    assert drawn == timeline.build(rows, today=timezone.localdate(), group_by_technology=False)


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

    # Grouped: one row per technology, one for the record with none: 4 rows. (Past 3, the
    # 3 records are read and counted in Python: fewer records than max_rows never cost much.)
    assert mode(max_rows=4) == timeline.SPANS
    assert mode(max_rows=3) == timeline.AGGREGATE
    # Not grouped: one row per record.
    assert mode(max_rows=3, group_by_technology=False) == timeline.SPANS
    assert mode(max_rows=2, group_by_technology=False) == timeline.AGGREGATE


@pytest.mark.parametrize(("grouped", "queries"), [(True, 3), (False, 2)])
def test_it_counts_in_a_fixed_number_of_queries(grouped, queries, django_assert_num_queries):
    make_synthetic_register(count=30)
    published = Deployment.objects.published()
    # The capped count, the totals, and (grouped) the counts per technology.
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
