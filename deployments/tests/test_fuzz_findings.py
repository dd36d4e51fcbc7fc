"""What the fuzzing (test_fuzz.py) found, each pinned on its own."""

import pytest

from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


@pytest.mark.parametrize(
    "address", ["/deployments/", "/deployments/map/", "/deployments/timeline/"]
)
def test_it_redirects_a_value_of_spaces_once_to_the_address_without_it(client, cast, address):
    response = client.get(f"{address}?technology=anpr&bbox=%20&q=%E3%80%80", follow=True)

    assert response.redirect_chain == [(f"{address}?technology=anpr", 302)]
    assert response.status_code == 200


@pytest.mark.parametrize(
    "address",
    ["/deployments/camera/", "/deployments/camera.json", "/deployments/camera/cite.bib"],
)
@pytest.mark.parametrize("version", ["²", "9" * 5000, "9" * 30])
def test_it_answers_an_odd_version_number_without_a_server_error(client, cast, address, version):
    response = client.get(address, {"version": version})

    assert response.status_code in (400, 404)


@pytest.mark.parametrize("query", ["bom=x&bom=1", "bom=1&bom=x", "bom=2"])
def test_it_refuses_every_odd_bom_value_not_only_the_last(client, cast, query):
    response = client.get(f"/deployments.csv?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "bom"


@pytest.mark.parametrize(
    "query",
    [
        "kind=police&kind=company",
        "q=police&q=devices",
        "sort=name&sort=-records",
        # A blank last value hid a bad first one: the form read no sort at all.
        "sort=start&sort=",
        "sort=&sort=start",
    ],
)
def test_it_refuses_an_index_parameter_given_twice(client, cast, query):
    response = client.get(f"/organisations/?{query}")

    assert response.status_code == 400
    name = query.split("=")[0]
    assert {n for n, _message in response.context["index_errors"]} == {name}


@pytest.mark.parametrize(
    "query",
    [
        "technology=anpr%00",
        "organisation=%00",
        "country=G%00",
        "status=active%00",
        "q=camera%00",
        "from=2022%00",
        "currency=GBP%00",
        "cost_min=1%00",
    ],
)
def test_it_refuses_a_nul_byte_in_any_filter_value(client, cast, query):
    # PostgreSQL refuses NUL in a text parameter: one reaching a query would be a 500.
    response = client.get(f"/deployments.json?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == query.split("=")[0]


def test_it_refuses_a_nul_byte_in_an_index_search(client, cast):
    assert client.get("/organisations/?q=police%00").status_code == 400


@pytest.mark.parametrize("code", ["²", "³", "²²", "826", "G1"])
def test_it_answers_a_country_code_that_is_not_two_letters_with_a_404(client, cast, code):
    response = client.get(f"/countries/{code}/")

    assert response.status_code == 404
