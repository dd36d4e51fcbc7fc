"""Data entry in the admin: a whole deployment on one page, its map, its list, its history."""

import datetime as dt
import html
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deployments.editing.forms import BAD_GEOJSON_TEXT
from deployments.models import Cost, Deployment
from deployments.tests.factories import (
    ADD_URL,
    CHANGELIST_URL,
    add_row,
    change_data,
    change_url,
    deployment_data,
    empty_inlines,
    formset_data,
    make_deployment,
    make_organisation,
    make_source,
    make_technology,
)

pytestmark = pytest.mark.django_db

POINT = {"type": "Point", "coordinates": [-0.1276, 51.5072]}
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.2, 51.4], [0.0, 51.4], [0.0, 51.6], [-0.2, 51.6], [-0.2, 51.4]]],
}


def inline(response, prefix: str):
    """The page's formset of these rows ("locations", "costs"...)."""
    formsets = [i.formset for i in response.context["inline_admin_formsets"]]
    return next(formset for formset in formsets if formset.prefix == prefix)


def full_deployment_post(geometry: str = json.dumps(POINT), **fields) -> dict:
    """Everything a researcher types into the add page for one deployment."""
    technology = make_technology()
    police = make_organisation()
    source = make_source()
    data = {
        "title": "Synthetic live facial recognition vans",
        "slug": "synthetic-lfr-vans",
        "summary": "A made-up police trial of face-scanning vans.",
        "description": "",
        "technologies": [technology.pk],
        "status": "trial",
        "start_date": "2024-10-14",
        "start_precision": "month",
        "end_date": "",
        "end_precision": "unknown",
        "planned_duration": "six months",
        "scale": "two vans",
        "affected_groups": "",
        "data_retention": "",
        "data_sharing": "",
        "visibility": "overt",
        "publication": "draft",
        **fields,
    }
    rows = {
        "locations": [
            {"name": "Synthetic High Street", "country": "GB", "precision": "exact"}
            | {"geometry": geometry}
        ],
        "involvements": [
            {"organisation": police.pk, "role": "operator", "note": "", "source": source.pk}
        ],
        "costs": [
            {"amount": "250000", "currency": "GBP", "qualifier": "up_to", "covers": "contract"}
            | {"period": "", "source": source.pk, "quote": ""}
        ],
        "events": [
            {"kind": "started", "date": "2024-10-14", "date_precision": "day"}
            | {"description": "First deployment", "source": source.pk}
        ],
        "legal_bases": [
            {"instrument_type": "statute", "instrument": "Synthetic Act 2018", "provision": "s. 1"}
            | {"url": "", "status": "asserted", "note": "", "source": source.pk}
        ],
        "impact_assessments": [
            {"kind": "dpia", "date": "2024-06-30", "date_precision": "year", "availability": "foi"}
            | {"obtained_by": "Synthetic Watch", "url": "", "source": source.pk}
        ],
        "citations": [{"source": source.pk, "claim": "general", "quote": "", "locator": "p. 2"}],
        "responses": [
            {"kind": "objection", "organisation": "", "person": "Synthetic Critic", "date": ""}
            | {"date_precision": "unknown", "summary": "Synthetic objection.", "quote": ""}
            | {"source": source.pk}
        ],
    }
    for prefix, prefix_rows in rows.items():
        data |= formset_data(prefix, prefix_rows)
    return data


def form_errors(response) -> str:
    """Every error on a re-displayed admin page, to show why a post was not saved."""
    context = response.context
    errors = [context["adminform"].form.errors.as_text()]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        errors += [f"{formset.prefix}: {formset.non_form_errors().as_text()}"]
        errors += [f"{formset.prefix}: {form.errors.as_text()}" for form in formset.forms]
    return "\n".join(error for error in errors if not error.endswith(": "))


