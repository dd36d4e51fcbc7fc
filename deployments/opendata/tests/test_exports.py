"""The CSV and GeoJSON exports: the same records as the list, safe cells, streaming, headers."""

import csv
import io
import json

import pytest

from deployments.core import filters
from deployments.models import (
    Cost,
    Deployment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
)
from deployments.opendata import cells, exports, geojson
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import body, listed_slugs, make_light_records, make_records

pytestmark = pytest.mark.django_db

SPEC_COLUMNS = (
    "id, slug, url, title, summary, status, technologies, operators, suppliers, "
    "other_organisations, countries, start_date, start_precision, end_date, end_precision, "
    "cost_amount, cost_currency, cost_covers, cost_qualifier, legal_basis, legal_status, "
    "latitude, longitude, location_precision, locations, sources, last_updated, "
    # Added later, at the end, so the columns above never move.
    "organisation_notes, scale, cost_note, legal_basis_types, legal_basis_notes, "
    "location_precisions, location_countries, source_titles, source_publishers, source_dates, "
    "end_text, events, location_latitudes, location_longitudes"
).split(", ")

# Filter combinations the exports must answer exactly as the list does.
QUERIES = [
    "",
    "technology=anpr",
    "technology=anpr&technology=face&sort=title",
    "status=trial&status=active",
    "country=GB&sort=-title",
    "from=2021&to=2022-06",
    "from=2024-10-05",
    "bbox=-1,51,1,52",
    "bbox=-10,40,10,60&sort=start",
    "q=hidden",
    "q=synthetic&technology=anpr",
    "organisation=police&role=operator",
    "legal_status=disputed",
    "cost_min=100000&currency=EUR",
    "sort=-cost&currency=GBP",
    "sort=updated",
]


@pytest.fixture
def cast():
    return make_cast()


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"), newline="")))


# Pure functions ------------------------------------------------------------------------------


def test_it_joins_lists_so_names_with_semicolons_survive():
    names = ["Smith; Jones Ltd", "Back\\slash Ltd", "Plain"]
    cell = cells.join_multi(names)
    assert cell == "Smith\\; Jones Ltd; Back\\\\slash Ltd; Plain"
    assert cells.split_multi(cell) == names
    assert cells.split_multi("") == []


@pytest.mark.parametrize(
    "text", ["=SUM(A1)", "+1", "-cmd", "@import", "\tx", "\rx", "'quoted", "''double"]
)
def test_it_neutralises_formula_cells_and_can_reverse_it(text):
    written = cells.neutralise(text)
    assert written == "'" + text
    assert cells.unneutralise(written) == text


def test_it_leaves_ordinary_text_alone():
    for text in ("Synthetic deployment", "2024-10", "", "A = B"):
        assert cells.neutralise(text) == text


def test_it_picks_the_same_headline_cost_as_the_list(cast):
    deployment = Deployment.objects.get(slug="watch")
    Cost.objects.create(
        deployment=deployment,
        source=cast.source,
        amount=None,
        qualifier="undisclosed",
        covers="contract",
    )
    Cost.objects.create(deployment=deployment, source=cast.source, amount=5, covers="estimate")
    (record,) = exports.fetch_records([deployment.pk])
    chosen = exports.headline(record["costs"])
    assert chosen["id"] == deployment.headline_cost.pk


def test_it_names_the_file_after_the_filter(client, cast):
    response = client.get("/deployments.csv?technology=anpr&from=2024&sort=title&bbox=0,0,1,1")
    name = "deployments-technology-anpr-map-area-from-2024.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    plain = client.get("/deployments.csv")
    assert plain["Content-Disposition"] == 'attachment; filename="deployments.csv"'


# The export equals the list ------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_it_exports_exactly_what_the_list_shows(client, cast, query):
    make_light_records(52, start=100)  # more than one list page (50 a page)
    expected = listed_slugs(client, query)
    assert len(expected) > 0

    csv_response = client.get(f"/deployments.csv?{query}")
    assert csv_response.status_code == 200
    assert [row["slug"] for row in rows(csv_response)] == expected

    json_slugs, url = [], f"/deployments.json?{query}"
    while url:
        page = client.get(url).json()
        assert page["count"] == len(expected)
        json_slugs += [item["slug"] for item in page["results"]]
        url = page["next"]
    assert json_slugs == expected

    mapped = set(
        Location.objects.filter(geometry__isnull=False).values_list("deployment__slug", flat=True)
    )
    collection = json.loads(body(client.get(f"/deployments.geojson?{query}")))
    map_slugs = []
    for feature in collection["features"]:
        if feature["properties"]["slug"] not in map_slugs:
            map_slugs.append(feature["properties"]["slug"])
    assert map_slugs == [slug for slug in expected if slug in mapped]


