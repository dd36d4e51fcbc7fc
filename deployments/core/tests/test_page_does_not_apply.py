"""`page` is refused wherever it is not read, instead of quietly giving every record."""

import html

import pytest

from deployments.core.filters import DOES_NOT_APPLY
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import make_light_records

pytestmark = pytest.mark.django_db

DATA = [
    "/deployments.csv",
    "/deployments.geojson",
    "/deployments/map.geojson",
    "/feeds/deployments.atom",
]
PAGES = ["/deployments/map/", "/deployments/timeline/"]
MESSAGE = DOES_NOT_APPLY["page"]


@pytest.fixture
def cast():
    return make_cast()


@pytest.mark.parametrize("address", DATA)
@pytest.mark.parametrize("page", ["2", "99999", "x"])
def test_it_refuses_page_on_a_download_with_a_json_400(client, cast, address, page):
    assert client.get(f"{address}?technology=anpr").status_code == 200

    response = client.get(f"{address}?technology=anpr&page={page}")

    assert response.status_code == 400
    # Only that it does not apply: whether the value is a number is beside the point here.
    assert response.json() == {"errors": [{"parameter": "page", "message": MESSAGE}]}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("address", PAGES)
def test_it_refuses_page_on_the_map_and_timeline_next_to_the_form(client, cast, address):
    assert client.get(f"{address}?technology=anpr").status_code == 200

    response = client.get(f"{address}?technology=anpr&page=2")

    assert response.status_code == 400
    body = response.content.decode()
    assert html.escape(MESSAGE) in body
    assert 'id="filters-heading"' in body  # the same page, its form as typed
    assert 'value="anpr" id="f-technology-' in body
    assert "No results are shown" in body
    # The way back keeps the filter and drops page.
    assert f'href="{address}?technology=anpr"' in body


def test_it_names_page_alongside_the_other_problems(client, cast):
    response = client.get("/deployments.csv?page=2&from=someday")

    assert response.status_code == 400
    assert [e["parameter"] for e in response.json()["errors"]] == ["page", "from"]


def test_it_still_pages_the_list_and_the_json(client):
    make_light_records(51)

    listing = client.get("/deployments/?page=2")
    data = client.get("/deployments.json?page=2")

    assert listing.status_code == 200
    assert len(listing.context["deployments"]) == 1
    assert data.status_code == 200
    assert data.json()["page"] == 2
    assert len(data.json()["results"]) == 1