def test_it_adds_a_whole_deployment_from_one_page(admin_client):
    response = admin_client.post(ADD_URL, full_deployment_post())

    assert response.status_code == 302, form_errors(response)
    deployment = Deployment.objects.get(slug="synthetic-lfr-vans")
    assert deployment.title == "Synthetic live facial recognition vans"
    assert deployment.start_date == dt.date(2024, 10, 1)  # month precision: first of the month
    assert deployment.technologies.count() == 1
    cost = deployment.costs.get()
    assert (cost.amount, cost.qualifier, cost.covers) == (Decimal("250000"), "up_to", "contract")
    assert deployment.events.get().date == dt.date(2024, 10, 14)
    assert deployment.involvements.get().role == "operator"
    assert deployment.legal_bases.get().instrument == "Synthetic Act 2018"
    assert deployment.impact_assessments.get().date == dt.date(2024, 1, 1)
    assert deployment.citations.get().locator == "p. 2"
    assert deployment.responses.get().person == "Synthetic Critic"


def test_it_saves_the_drawn_geometry_and_its_point(admin_client):
    admin_client.post(ADD_URL, full_deployment_post())

    location = Deployment.objects.get(slug="synthetic-lfr-vans").locations.get()
    assert location.geometry == POINT
    assert (location.longitude, location.latitude) == (-0.1276, 51.5072)


def test_it_changes_a_deployment_and_its_rows_from_the_same_page(admin_client):
    admin_client.post(ADD_URL, full_deployment_post())
    deployment = Deployment.objects.get(slug="synthetic-lfr-vans")
    page = admin_client.get(change_url(deployment))
    assert page.status_code == 200
    assert "51.5072" in html.unescape(page.content.decode())  # the saved point, for the map

    data = change_data(deployment)
    data["title"] = "Synthetic live facial recognition vans, extended"
    data["locations-0-geometry"] = json.dumps(SQUARE)
    data["locations-0-precision"] = "city"
    data["costs-0-DELETE"] = "on"
    source = deployment.citations.get().source
    add_row(data, "events", {"kind": "expanded", "date": "2025-03-20", "date_precision": "month"})
    data["events-1-source"] = str(source.pk)
    response = admin_client.post(change_url(deployment), data)

    assert response.status_code == 302, form_errors(response)
    deployment.refresh_from_db()
    assert deployment.title.endswith("extended")
    assert deployment.slug == "synthetic-lfr-vans"
    location = deployment.locations.get()
    assert location.geometry == SQUARE
    assert (location.longitude, location.latitude) == (-0.1, 51.5)  # centre of the square
    assert not deployment.costs.exists()
    assert [e.kind for e in deployment.events.order_by("date")] == ["started", "expanded"]


def test_it_rejects_text_that_is_not_json_on_the_geometry_field_and_keeps_it(admin_client):
    response = admin_client.post(ADD_URL, full_deployment_post(geometry='{"type": "Point",'))

    assert response.status_code == 200
    assert not Deployment.objects.exists()
    location_form = inline(response, "locations").forms[0]
    assert location_form.errors["geometry"] == [BAD_GEOJSON_TEXT]
    assert "geometry" in BAD_GEOJSON_TEXT
    textarea = re.search(
        r'<textarea id="id_locations-0-geometry"[^>]*>(.*?)</textarea>', response.content.decode()
    )
    assert html.unescape(textarea.group(1)) == '{"type": "Point",'


def test_it_rejects_an_impossible_geometry_with_the_reason_on_the_geometry_field(admin_client):
    swapped = json.dumps({"type": "Point", "coordinates": [51.5072, -95.0]})
    response = admin_client.post(ADD_URL, full_deployment_post(geometry=swapped))

    assert response.status_code == 200
    assert not Deployment.objects.exists()
    errors = inline(response, "locations").forms[0].errors
    assert errors["geometry"] == [
        "Point: latitude -95.0 is outside -90..90 (GeoJSON is [longitude, latitude])."
    ]