def test_it_gives_excel_a_byte_order_mark_only_when_asked(client, cast):
    cast.devices.name = "Synthetic £ “Devices”"
    cast.devices.save()
    plain = body(client.get("/deployments.csv?technology=anpr"))
    excel = body(client.get("/deployments.csv?technology=anpr&bom=1"))
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert "Synthetic £ “Devices”" in excel.decode("utf-8-sig")
    page = client.get("/deployments/?technology=anpr").content.decode()
    assert 'href="/deployments.csv?technology=anpr&amp;bom=1"' in page
    assert ">CSV for Excel</a>" in page


def test_it_refuses_a_bom_it_does_not_know(client, cast):
    response = client.get("/deployments.csv?bom=yes")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "bom"


def test_it_tells_not_researched_from_none_stated(client, cast):
    # The camera's sources were read and state no legal basis; the scanner's were not read.
    cast.camera.legal_bases.all().delete()
    LegalBasis.objects.create(
        deployment=cast.camera, source=cast.source, instrument_type="none", status="not_stated"
    )
    assert not cast.scanner.legal_bases.exists()
    found = {row["slug"]: row for row in rows(client.get("/deployments.csv"))}
    camera, scanner = found["camera"], found["scanner"]
    assert (camera["legal_basis"], camera["legal_status"]) == ("None stated", "not_stated")
    assert (scanner["legal_basis"], scanner["legal_status"]) == ("", "")


def test_it_keeps_operators_in_their_recorded_order(client, cast):
    # A source names the lead operator first: the CSV, the JSON and the page keep it first.
    lead = Organisation.objects.create(name="Synthetic Zeta Force", slug="synthetic-zeta")
    cast.camera.involvements.all().delete()
    for organisation in (lead, cast.police):
        Involvement.objects.create(
            deployment=cast.camera, organisation=organisation, role="operator"
        )
    found = {row["slug"]: row for row in rows(client.get("/deployments.csv"))}
    assert found["camera"]["operators"] == "Synthetic Zeta Force; Synthetic Police"
    item = next(
        i for i in client.get("/deployments.json").json()["results"] if i["slug"] == "camera"
    )
    assert [o["name"] for o in item["organisations"]] == [
        "Synthetic Zeta Force",
        "Synthetic Police",
    ]
    page = client.get(cast.camera.get_absolute_url()).content.decode()
    assert page.index("Synthetic Zeta Force") < page.index("Synthetic Police")


def test_it_writes_the_columns_in_the_documented_order(client, cast):
    response = client.get("/deployments.csv")
    header = body(response).decode().split("\r\n", 1)[0]
    assert header.split(",") == SPEC_COLUMNS


def test_it_writes_a_record_as_precisely_as_it_is_known(client, cast):
    (camera,) = [r for r in rows(client.get("/deployments.csv")) if r["slug"] == "camera"]
    assert camera["url"] == "http://testserver/deployments/camera/"
    assert camera["technologies"] == "Synthetic ANPR"
    assert camera["operators"] == "Synthetic Police"
    assert (camera["start_date"], camera["start_precision"]) == ("2024-10", "month")
    assert (camera["end_date"], camera["end_precision"]) == ("", "unknown")
    assert camera["cost_amount"] == "80000.00"
    assert (camera["cost_currency"], camera["cost_covers"]) == ("GBP", "budget")
    assert (camera["legal_basis"], camera["legal_status"]) == ("Synthetic Act", "asserted")
    assert (camera["latitude"], camera["longitude"]) == ("51.5", "-0.1")
    assert camera["location_precision"] == "exact"
    assert camera["countries"] == "GB"
    assert camera["sources"] == "Synthetic Gazette: Synthetic source"
    (watch,) = [r for r in rows(client.get("/deployments.csv")) if r["slug"] == "watch"]
    assert (watch["start_date"], watch["end_date"]) == ("2021", "2022-05")
    assert watch["suppliers"] == "Synthetic Devices Ltd"
    assert (watch["latitude"], watch["location_precision"]) == ("", "national")


def test_it_neutralises_formulas_but_keeps_negative_numbers(client, cast):
    camera = cast.camera
    camera.title = '=HYPERLINK("http://evil.example","click")'
    camera.summary = "-5 cameras, +2 vans"
    camera.save()
    evil = Organisation.objects.create(name="@Synthetic evil", slug="evil")
    Involvement.objects.create(deployment=camera, organisation=evil, role="supplier")
    (row,) = [r for r in rows(client.get("/deployments.csv")) if r["slug"] == "camera"]
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["summary"] == "'-5 cameras, +2 vans"
    assert row["suppliers"] == "'@Synthetic evil"
    assert row["longitude"] == "-0.1"  # a number stays a number


