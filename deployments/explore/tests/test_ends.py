"""An end nobody reported is read from the status, never invented, and said the same way on
the record page, the list card, the timeline, the JSON and the CSV: every status, with and
without a known start and end."""

import csv
import datetime as dt
import io
import itertools

import pytest

from deployments.explore import timeline
from deployments.models import Deployment
from deployments.tests.synthetic import body

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
STATUSES = [value for value, _label in Deployment.Status.choices]
CASES = list(itertools.product(STATUSES, (False, True), (False, True)))
UNREPORTED = {
    "active": "no end reported",
    "trial": "no end reported",
    "ended": "ended, date unknown",
    "announced": "",
    "suspended": "unknown",
    "cancelled": "unknown",
    "unknown": "unknown",
}


def _id(case) -> str:
    status, started, ended = case
    return f"{status}-{'start' if started else 'nostart'}-{'end' if ended else 'noend'}"


def _record(status, started, ended) -> Deployment:
    return Deployment(
        title=f"Synthetic {_id((status, started, ended))}",
        slug=f"synthetic-{_id((status, started, ended))}",
        summary="A made-up record.",
        status=status,
        publication="published",
        start_date=dt.date(2020, 1, 1) if started else None,
        start_precision="year" if started else "unknown",
        end_date=dt.date(2021, 3, 1) if ended else None,
        end_precision="month" if ended else "unknown",
    )


def _expected(status, ended) -> str:
    return "March 2021" if ended else UNREPORTED[status]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_it_reads_the_end_from_the_status_on_the_page_and_the_timeline(case):
    status, started, ended = case
    record = _record(*case)
    assert record.end_display == _expected(status, ended)
    drawn = {
        "id": 1,
        "title": record.title,
        "url": "/synthetic/",
        "technology_names": ["Synthetic technology"],
        **{f: getattr(record, f) for f in ("status", "start_date", "start_precision")},
        **{f: getattr(record, f) for f in ("end_date", "end_precision")},
    }
    (span,) = timeline.build([drawn], today=TODAY).items
    assert span.end_text == _expected(status, ended)
    running = status in ("active", "trial") and not ended
    assert span.ongoing == running
    # Only what is reported to be running is drawn on towards today.
    assert (span.fade is not None) == running
    if status == "announced" and not started:
        assert span.bar is None and span.fade is None
        assert span.dates_text.startswith("planned")
    assert "ongoing" not in span.summary


def test_it_says_the_same_end_in_every_output(client):
    records = [_record(*case) for case in CASES]
    for record in records:
        record.save()
    items = {i["slug"]: i for i in client.get("/deployments.json").json()["results"]}
    text = body(client.get("/deployments.csv")).decode()
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    cards = client.get("/deployments/?sort=title").content.decode()
    for (status, _started, ended), record in zip(CASES, records, strict=True):
        said = _expected(status, ended)
        assert items[record.slug]["end"]["text"] == said, record.slug
        assert rows[record.slug]["end_text"] == ("2021-03" if ended else said), record.slug
        page = client.get(record.get_absolute_url()).content.decode()
        if said:
            assert f"<dt>End</dt><dd>{said}" in page, record.slug
        else:
            assert "<dt>End</dt>" not in page, record.slug
        assert "ongoing" not in page
    assert "ongoing" not in cards
