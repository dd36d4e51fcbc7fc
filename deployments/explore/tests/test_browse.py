"""Browsing the register's entries: the organisation, technology, country and source indexes
with their counts, the country and source pages, and nothing that only a draft names."""

import pytest

from deployments.models import Citation, Deployment, Source
from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def _rows(response) -> list:
    assert response.status_code == 200, response.content[:300]
    return list(response.context["rows"])


def test_it_lists_organisations_with_how_many_records_name_them(client, cast):
    rows = _rows(client.get("/organisations/"))
    assert [(o.slug, n) for o, n in rows] == [("devices", 2), ("police", 1)]  # by name
    busiest = _rows(client.get("/organisations/?sort=-records"))
    assert busiest[0][0].slug == "devices"
    assert [o.slug for o, _n in _rows(client.get("/organisations/?kind=police"))] == ["police"]
    assert [o.slug for o, _n in _rows(client.get("/organisations/?q=devic"))] == ["devices"]
    body = client.get("/organisations/").content.decode()
    assert 'href="/deployments/?organisation=devices"' in body


def test_it_lists_technologies_and_countries_with_counts(client, cast):
    technologies = {t.slug: n for t, n in _rows(client.get("/technologies/"))}
    assert technologies == {"anpr": 2, "face": 2}  # the draft is never counted
    countries = {code: n for _name, code, n in _rows(client.get("/countries/"))}
    assert countries == {"GB": 2, "FR": 1}


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/?sort=biggest",
        "/organisations/?kind=spy",
        "/technologies/?nmae=anpr",
        "/countries/?page=0",
        "/sources/?page=9",
    ],
)
def test_it_answers_a_bad_index_question_with_400_not_a_longer_list(client, cast, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "Nothing is listed" in response.content.decode()


def test_it_gives_each_country_a_page_with_its_records(client, cast):
    response = client.get("/countries/GB/")
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert {d.slug for d in response.context["deployments"]} == {"camera", "watch"}
    body = response.content.decode()
    assert 'href="/deployments/?country=GB"' in body
    assert 'href="/deployments.csv?country=GB"' in body
    assert client.get("/countries/gb/")["Location"] == "/countries/GB/"
    assert client.get("/countries/DE/").status_code == 404  # no record there
    assert client.get("/countries/ZZ/").status_code == 404


def test_it_lists_only_the_sources_of_published_records(client, cast):
    draft_only = Source.objects.create(title="Synthetic leak", publisher="Synthetic Wire")
    Citation.objects.create(deployment=Deployment.objects.get(slug="draft"), source=draft_only)
    rows = _rows(client.get("/sources/"))
    assert [(s.title, n) for s, n in rows] == [("Synthetic source", 3)]
    assert client.get(draft_only.get_absolute_url()).status_code == 404


def test_it_shows_every_record_and_claim_a_source_supports(client, cast):
    citation = cast.camera.citations.get()
    citation.quote = "Synthetic words of the source."
    citation.save()
    response = client.get(cast.source.get_absolute_url())
    assert response.status_code == 200
    assert response.context["total"] == 3
    titles = [e["deployment"].title for e in response.context["supported"]]
    assert titles == ["Synthetic camera", "Synthetic scanner", "Synthetic watch"]
    body = response.content.decode()
    assert "<q>Synthetic words of the source.</q>" in body
    assert "Cost: GBP 80,000" in body
    assert "Synthetic draft" not in body
    assert "No web address known." in body
