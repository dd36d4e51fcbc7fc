"""What happened in a period: from/to find a record that may have been running then or that
has a dated event then (`when=active` or `when=events` for one reading alone), and every
list, count and download answers the same."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.http import QueryDict

from deployments.core import filters
from deployments.core.dates import Precision
from deployments.explore import facets
from deployments.models import Deployment, Event, Source
from deployments.seed import load_seed_register
from deployments.tests.synthetic import body

pytestmark = pytest.mark.django_db

SMARTWATCH = "home-office-smartwatches-foreign-national-offenders"
PROC764 = "proc764-migrant-tracker"


@pytest.fixture
def seed():
    load_seed_register()


def json_slugs(client, query: str) -> set[str]:
    data = client.get(f"/deployments.json?{query}").json()
    assert data["pages"] <= 1
    return {item["slug"] for item in data["results"]}


def csv_slugs(client, query: str) -> set[str]:
    text = body(client.get(f"/deployments.csv?{query}")).decode()
    return {row["slug"] for row in csv.DictReader(io.StringIO(text, newline=""))}


def listed(client, query: str) -> set[str]:
    return {d.slug for d in client.get(f"/deployments/?{query}").context["page"].object_list}


def test_it_answers_what_happened_in_2022_with_both_2022_contracts(client, seed):
    asked = "from=2022&to=2022"
    expected = {SMARTWATCH, PROC764}
    assert listed(client, asked) == expected
    assert json_slugs(client, asked) == expected
    assert csv_slugs(client, asked) == expected
    timeline = client.get(f"/deployments/timeline/?{asked}").content.decode()
    titles = dict(Deployment.objects.values_list("slug", "title"))
    for slug, title in titles.items():
        assert (title in timeline) == (slug in expected), slug


def test_it_gives_the_narrower_answer_for_what_was_running(client, seed):
    # No seed record has a reported start, so none can be placed as running in 2022.
    assert json_slugs(client, "from=2022&to=2022&when=active") == set()
    assert json_slugs(client, "from=2022&to=2022&when=events") == {SMARTWATCH, PROC764}


def test_it_reads_an_events_date_only_as_precisely_as_it_is_known(client, seed):
    # The smartwatch contract is dated May 2022, Proc764's July 2022.
    assert json_slugs(client, "from=2022-07&to=2022-07") == {PROC764}
    assert json_slugs(client, "from=2022-06-15&to=2022-07-01") == {PROC764}
    assert json_slugs(client, "from=2022-05-31&to=2022-05-31") == {SMARTWATCH}
    source = Source.objects.first()
    proc = Deployment.objects.get(slug=PROC764)
    Event.objects.create(
        deployment=proc,
        source=source,
        kind="reported",
        date=dt.date(2019, 1, 1),
        date_precision=Precision.YEAR,
    )
    # A "2019" event may fall on any day of 2019, so it is in June 2019.
    assert PROC764 in json_slugs(client, "from=2019-06&to=2019-06")


def test_it_carries_every_dated_event_in_the_csv_and_json(client, seed):
    row = next(
        r
        for r in csv.DictReader(io.StringIO(body(client.get("/deployments.csv")).decode()))
        if r["slug"] == SMARTWATCH
    )
    kinds = [item.split(":")[0].split(" ") for item in row["events"].split("; ")]
    assert kinds == [["2021-08", "dpia"], ["2022-05", "contract"]]
    item = next(
        i for i in client.get("/deployments.json").json()["results"] if i["slug"] == SMARTWATCH
    )
    assert [(e["date"], e["kind"]) for e in item["events"]] == [
        ({"date": "2021-08", "precision": "month"}, "dpia"),
        ({"date": "2022-05", "precision": "month"}, "contract"),
    ]


def test_it_refuses_a_reading_it_does_not_know(client, seed):
    response = client.get("/deployments.json?from=2022&when=sometimes")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "when"
    page = client.get("/deployments/?from=2022&when=sometimes")
    assert page.status_code == 400


def _synthetic_register():
    """Records placed every way a period can reach them: by span alone, by events alone, by
    both in the same year, and by neither."""
    source = Source.objects.create(title="Synthetic source", publisher="Synthetic Gazette")

    def record(n, start=None, precision=Precision.UNKNOWN, end=None, end_precision="unknown"):
        return Deployment.objects.create(
            title=f"Synthetic period {n}",
            slug=f"synthetic-period-{n}",
            summary="A made-up record.",
            publication="published",
            start_date=start,
            start_precision=precision,
            end_date=end,
            end_precision=end_precision,
        )

    def event(deployment, date, precision=Precision.MONTH):
        Event.objects.create(
            deployment=deployment,
            source=source,
            kind="reported",
            date=date,
            date_precision=precision,
        )

    record(1, dt.date(2019, 1, 1), Precision.YEAR, dt.date(2020, 6, 1), "month")
    both = record(2, dt.date(2021, 3, 1), Precision.MONTH)
    event(both, dt.date(2021, 9, 1))  # inside its own span: still one record in 2021
    event(both, dt.date(2018, 1, 1), Precision.YEAR)  # before it started
    undated = record(3)
    event(undated, dt.date(2020, 2, 14), Precision.DAY)
    event(undated, dt.date(2020, 11, 1))
    record(4)  # neither: in no year


@pytest.mark.parametrize("when", ["", "active", "events"])
def test_the_year_facet_counts_what_each_year_lists(client, when):
    _synthetic_register()
    cache.clear()
    filterset = filters.filtered(QueryDict(f"when={when}" if when else ""))
    assert filterset.is_valid()
    options = facets.year(filterset, today=dt.date(2022, 6, 1))
    assert options, "the facet lists the years"
    for option in options:
        query = f"from={option.value}&to={option.value}" + (f"&when={when}" if when else "")
        assert option.count == len(json_slugs(client, query)), (option.value, when)
    counts = {o.value: o.count for o in options}
    if when == "":
        assert (counts["2018"], counts["2020"], counts["2021"]) == (1, 2, 1)


def test_it_shows_the_reading_asked_for_as_a_chip(client, seed):
    page = client.get("/deployments/?from=2022&to=2022&when=active").content.decode()
    assert "Dates match: Running in the period" in page
    refused = client.get("/deployments.json?from=2022&when=sometimes").json()
    assert "when takes active" in refused["errors"][0]["message"]