def test_it_keeps_names_containing_semicolons_in_one_item(client):
    make_records(1)
    (row,) = rows(client.get("/deployments.csv"))
    assert row["suppliers"] == "Synthetic Devices\\; Sensors Ltd"
    assert cells.split_multi(row["suppliers"]) == ["Synthetic Devices; Sensors Ltd"]


def test_it_streams_utf8_rfc4180_csv(client, cast):
    cast.watch.summary = 'Says "hello",\nthen “goodbye” in Ελληνικά.'
    cast.watch.save()
    response = client.get("/deployments.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    data = body(response)
    assert not data.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    assert data.endswith(b"\r\n")
    assert '"Says ""hello"",\nthen “goodbye” in Ελληνικά."' in data.decode("utf-8")
    (watch,) = [r for r in rows(client.get("/deployments.csv")) if r["slug"] == "watch"]
    assert watch["summary"] == cast.watch.summary


def test_it_sends_licence_attribution_and_cors_headers(client, cast, settings):
    settings.DATA_LICENSE_URL = "https://example.org/synthetic-licence"
    settings.DATA_LICENSE_NAME = "Synthetic-1.0"
    for url in ("/deployments.csv", "/deployments.geojson"):
        response = client.get(url)
        assert '<https://example.org/synthetic-licence>; rel="license"' in response["Link"]
        assert response["X-Data-License"].startswith("Synthetic-1.0")
        assert "http://testserver/data/" in response["X-Data-License"]
        assert response["Access-Control-Allow-Origin"] == "*"
    assert "Synthetic-1.0" not in body(client.get("/deployments.csv")).decode()


@pytest.mark.parametrize("url", ["/deployments.csv", "/deployments.geojson"])
def test_it_answers_bad_parameters_with_json_naming_them(client, cast, url):
    response = client.get(url + "?technology=anpr&technology=nope&bbox=1,2")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    named = {error["parameter"] for error in response.json()["errors"]}
    assert named == {"technology", "bbox"}


def test_it_answers_304_when_nothing_changed_and_not_after_an_edit(client, cast):
    first = client.get("/deployments.csv?technology=anpr")
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get("/deployments.csv?technology=anpr", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    since = client.get("/deployments.csv?technology=anpr", HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    other = client.get("/deployments.csv?technology=face", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200  # another question, another ETag
    Cost.objects.filter(deployment=cast.camera).update(amount=1)  # no history: not an edit
    cast.camera.costs.first().save()  # an edit the history records
    changed = client.get("/deployments.csv?technology=anpr", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_it_writes_rfc7946_geojson(client, cast):
    response = client.get("/deployments.geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    by_slug = {f["properties"]["slug"]: f for f in collection["features"]}
    assert set(by_slug) == {"camera", "scanner"}
    camera = by_slug["camera"]
    assert camera["geometry"] == {"type": "Point", "coordinates": [-0.1, 51.5]}
    assert set(camera["properties"]) >= {
        "id",
        "slug",
        "title",
        "technologies",
        "status",
        "precision",
    }
    assert camera["properties"]["technologies"] == ["Synthetic ANPR"]
    listed = filters.filtered({}).qs
    assert geojson.geojson(listed)["features"] == collection["features"]


def test_it_never_exports_drafts_reviews_or_withdrawn_records(client, cast):
    make_records(1, start=900, publication="review")
    make_records(1, start=901, publication="withdrawn")
    make_records(1, start=902, publication="draft")
    for url in ("/deployments.csv", "/deployments.geojson", "/deployments.csv?q=hidden"):
        text = body(client.get(url)).decode()
        for hidden in ("Synthetic draft", "synthetic-deployment-90"):
            assert hidden not in text, url


# With an order asked, so the CSV is streamed: the whole register's is a file written by the
# worker (test_register_files.py).
@pytest.mark.parametrize("url", ["/deployments.csv?sort=title", "/deployments.geojson"])
def test_it_exports_in_a_number_of_queries_that_does_not_grow(
    client, django_assert_num_queries, url
):
    # The CSV: the freshness state, then the one statement that writes every row (csv_export).
    queries = 2 if ".csv" in url else 4
    make_records(5)
    with django_assert_num_queries(queries):
        assert len(body(client.get(url))) > 100
    make_records(45, start=6)
    with django_assert_num_queries(queries):
        assert body(client.get(url)).count(b"synthetic-deployment-") >= 50
