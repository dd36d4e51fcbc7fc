"""The Atom feed of published and updated records."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from deployments.models import Deployment
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import make_records

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def cast():
    return make_cast()


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)


def entries(response) -> list[ET.Element]:
    return parse(response).findall(f"{ATOM}entry")


def test_it_lists_published_records_newest_change_first(client, cast):
    older = timezone.now() - dt.timedelta(days=30)
    Deployment.objects.filter(slug="camera").update(updated=older, published_at=older)
    response = client.get("/feeds/deployments.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries(response)]
    assert titles[-1] == "Synthetic camera"
    assert set(titles) == {"Synthetic camera", "Synthetic watch", "Synthetic scanner"}


def test_it_says_when_each_record_was_published_and_updated(client, cast):
    published = timezone.now() - dt.timedelta(days=30)
    Deployment.objects.filter(slug="watch").update(published_at=published)
    (watch,) = [
        e
        for e in entries(client.get("/feeds/deployments.atom"))
        if e.findtext(f"{ATOM}title") == "Synthetic watch"
    ]
    assert watch.findtext(f"{ATOM}published").startswith(published.date().isoformat())
    assert watch.findtext(f"{ATOM}updated") > watch.findtext(f"{ATOM}published")
    assert watch.find(f"{ATOM}link").get("href") == "http://testserver/deployments/watch/"
    assert [c.get("term") for c in watch.findall(f"{ATOM}category")] == [
        "Synthetic face recognition"
    ]


def test_it_accepts_the_listing_filters(client, cast):
    response = client.get("/feeds/deployments.atom?technology=anpr&status=trial")
    assert [e.findtext(f"{ATOM}title") for e in entries(response)] == ["Synthetic camera"]
    feed = parse(response)
    self_link = [
        link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"
    ]
    assert self_link == ["http://testserver/feeds/deployments.atom?technology=anpr&status=trial"]


def test_it_answers_a_bad_filter_with_400_naming_it(client, cast):
    response = client.get("/feeds/deployments.atom?from=2024-13")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "from"


@pytest.mark.parametrize("state", ["draft", "review", "withdrawn"])
def test_it_never_lists_unpublished_records(client, cast, state):
    make_records(1, publication=state)
    titles = [e.findtext(f"{ATOM}title") for e in entries(client.get("/feeds/deployments.atom"))]
    assert "Synthetic deployment 1" not in titles
    assert "Synthetic draft" not in titles


def test_it_builds_the_feed_in_a_number_of_queries_that_does_not_grow(
    client, django_assert_num_queries
):
    make_records(5)
    with django_assert_num_queries(5):
        assert len(entries(client.get("/feeds/deployments.atom"))) == 5
    make_records(45, start=6)
    with django_assert_num_queries(5):
        assert len(entries(client.get("/feeds/deployments.atom"))) == 50
