"""/deployments/map.geojson: the explore map's compact data (mapdata.py), and the bounded
locations on the map page, the home page and the mini maps (issue 5 "Scale").

The endpoint reads the same filter as the list, so it must map exactly the list's records; it
sends each location compactly up to mapdata.INDIVIDUAL_LIMIT and counts them on a grid past
it (the tests lower the limit), never merging area-wide locations into a cluster of sites.
"""

import gzip
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deployments.explore import mapdata
from deployments.models import Deployment, Location, Technology
from deployments.tests.synthetic import body, listed_slugs

from .test_map import deployment, grow, make_records, point

pytestmark = pytest.mark.django_db

URL = "/deployments/map.geojson"
BYTES_PER_FEATURE = 80  # gzip-compressed, at about 20,000 locations (issue 5)


@pytest.fixture
def records():
    """test_map.py's records: one per precision, one without a location, a draft."""
    return make_records()


def get(client, query: str = "", **headers):
    response = client.get(f"{URL}?{query}", **headers)
    assert response.status_code == 200, body(response)[:500]
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(body(response))


def slugs(collection: dict) -> set[str]:
    return {f["properties"]["slug"] for f in collection["features"]}


def located_ids(slug_set: set[str]) -> set[int]:
    return set(
        Location.objects.filter(deployment__slug__in=slug_set, latitude__isnull=False).values_list(
            "pk", flat=True
        )
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "technology=anpr",
        "technology=face",
        "bbox=-4,51,-3,52",
        "bbox=-7,49,3,59&technology=anpr",
        "q=network",
        "country=GB&sort=title",
    ],
)
def test_it_maps_exactly_the_locations_of_the_records_the_list_shows(client, records, query):
    collection = get(client, query)
    assert collection["type"] == "FeatureCollection"
    assert collection["mode"] == "locations"
    listed = set(listed_slugs(client, query)) - {"unlocated"}
    assert slugs(collection) == listed
    # Every location of those records, each once.
    ids = [f["id"] for f in collection["features"]]
    assert len(ids) == len(set(ids)) == collection["total"]
    assert set(ids) == located_ids(listed)


def test_it_never_sends_drafts(client, records, monkeypatch):
    collection = get(client)
    assert "draft" not in slugs(collection)
    assert "Synthetic draft" not in json.dumps(collection)
    monkeypatch.setattr(mapdata, "INDIVIDUAL_LIMIT", 2)
    grid = get(client, "zoom=3")
    assert grid["mode"] == "grid"
    assert sum(f["properties"]["count"] for f in grid["features"]) == grid["total"]
    assert (
        grid["total"]
        == Location.objects.filter(
            deployment__publication="published", latitude__isnull=False
        ).count()
    )


def test_it_sends_each_location_as_a_compact_point(client, records):
    features = {f["properties"]["slug"]: f for f in get(client)["features"]}
    camera = features["camera"]
    assert camera["geometry"] == {"type": "Point", "coordinates": [-0.13, 51.51]}
    assert camera["properties"] == {
        "slug": "camera",
        "precision": "exact",
        "title": "Synthetic camera",
    }
    # An area-wide location is a point too (its centre), named, never a polygon of its own.
    database = features["database"]
    assert database["geometry"] == {"type": "Point", "coordinates": [-2.0, 54.0]}
    assert database["properties"]["precision"] == "national"
    assert database["properties"]["location"] == "United Kingdom"


def test_it_rounds_coordinates_to_five_decimals(client):
    deployment("fine", locations=[("Fine", "exact", point(-0.1234567891, 51.9876543219))])
    (feature,) = get(client)["features"]
    assert feature["geometry"]["coordinates"] == [-0.12346, 51.98765]


def test_it_leaves_titles_out_of_large_collections(client, records, monkeypatch):
    monkeypatch.setattr(mapdata, "TITLE_LIMIT", 2)
    features = get(client)["features"]
    assert all("title" not in f["properties"] for f in features)
    assert {"slug", "precision"} <= set(features[0]["properties"])


def _synthetic_locations(n: int) -> None:
    """n published records, one location each, with varied words: gzip must not find it easy."""
    rng = random.Random(5)  # noqa: S311 (synthetic data)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
        for _ in range(400)
    ]
    technology = Technology.objects.create(name="Synthetic", slug="synthetic", description="-")
    deployments = Deployment.objects.bulk_create(
        Deployment(
            title=" ".join(rng.choice(words) for _ in range(6)).capitalize(),
            slug="-".join(rng.choice(words) for _ in range(4)) + f"-{i}",
            summary="Synthetic.",
            publication="published",
        )
        for i in range(n)
    )
    Deployment.technologies.through.objects.bulk_create(
        Deployment.technologies.through(deployment_id=d.pk, technology_id=technology.pk)
        for d in deployments
    )
    locations = []
    for d in deployments:
        lon, lat = rng.uniform(-10, 30), rng.uniform(35, 60)
        locations.append(
            Location(
                deployment=d,
                name="Synthetic place",
                country="GB",
                precision=rng.choice(["exact", "exact", "approximate", "city"]),
                geometry=point(lon, lat),
                longitude=lon,
                latitude=lat,
            )
        )
    Location.objects.bulk_create(locations)