def test_it_accepts_a_pasted_geojson_feature_and_keeps_its_geometry(admin_client):
    feature = {"type": "Feature", "properties": {}, "geometry": POINT}
    collection = json.dumps({"type": "FeatureCollection", "features": [feature]})
    response = admin_client.post(ADD_URL, full_deployment_post(geometry=collection))

    assert response.status_code == 302, form_errors(response)
    assert Deployment.objects.get().locations.get().geometry == POINT


def test_it_puts_errors_from_the_models_on_the_field_to_fix(admin_client):
    data = full_deployment_post(end_date="2023-01-01", end_precision="day")
    data["costs-0-amount"] = ""  # no amount, yet the qualifier says "up to"
    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "before the start" in form.errors["end_date"][0]
    cost_form = inline(response, "costs").forms[0]
    assert cost_form.errors["amount"] == [
        "Enter the amount, or set the qualifier to “not disclosed”."
    ]


def test_it_renders_the_leaflet_map_and_its_assets_on_the_add_page(admin_client):
    page = admin_client.get(ADD_URL).content.decode()

    for asset in [
        "leaflet/leaflet.js",
        "leaflet/leaflet.extras.js",
        "leaflet/draw/leaflet.draw.js",
        "leaflet/leaflet.forms.js",
        "leaflet/leaflet.css",
        "leaflet/draw/leaflet.draw.css",
        "deployments/admin-map.js",
    ]:
        assert f'"/static/{asset}"' in page, asset
    assert '<div id="id_locations-0-geometry-map"' in page
    # admin-map.js starts the map from its options and icon folder: no inline script at all.
    assert 'data-image-path="/static/leaflet/images/"' in page
    assert "data-djoptions=" in page
    assert "<script>" not in page and "<script nonce" not in page
    # An empty geometry is an empty textarea, not the text "null" for Leaflet to choke on.
    assert re.search(r'<textarea id="id_locations-0-geometry"[^>]*></textarea>', page)
    # The "add another" template carries a bare container for admin-map.js to start later.
    assert '<div id="id_locations-__prefix__-geometry-map"' in page
    assert re.search(
        r'class="geojson-map"[^>]*data-fieldid="id_locations-__prefix__-geometry"[^>]*data-template',
        page,
        re.S,
    )


def test_it_prefills_the_slug_on_add_and_redirects_a_published_ones_old_address(admin_client):
    add_page = admin_client.get(ADD_URL)
    assert add_page.context["adminform"].prepopulated_fields[0]["field"].name == "slug"

    draft = make_deployment()
    assert "slug" in admin_client.get(change_url(draft)).context["adminform"].form.fields

    # An editor may move a published record (a researcher may not: test_permissions.py); the
    # old address keeps working.
    published = make_deployment(publication="published")
    old = published.get_absolute_url()
    data = change_data(published) | {"slug": "synthetic-renamed"}
    admin_client.post(change_url(published), data)
    published.refresh_from_db()
    assert published.slug == "synthetic-renamed"
    assert admin_client.get(old)["Location"] == "/deployments/synthetic-renamed/"


def test_it_links_to_the_public_page_only_once_published(admin_client):
    draft = make_deployment()
    published = make_deployment(publication="published")

    assert not admin_client.get(change_url(draft)).context["has_absolute_url"]
    page = admin_client.get(change_url(published))
    assert page.context["absolute_url"] == published.get_absolute_url()


def test_it_lists_deployments_with_their_columns_without_a_query_per_row(admin_client):
    make_deployment(
        title="Synthetic first", start_date=dt.date(2023, 5, 1), start_precision="month"
    )
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(CHANGELIST_URL)
    for _ in range(5):
        make_deployment()
    with CaptureQueriesContext(connection) as six_rows:
        response = admin_client.get(CHANGELIST_URL)

    assert len(six_rows) == len(one_row)
    page = response.content.decode()
    assert "Synthetic first" in page
    assert "May 2023" in page
    assert "Synthetic technology" in page
    assert response.context["cl"].result_count == 6


