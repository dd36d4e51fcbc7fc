"""Places drawn as country outlines (outlines.py): a national location as its country, several
countries as each of them, a place with only a country as that country (imprecise), and
"throughout Europe" as Europe (imprecise); in the map's data, its table and its grid."""

import json

import pytest

from deployments.explore import mapdata, outlines
from deployments.models import Location
from deployments.seed import load_seed_register
from deployments.tests.synthetic import body

from .test_map import MAP, deployment, located_slugs, point

pytestmark = pytest.mark.django_db

URL = "/deployments/map.geojson"


@pytest.mark.parametrize(
    "precision, country, countries, name, has_point, expected",
    [
        ("national", "GB", "", "Across the UK", False, (["826"], False, "")),
        ("national", "GB", "", "United Kingdom", True, (["826"], False, "")),
        ("multi", "", "DE,FR", "France and Germany", False, (["276", "250"], False, "")),
        ("city", "GB", "", "City of London Police's ANPR cameras", False, (["826"], True, "")),
        ("city", "GB", "", "Manchester", True, ([], False, "")),
        ("exact", "GB", "", "A street", True, ([], False, "")),
        (
            "multi",
            "",
            "",
            "Throughout Europe",
            False,
            (outlines._numeric(outlines.EUROPE), True, "Europe"),
        ),
        # Drawn at its point, as before; a name alone is not a place to draw.
        ("multi", "", "", "Throughout Europe", True, ([], False, "")),
        ("multi", "", "", "Schengen area", False, ([], False, "")),
        # Kosovo has no ISO numeric code, so no outline: nothing to draw.
        ("national", "XK", "", "Kosovo", False, ([], False, "")),
    ],
)
def test_it_picks_the_outlines_of_a_place(precision, country, countries, name, has_point, expected):
    assert outlines.areas(precision, country, countries, name, has_point) == expected


def test_it_counts_europe_as_the_un_m49_region():
    assert len(outlines.EUROPE) == len(set(outlines.EUROPE)) == 51
    assert {"GB", "FR", "RU", "UA", "IS"} <= set(outlines.EUROPE)
    assert not {"TR", "CY", "GE"} & set(outlines.EUROPE)  # Western Asia in M49


def features_by_slug(client, query: str = "") -> dict[str, dict]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return {f["properties"]["slug"]: f for f in json.loads(body(response))["features"]}


def test_it_sends_every_seed_record_with_a_place(client):
    load_seed_register()
    features = features_by_slug(client)
    assert sorted(features) == [
        "city-of-london-police-anpr-operation",
        "home-office-anpr-trial-europe",
        "home-office-smartwatches-foreign-national-offenders",
        "national-anpr-data-centre",
        "national-anpr-service",
    ]
    assert all(f["geometry"] is None for f in features.values())
    national = features["national-anpr-service"]["properties"]
    assert national["areas"] == ["826"] and "wider" not in national
    city = features["city-of-london-police-anpr-operation"]["properties"]
    assert city == {
        "slug": "city-of-london-police-anpr-operation",
        "precision": "city",
        "title": "City of London Police ANPR operation",
        "location": "City of London Police's ANPR cameras",
        "areas": ["826"],
        "wider": True,
    }
    europe = features["home-office-anpr-trial-europe"]
    assert europe["properties"]["region"] == "Europe" and europe["properties"]["wider"]
    assert europe["bbox"] == outlines.REGION_VIEWS["Europe"]
    assert "826" in europe["properties"]["areas"]


def test_it_lists_every_drawn_seed_record_without_javascript(client):
    load_seed_register()
    html = client.get(MAP).content.decode()
    assert len(located_slugs(html)) == 5
    assert "Somewhere in Europe (imprecise: no country is named)" in html
    assert "Somewhere in United Kingdom (imprecise: no area is recorded)" in html
    assert "<strong>5</strong> with a mapped location" in html
    assert 'data-outlines="/static/vendor/world-atlas-2.0.2/countries-110m.json"' in html


def test_it_keeps_places_with_no_point_whatever_the_view(client):
    deployment("national", locations=[("Across the UK", "national", None)])
    deployment("paris", locations=[("Paris", "exact", point(2.35, 48.86))])
    assert sorted(features_by_slug(client, "view=100,0,110,10")) == ["national"]


def test_it_counts_places_with_no_point_by_country_on_a_grid(client, monkeypatch):
    monkeypatch.setattr(mapdata, "INDIVIDUAL_LIMIT", 1)
    deployment("one", locations=[("Across the UK", "national", None)])
    deployment("two", locations=[("UK-wide", "national", None)])
    deployment("three", locations=[("Some city", "city", None)])
    deployment("four", locations=[("London", "exact", point(-0.1, 51.5))])
    response = client.get(f"{URL}?zoom=3")
    collection = json.loads(body(response))
    assert collection["mode"] == "grid" and collection["total"] == 4
    outlined = sorted(
        (
            f["properties"]["precision"],
            f["properties"]["count"],
            f["properties"].get("wider", False),
        )
        for f in collection["features"]
        if f["geometry"] is None
    )
    assert outlined == [("city", 1, True), ("national", 2, False)]
    assert all(
        f["properties"]["areas"] == ["826"] for f in collection["features"] if not f["geometry"]
    )


def test_it_leaves_a_location_with_no_place_off_the_map(client):
    deployment("nowhere", locations=[("Schengen area", "multi", None)])
    assert features_by_slug(client) == {}
    assert not Location.objects.filter(outlines.placed()).exists()
