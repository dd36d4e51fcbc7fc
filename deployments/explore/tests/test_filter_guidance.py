"""Filters that guide: a bad value or a misspelt parameter is answered on the same page, next
to its field, never by a wider result; blank fields never reach a shared address."""

import pytest

from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db
PAGES = ["/deployments/", "/deployments/map/", "/deployments/timeline/"]


@pytest.fixture
def cast():
    return make_cast()


@pytest.mark.parametrize("page", PAGES)
def test_it_redirects_an_address_with_blank_parameters_to_its_clean_form(client, cast, page):
    response = client.get(f"{page}?q=&technology=anpr&role=&from=&cost_min=&technology=")
    assert response.status_code == 302
    assert response["Location"] == f"{page}?technology=anpr"
    assert client.get(f"{page}?q=&role=").headers["Location"] == page


@pytest.mark.parametrize("page", PAGES)
def test_it_explains_a_bad_value_next_to_its_field_on_the_same_page(client, cast, page):
    response = client.get(f"{page}?technology=anpr&from=someday")
    assert response.status_code == 400
    body = response.content.decode()
    # The same page, with the form as typed and the message beside the field.
    assert 'id="filters-heading"' in body
    assert 'value="someday"' in body
    assert 'aria-invalid="true"' in body
    assert '<p class="field-error" id="from-error">' in body
    # The other filters stay ticked, counted as they would be without the bad one.
    assert 'value="anpr" id="f-technology-' in body
    assert "No results are shown" in body
    assert 'href="#id_from"' in body
    assert "Synthetic camera" not in body.split('id="filter-errors-heading"')[1]


def test_it_names_a_misspelt_parameter_and_the_one_meant(client, cast):
    response = client.get("/deployments/?technolgy=anpr")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<code>technolgy</code>" in body
    assert "did you mean technology?" in body
    data = client.get("/deployments.csv?Technology=anpr")
    assert data.status_code == 400
    error = data.json()["errors"][0]
    assert error["parameter"] == "Technology"
    assert "did you mean technology?" in error["message"]


def test_it_lets_tracking_parameters_through(client, cast):
    response = client.get("/deployments/?technology=anpr&utm_source=newsletter&fbclid=x")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2


def test_it_reads_dates_typed_as_words(client, cast):
    response = client.get("/deployments/?from=March%202022&to=2022")
    assert response.status_code == 200
    assert [d.slug for d in response.context["deployments"]] == ["watch"]


def test_it_offers_the_currencies_the_register_holds(client, cast):
    body = client.get("/deployments/").content.decode()
    assert '<select id="id_currency" name="currency"' in body
    assert '<option value="EUR">EUR</option>' in body
    assert '<option value="GBP">GBP</option>' in body
    response = client.get("/deployments/?cost_min=100000")
    assert response.status_code == 400
    assert "the register holds EUR or GBP" in response.content.decode()


def test_it_counts_records_whose_legal_basis_is_not_researched_yet(client, cast):
    facet = client.get("/deployments/").context["facets"]["legal_status"]
    counts = {o.label: o.count for o in facet}
    assert counts["Not researched yet"] == 1  # the scanner
    assert counts["None stated by anyone"] == 0


def test_it_folds_the_filters_behind_a_summary_counting_the_active_ones(client, cast):
    body = client.get("/deployments/?technology=anpr&status=trial").content.decode()
    assert '<details class="filters-panel">' in body
    assert "<summary>Filters (2 active)</summary>" in body
    bad = client.get("/deployments/?from=someday").content.decode()
    assert '<details class="filters-panel" open>' in bad  # the error must be seen