def test_it_finds_a_deployment_by_its_organisation_and_filters_by_publication(admin_client):
    wanted = make_deployment(title="Synthetic wanted", publication="review")
    make_deployment(title="Synthetic other")
    police = make_organisation(name="Synthetic Constabulary of Nowhere")
    wanted.involvements.create(organisation=police, role="operator")

    found = admin_client.get(CHANGELIST_URL, {"q": "Constabulary of Nowhere"})
    assert list(found.context["cl"].result_list) == [wanted]
    filtered = admin_client.get(CHANGELIST_URL, {"publication__exact": "review"})
    assert list(filtered.context["cl"].result_list) == [wanted]


def test_it_autocompletes_sources_inside_the_deployment_page(admin_client):
    make_source(title="Synthetic leaked contract")
    make_source(title="Synthetic press release")

    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "deployments",
            "model_name": "citation",
            "field_name": "source",
            "term": "leaked",
        },
    )

    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert texts == ["Synthetic Gazette: Synthetic leaked contract"]


@pytest.mark.parametrize("model", ["technology", "organisation", "source"])
def test_it_lists_and_searches_the_shared_records(admin_client, model):
    make_technology(name="Synthetic drone")
    make_organisation(name="Synthetic drone makers")
    make_source(title="Synthetic drone story")

    response = admin_client.get(f"/admin/deployments/{model}/", {"q": "Synthetic drone"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_it_counts_a_technologys_deployments_once_when_the_list_is_filtered(admin_client):
    counted = make_technology(name="Synthetic counted")
    for _ in range(2):
        make_deployment(publication="published").technologies.add(counted)

    response = admin_client.get(
        "/admin/deployments/technology/",
        {"deployments__publication__exact": "published", "q": "counted"},
    )

    [row] = response.context["cl"].result_list
    assert row.deployment_count == 2


def test_it_adds_with_no_inline_rows_at_all(admin_client):
    # A first draft may be just the record itself; the rows come later.
    data = deployment_data(Deployment(title="Synthetic bare", slug="synthetic-bare"))
    data |= {"summary": "Bare.", "technologies": [make_technology().pk]} | empty_inlines()
    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302, form_errors(response)
    assert Cost.objects.count() == 0
    assert Deployment.objects.get().publication == "draft"


@pytest.mark.parametrize(
    ("existing", "typed"),
    [("The Barcode Warehouse", "Barcode Warehouse"), ("Buddi", "Buddi Limited")],
)
def test_a_name_close_to_an_existing_organisation_is_asked_about(admin_client, existing, typed):
    from deployments.models import Organisation

    first = Organisation.objects.create(name=existing, slug="synthetic-first")
    url = reverse("admin:deployments_organisation_add")
    data = {"name": typed, "slug": "synthetic-second", "kind": "company", "country": ""}
    data |= {"website": "", "description": ""}

    asked = admin_client.post(url, data)
    saved = admin_client.post(url, data | {"different": "on"})

    errors = " ".join(asked.context["adminform"].form.errors["name"])
    assert f'href="/admin/deployments/organisation/{first.pk}/change/"' in errors
    assert existing in errors
    assert saved.status_code == 302
    assert Organisation.objects.filter(name=typed).exists()


def test_an_unrelated_name_is_saved_without_a_question(admin_client):
    from deployments.models import Organisation

    Organisation.objects.create(name="Synthetic Warehouse Partners", slug="synthetic-first")
    url = reverse("admin:deployments_organisation_add")
    data = {"name": "Synthetic Warehouse", "slug": "synthetic-second", "kind": "company"}
    data |= {"country": "", "website": "", "description": ""}

    assert admin_client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("typed", "chosen", "stored"),
    [
        ("2022", "", (dt.date(2022, 1, 1), "year")),
        ("July 2022", "", (dt.date(2022, 7, 1), "month")),
        ("2022-07", "", (dt.date(2022, 7, 1), "month")),
        ("14 October 2024", "", (dt.date(2024, 10, 14), "day")),
        ("2024-10-14", "", (dt.date(2024, 10, 14), "day")),
        ("14/10/2024", "", (dt.date(2024, 10, 14), "day")),
        ("14 October 2024", "month", (dt.date(2024, 10, 1), "month")),
        ("", "", (None, "unknown")),
    ],
)
def test_a_date_is_typed_as_a_person_writes_it(admin_client, typed, chosen, stored):
    deployment = make_deployment()
    data = change_data(deployment) | {"start_date": typed, "start_precision": chosen}

    response = admin_client.post(change_url(deployment), data)

    assert response.status_code == 302, form_errors(response)
    deployment.refresh_from_db()
    assert (deployment.start_date, deployment.start_precision) == stored


def test_a_typed_date_is_shown_back_as_written_and_a_finer_precision_is_refused(admin_client):
    deployment = make_deployment()
    data = change_data(deployment) | {"start_date": "October 2024", "start_precision": ""}
    admin_client.post(change_url(deployment), data)

    page = admin_client.get(change_url(deployment))
    refused = admin_client.post(
        change_url(deployment),
        change_data(deployment) | {"start_date": "2022", "start_precision": "day"},
    )
    unreadable = admin_client.post(
        change_url(deployment), change_data(deployment) | {"start_date": "Julio 2022"}
    )

    assert 'value="October 2024"' in page.content.decode()
    assert "“2022” is known to the year" in " ".join(
        refused.context["adminform"].form.errors["start_precision"]
    )
    assert "the month is not one this form knows" in " ".join(
        unreadable.context["adminform"].form.errors["start_date"]
    )


def test_an_events_date_is_typed_too(admin_client):
    deployment = make_deployment()
    source = deployment.citations.get().source
    data = change_data(deployment)
    add_row(data, "events", {"kind": "reported", "date": "July 2022", "date_precision": ""})
    data["events-0-source"] = str(source.pk)

    response = admin_client.post(change_url(deployment), data)

    assert response.status_code == 302, form_errors(response)
    event = deployment.events.get()
    assert (event.date, event.date_precision) == (dt.date(2022, 7, 1), "month")


def test_every_error_is_summarised_at_the_top_with_a_link_to_its_field(admin_client):
    deployment = make_deployment()
    source = deployment.citations.get().source
    data = change_data(deployment) | {"start_date": "someday"}
    add_row(data, "costs", {"amount": "", "currency": "GBP", "qualifier": "exact"})
    data |= {"costs-0-covers": "contract", "costs-0-source": str(source.pk)}

    response = admin_client.post(change_url(deployment), data)

    summary = response.context["error_summary"]
    hrefs = [error["href"] for error in summary]
    assert "#id_start_date" in hrefs
    assert "#id_costs-0-amount" in hrefs
    assert any(error["label"] == "Cost 1: Amount" for error in summary)
    html = response.content.decode()
    assert html.index('id="error-summary"') < html.index('id="id_title"')
    for href in hrefs:
        assert f'id="{href[1:]}"' in html  # each link lands on its field


def test_a_new_claims_source_starts_as_the_records_first_source(admin_client):
    deployment = make_deployment()
    source = deployment.citations.get().source

    page = admin_client.get(change_url(deployment))

    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    for prefix in ("involvements", "costs", "events", "legal_bases", "responses", "citations"):
        assert formsets[prefix].empty_form["source"].value() == source.pk, prefix
    # Rows "Add another" brings and leaves untouched are still not saved.
    data = change_data(deployment)
    add_row(data, "costs", {"source": str(source.pk), "currency": "GBP", "qualifier": "exact"})
    assert admin_client.post(change_url(deployment), data).status_code == 302
    assert not deployment.costs.exists()


def test_an_editor_merges_two_organisations_that_are_one_body(client, admin_client):
    from deployments.models import Involvement, Organisation, Response

    kept = Organisation.objects.create(name="Buddi", slug="buddi", kind="company")
    duplicate = Organisation.objects.create(
        name="Buddi Limited", slug="buddi-limited", kind="company"
    )
    first = make_deployment(publication="published")
    second = make_deployment(publication="published")
    source = first.citations.get().source
    Involvement.objects.create(deployment=first, organisation=kept, role="supplier")
    Involvement.objects.create(deployment=first, organisation=duplicate, role="supplier")
    moved = Involvement.objects.create(deployment=second, organisation=duplicate, role="supplier")
    Response.objects.create(
        deployment=second, organisation=duplicate, kind="no_comment", summary="x", source=source
    )
    url = reverse("admin:deployments_organisation_changelist")
    chosen = {"action": "merge", "_selected_action": [duplicate.pk]}

    asked = admin_client.post(url, chosen)
    unknown = admin_client.post(url, chosen | {"confirm": "yes", "kept": "nobody"})
    done = admin_client.post(url, chosen | {"confirm": "yes", "kept": "buddi"}, follow=True)

    assert "<code>buddi</code> (Buddi)" in asked.content.decode()  # the similar one is offered
    assert "No other organisation has the slug “nobody”" in unknown.content.decode()
    assert "1 duplicate role(s) dropped" in done.content.decode()
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert list(first.involvements.values_list("organisation__name", flat=True)) == ["Buddi"]
    moved.refresh_from_db()
    assert moved.organisation == kept
    assert moved.history.first().organisation_id == kept.pk  # the move is in its history
    assert second.responses.get().organisation == kept
    page = client.get("/organisations/buddi-limited/")
    assert (page.status_code, page["Location"]) == (301, "/organisations/buddi/")
    csv = b"".join(client.get("/deployments.csv").streaming_content).decode()
    assert "Buddi Limited" not in csv and "Buddi" in csv  # the stored lines followed


def test_a_new_records_claims_take_the_source_cited_at_the_top(admin_client):
    """The article a record is built from is chosen once: claims left without a source take
    it; without one cited, each such claim is asked for its own, next to it."""
    data = full_deployment_post()
    for key in ("costs-0-source", "events-0-source", "legal_bases-0-source"):
        data[key] = ""
    second = make_source()
    data |= formset_data(
        "citations",
        [
            {"source": data["citations-0-source"], "claim": "general", "quote": "", "locator": ""},
            {"source": second.pk, "claim": "scale", "quote": "", "locator": ""},
        ],
    )
    page = admin_client.get(ADD_URL).content.decode()
    assert page.index('id="citations-group"') < page.index('id="costs-group"')
    assert "Left empty: the first source" in page

    assert admin_client.post(ADD_URL, data).status_code == 302

    deployment = Deployment.objects.get(slug="synthetic-lfr-vans")
    first = deployment.citations.order_by("id").first().source
    assert first != second
    for claims in (deployment.costs, deployment.events, deployment.legal_bases):
        assert claims.get().source == first

    uncited = full_deployment_post(slug="synthetic-uncited")
    uncited["costs-0-source"] = ""
    uncited["citations-0-source"] = ""
    uncited["citations-0-DELETE"] = "on"
    refused = admin_client.post(ADD_URL, uncited)
    assert refused.status_code == 200
    assert "cite one under “Sources cited”" in refused.content.decode()
    assert not Deployment.objects.filter(slug="synthetic-uncited").exists()


@pytest.mark.parametrize("total", ["²", "9" * 50])
def test_a_tampered_citation_count_is_a_form_error_not_a_server_error(admin_client, total):
    response = admin_client.post(ADD_URL, {"title": "Synthetic", "citations-TOTAL_FORMS": total})
    assert response.status_code == 200
    assert response.context["adminform"].form.is_bound