@pytest.mark.parametrize("titles", [False, True])
def test_it_keeps_each_feature_under_its_byte_budget(client, monkeypatch, titles):
    """A size check, not a timing check: gzip bytes per feature of the whole answer."""
    _synthetic_locations(400)
    monkeypatch.setattr(mapdata, "TITLE_LIMIT", 10_000 if titles else 0)
    response = client.get(URL)
    raw = body(response)
    features = json.loads(raw)["features"]
    assert len(features) == 400
    assert ("title" in features[0]["properties"]) is titles
    per_feature = len(gzip.compress(raw)) / len(features)
    print(f"map data, titles={titles}: {per_feature:.1f} gzip bytes per feature")
    assert per_feature < BYTES_PER_FEATURE


def test_it_compresses_the_answer_when_the_client_accepts_gzip(client, records):
    response = client.get(URL, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    collection = json.loads(gzip.decompress(body(response)))
    assert collection["total"] == 6


def test_it_carries_the_data_headers_and_answers_304_when_unchanged(client, records):
    response = client.get(URL, {"technology": "anpr"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in response["Link"]
    again = client.get(URL, {"technology": "anpr"}, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("zoom=-1", "zoom"),
        ("zoom=21", "zoom"),
        ("zoom=abc", "zoom"),
        ("zoom=2.5", "zoom"),
        ("zoom=2&zoom=3", "zoom"),
        ("view=1,2,3", "view"),
        ("view=0,60,10,50", "view"),
        ("view=0,0,1,1&view=0,0,2,2", "view"),
        ("technology=nope", "technology"),
        ("bbox=0,-95,10,0", "bbox"),
    ],
)
def test_it_answers_400_naming_a_bad_parameter(client, records, query, parameter):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    errors = json.loads(response.content)["errors"]
    assert [e["parameter"] for e in errors] == [parameter]
    assert errors[0]["message"]


def test_it_narrows_to_the_view_without_changing_the_filter(client, records):
    # The "network" record has Manchester and Leeds; a view around Manchester keeps only it.
    collection = get(client, "technology=anpr&view=-2.5,53.3,-2.0,53.6")
    assert [f["properties"]["slug"] for f in collection["features"]] == ["network"]
    assert collection["total"] == 1
    # A view across the antimeridian is read as such, not as the whole world.
    deployment("fiji", locations=[("Suva", "exact", point(178.44, -18.14))])
    deployment("samoa", locations=[("Apia", "exact", point(-171.76, -13.83))])
    across = get(client, "view=170,-30,-160,0")
    assert slugs(across) == {"fiji", "samoa"}


# Past the threshold: counts on a grid ---------------------------------------------------------


@pytest.fixture
def grid_mode(monkeypatch):
    monkeypatch.setattr(mapdata, "INDIVIDUAL_LIMIT", 2)


def test_it_counts_on_a_grid_past_the_threshold(client, records, grid_mode):
    for query in ["", "technology=anpr", "bbox=-7,49,3,59", "zoom=0", "zoom=12"]:
        collection = get(client, query)
        assert collection["mode"] == "grid"
        counts = [f["properties"]["count"] for f in collection["features"]]
        assert sum(counts) == collection["total"]
        listed = set(listed_slugs(client, "" if query.startswith("zoom") else query))
        assert collection["total"] == len(located_ids(listed))
        for feature in collection["features"]:
            west, south, east, north = feature["bbox"]
            lon, lat = feature["geometry"]["coordinates"]
            assert west <= lon <= east and south <= lat <= north


def test_it_picks_the_cell_size_from_the_zoom(client, records, grid_mode):
    world = get(client, "zoom=0")
    assert world["cell"] == 90 and world["zoom"] == 0
    close = get(client, "zoom=10")
    assert close["cell"] == pytest.approx(360 / 2**10 / 4)
    assert len(close["features"]) > len(world["features"])
    assert get(client)["zoom"] == mapdata.default_zoom() == 4  # LEAFLET_CONFIG's


def test_it_keeps_area_wide_locations_out_of_the_clusters(client, records, grid_mode):
    # At zoom 0 one cell holds all of Britain: sites and areas must still come apart.
    collection = get(client, "zoom=0")
    areas = [f for f in collection["features"] if "precision" in f["properties"]]
    sites = [f for f in collection["features"] if "precision" not in f["properties"]]
    assert sorted((f["properties"]["precision"], f["properties"]["count"]) for f in areas) == [
        ("multi", 1),
        ("national", 1),
    ]
    national = next(f for f in areas if f["properties"]["precision"] == "national")
    assert national["properties"]["country"] == "GB"
    assert national["properties"]["location"] == "United Kingdom"
    site_count = Location.objects.filter(
        deployment__publication="published",
        latitude__isnull=False,
        precision__in=["exact", "approximate", "city"],
    ).count()
    assert sum(f["properties"]["count"] for f in sites) == site_count == 4


def test_it_names_a_group_of_national_locations_by_its_country(client, grid_mode):
    deployment("one", locations=[("UK", "national", point(-2, 54))])
    deployment("two", locations=[("Britain", "national", point(-2, 54))])
    deployment("three", locations=[("London", "exact", point(-0.1, 51.5))])
    (area,) = [f for f in get(client, "zoom=0")["features"] if "precision" in f["properties"]]
    assert area["properties"]["location"] == "United Kingdom"
    assert area["properties"]["count"] == 2


def test_it_keeps_a_grid_until_the_register_changes(client, records, grid_mode):
    first = get(client, "zoom=3")
    with CaptureQueriesContext(connection) as again:
        assert get(client, "zoom=3") == first
    # Kept: neither the probe nor the GROUP BY reads the locations again.
    assert not any("deployments_location" in q["sql"] for q in again.captured_queries)
    deployment("paris", locations=[("Paris", "exact", point(2.35, 48.86))])
    assert get(client, "zoom=3")["total"] == first["total"] + 1


@pytest.mark.parametrize("limit", [mapdata.INDIVIDUAL_LIMIT, 2])
def test_it_runs_the_same_number_of_queries_for_5_or_50_records(
    client, django_assert_num_queries, monkeypatch, limit
):
    monkeypatch.setattr(mapdata, "INDIVIDUAL_LIMIT", limit)
    grow(5, area="national")
    url = f"{URL}?technology=anpr&bbox=-10,40,10,60&zoom=5"
    get(client)  # warm per-process caches
    with CaptureQueriesContext(connection) as small:
        assert len(json.loads(body(client.get(url)))["features"]) >= 2
    grow(45, area="national")
    with django_assert_num_queries(len(small.captured_queries)):
        assert json.loads(body(client.get(url)))["total"] == 100


# Bounded pages -------------------------------------------------------------------------------


def test_it_lists_only_the_first_locations_without_javascript(client, records, monkeypatch):
    monkeypatch.setattr(mapdata, "TABLE_LIMIT", 3)
    html = client.get("/deployments/map/", {"technology": "anpr", "sort": "title"}).content
    html = html.decode()
    table = html.split('id="locations-heading"', 1)[1]
    assert table.count("<tr data-location=") == 3
    # In the list's order (here by title): border, camera, then network's first location.
    assert table.index("Synthetic border") < table.index("Synthetic camera")
    assert table.index("Synthetic camera") < table.index("Synthetic network")
    note = " ".join(table.split('id="map-table-note">', 1)[1].split("</p>", 1)[0].split())
    assert "The first <strong>3</strong> of the <strong>4</strong> mapped locations" in note
    assert 'href="/deployments.csv?technology=anpr&amp;sort=title"' in note
    # The counts are of everything, not of the table.
    summary = " ".join(html.split('id="map-summary">', 1)[1].split("</p>", 1)[0].split())
    assert "<strong>3</strong> with a mapped location" in summary
    assert "4 locations in all" in summary


def test_it_says_nothing_of_a_limit_when_every_location_is_listed(client, records):
    html = client.get("/deployments/map/").content.decode()
    assert 'id="map-table-note"' not in html
    assert 'data-geojson="/deployments/map.geojson?"' in html


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/", 'href="/deployments/map/"'),
        ("/technologies/anpr/", 'href="/deployments/map/?technology=anpr"'),
    ],
)
def test_it_embeds_only_the_first_records_in_a_mini_map(client, records, monkeypatch, url, link):
    monkeypatch.setattr(mapdata, "MINI_MAP_RECORDS", 2)
    response = client.get(url)
    assert response.status_code == 200
    features = response.context["geojson"]
    assert features["records_shown"] == 2
    assert len({f["properties"]["slug"] for f in features["features"]}) == 2
    assert features["records_more"] is True
    html = response.content.decode()
    more = html.split('class="mini-map-more">', 1)[1].split("</span>", 1)[0]
    assert "only the first 2 records with a mapped location" in more
    assert link in more


def test_it_embeds_every_record_in_a_mini_map_when_there_are_few(client, records):
    features = client.get("/").context["geojson"]
    assert features["records_more"] is False
    assert {f["properties"]["slug"] for f in features["features"]} == {
        "camera",
        "van",
        "network",
        "database",
        "border",
    }
    assert 'class="mini-map-more"' not in client.get("/").content.decode()
