"""A location across several named countries, as a reader looks for it: found by each of its
countries, counted once in each, and named in the page, the CSV, the JSON and the admin."""

import pytest

from deployments.editing.forms import LocationForm
from deployments.models import Location
from deployments.opendata.tests.test_exports import rows
from deployments.tests.factories import make_deployment
from deployments.tests.synthetic import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    corridor = make_deployment(publication="published", title="Synthetic corridor trial")
    Location.objects.create(
        deployment=corridor,
        name="Synthetic border corridor",
        precision="multi",
        countries=["FR", "DE"],
    )
    # Also national in France: still one record there, not two.
    Location.objects.create(
        deployment=corridor, name="Synthetic France", precision="national", country="FR"
    )
    national = make_deployment(publication="published", title="Synthetic French database")
    Location.objects.create(
        deployment=national, name="Synthetic France", precision="national", country="FR"
    )
    return corridor, national


def titles(client, query: str) -> set[str]:
    return {r["title"] for r in rows(client.get(f"/deployments.csv?{query}"))}


def test_each_named_country_finds_the_record(client, records):
    assert titles(client, "country=DE") == {"Synthetic corridor trial"}
    assert titles(client, "country=FR") == {"Synthetic corridor trial", "Synthetic French database"}
    assert titles(client, "country=BE") == set()
    listed = client.get("/deployments/?country=DE").content.decode()
    assert "Synthetic corridor trial" in listed
    assert "Synthetic French database" not in listed


def test_the_country_facet_counts_each_record_once_per_country(client, records):
    page = client.get("/deployments/").context["facets"]["country"]
    counts = {o.value: o.count for o in page}
    assert counts == {"DE": 1, "FR": 2}
    narrowed = client.get("/deployments/?q=corridor").context["facets"]["country"]
    assert {o.value: o.count for o in narrowed} == {"DE": 1, "FR": 1}


def test_the_downloads_name_every_country(client, records):
    corridor = next(
        r for r in rows(client.get("/deployments.csv")) if r["title"] == "Synthetic corridor trial"
    )
    assert corridor["countries"] == "DE; FR"
    record = client.get(f"/deployments/{records[0].slug}.json").json()
    several = next(loc for loc in record["locations"] if loc["precision"] == "multi")
    assert several["countries"] == ["DE", "FR"]
    assert several["country"] is None
    listed = client.get("/deployments.json?country=DE").json()["results"]
    assert listed[0]["countries"] == ["DE", "FR"]


def test_the_record_page_names_the_countries(client, records):
    page = body(client.get(f"/deployments/{records[0].slug}/")).decode()
    # Each country named, and each a link to its page.
    assert (
        'Synthetic border corridor (<a href="/countries/FR/">France</a>, '
        '<a href="/countries/DE/">Germany</a>)'
    ) in page


def test_the_admin_refuses_several_countries_on_a_location_of_one(records):
    national = LocationForm(
        data={
            "name": "Synthetic",
            "precision": "national",
            "country": "FR",
            "countries": ["DE", "FR"],
        },
        instance=Location(deployment=records[1]),
    )
    assert not national.is_valid()
    assert "Only a location across several countries" in str(national.errors["countries"])
    assert "country" not in national.errors  # its one country is right: only the list is wrong
    lonely = LocationForm(
        data={"name": "Synthetic", "precision": "multi", "countries": ["DE"]},
        instance=Location(deployment=records[1]),
    )
    assert not lonely.is_valid()
    assert "Name two or more" in str(lonely.errors["countries"])
    several = LocationForm(
        data={"name": "Synthetic", "precision": "multi", "countries": ["DE", "IT"]},
        instance=Location(deployment=records[1]),
    )
    assert several.is_valid(), several.errors
