"""The mini maps (minimap.py, includes/_mini_map.html) of the seed register: each record page
gets its places drawn as the explore map draws them (a national location as its country, a
place known only by its country as that country, marked imprecise, "throughout Europe" as
Europe), with the key's entries for what is drawn; a record with no place gets no map and says
so, and loads no map code or outlines."""

import json

import pytest

from deployments.explore import minimap, outlines
from deployments.models import Deployment, Location
from deployments.seed import load_seed_register
from deployments.tests.synthetic import body

from .test_map import deployment, point, square

pytestmark = pytest.mark.django_db

OUTLINES = "/static/vendor/world-atlas-2.0.2/countries-110m.json"
UK = ["826"]
EUROPE = outlines._numeric(outlines.EUROPE)

# What each seed record's page embeds for its map: (precision, areas, wider, region) per
# location, and the key's entries. From the seed's own locations (seed/register.py): none of
# them has a point, so every one is drawn as outlines or not at all.
SEED_MAPS = {
    "home-office-anpr-trial-europe": ([("multi", EUROPE, True, "Europe")], ["wider"]),
    "national-anpr-service": ([("national", UK, False, None)], ["national", "shades"]),
    "national-anpr-data-centre": ([("national", UK, False, None)], ["national", "shades"]),
    "city-of-london-police-anpr-operation": ([("city", UK, True, None)], ["wider"]),
    "home-office-smartwatches-foreign-national-offenders": (
        [("national", UK, False, None)],
        ["national", "shades"],
    ),
}


@pytest.fixture
def seed():
    load_seed_register()


def embedded(html: str, map_id: str = "record-map") -> dict:
    start = f'<script id="{map_id}-features" type="application/json">'
    return json.loads(html.split(start, 1)[1].split("</script>", 1)[0])


@pytest.mark.parametrize("slug", sorted(SEED_MAPS))
def test_it_draws_each_seed_records_place_as_the_explore_map_does(client, seed, slug):
    expected, legend = SEED_MAPS[slug]
    response = client.get(f"/deployments/{slug}/")
    assert response.status_code == 200
    features = response.context["geojson"]
    drawn = [
        (
            f["properties"]["precision"],
            f["properties"]["areas"],
            f["properties"].get("wider", False),
            f["properties"].get("region"),
        )
        for f in features["features"]
    ]
    assert drawn == expected
    assert all(f["geometry"] is None for f in features["features"])
    assert features["legend"] == legend
    assert features["unmapped"] == []
    # What the page embeds is that collection, and the page loads what draws it.
    html = response.content.decode()
    assert embedded(html) == json.loads(json.dumps(features))
    assert f'data-outlines="{OUTLINES}"' in html
    assert "/static/vendor/topojson-client-3.1.0/topojson-client.min.js" in html

    # The same areas, marks and view as /deployments/map.geojson gives the same location.
    answer = json.loads(body(client.get("/deployments/map.geojson")))
    by_id = {f["id"]: f for f in answer["features"]}
    keys = ("areas", "wider", "region", "location", "precision", "slug", "title")
    for feature in features["features"]:
        explore = by_id[feature["id"]]
        assert {k: feature["properties"].get(k) for k in keys} == {
            k: explore["properties"].get(k) for k in keys
        }
        assert feature.get("bbox") == explore.get("bbox")


def test_it_gives_europe_its_view_and_says_it_is_imprecise(client, seed):
    response = client.get("/deployments/home-office-anpr-trial-europe/")
    (feature,) = response.context["geojson"]["features"]
    assert feature["bbox"] == outlines.REGION_VIEWS["Europe"]
    html = response.content.decode()
    key = html.split('<figcaption class="mini-map-key">', 1)[1].split("</figcaption>", 1)[0]
    assert "<strong>Somewhere in</strong>" in key
    assert "<strong>Exact site</strong>" not in key  # only what this map draws
    assert "map-shades" not in key


def test_it_keys_a_national_record_with_the_explore_maps_words(client, seed):
    html = client.get("/deployments/national-anpr-service/").content.decode()
    key = html.split('<figcaption class="mini-map-key">', 1)[1].split("</figcaption>", 1)[0]
    explore = client.get("/deployments/map/").content.decode()
    national = "<strong>National</strong>: across a country, drawn as its outline"
    assert national in key and national in explore
    assert 'id="record-map-shade-heading"' in key
    assert "<strong>Somewhere in</strong>" not in key


def test_it_gives_a_record_with_no_place_no_map_and_says_so(client, seed):
    # Its source names nowhere it is used (seed/register.py): nothing is made up for it.
    record = Deployment.objects.get(slug="proc764-migrant-tracker")
    assert not record.locations.exists()
    response = client.get(record.get_absolute_url())
    assert response.context["geojson"]["features"] == []
    html = response.content.decode()
    where = html.split('id="locations-heading"', 1)[1].split("</section>", 1)[0]
    assert "No location is recorded." in where
    assert "mini-map" not in html
    assert "countries-110m.json" not in html
    assert "leaflet.js" not in html and "map.js" not in html


def test_it_says_where_a_seed_record_is_in_text(client, seed):
    """Without JavaScript the figure stays hidden; the page says where in words."""
    html = client.get("/deployments/city-of-london-police-anpr-operation/").content.decode()
    where = html.split('id="locations-heading"', 1)[1].split("</section>", 1)[0]
    assert "City of London Police's ANPR cameras" in where
    assert '<a href="/countries/GB/">United Kingdom</a>' in where
    assert "City or region" in where
    assert '<figure class="mini-map-figure" hidden>' in where


def test_it_draws_the_seed_records_of_a_country_as_their_country(client, seed):
    response = client.get("/countries/GB/")
    features = response.context["geojson"]["features"]
    assert sorted(f["properties"]["slug"] for f in features) == [
        "city-of-london-police-anpr-operation",
        "home-office-smartwatches-foreign-national-offenders",
        "national-anpr-data-centre",
        "national-anpr-service",
    ]
    assert {tuple(f["properties"]["areas"]) for f in features} == {tuple(UK)}
    assert response.context["geojson"]["legend"] == ["national", "wider", "shades"]
    home = client.get("/").context["geojson"]
    assert home["records_shown"] == 5 and home["records_more"] is False


def test_it_draws_a_site_by_its_geometry_and_names_a_place_it_cannot_draw(client):
    record = deployment(
        "mixed",
        locations=[
            ("A depot", "exact", point(-0.1, 51.5)),
            ("Leeds", "city", square(-1.6, 53.75, 0.2)),
        ],
    )
    Location.objects.create(deployment=record, name="Somewhere unnamed", precision="city")
    features = client.get("/deployments/mixed/").context["geojson"]
    assert [f["geometry"]["type"] for f in features["features"]] == ["Point", "Polygon"]
    assert not any("areas" in f["properties"] for f in features["features"])
    assert features["legend"] == ["exact", "city", "cluster"]
    assert features["unmapped"] == ["Somewhere unnamed"]
    html = client.get("/deployments/mixed/").content.decode()
    assert "Not on the map" in html and "Somewhere unnamed" in html


def test_it_reads_a_record_page_map_from_rows_already_read(seed, django_assert_num_queries):
    record = (
        Deployment.objects.filter(slug="national-anpr-service")
        .prefetch_related("technologies", "locations")
        .get()
    )
    with django_assert_num_queries(0):
        features = minimap.record_features(record, record.locations.all())
    names = list(record.technologies.order_by("name").values_list("name", flat=True))
    assert features["features"][0]["properties"]["technologies"] == names
