"""The map page (/deployments/map/) and the mini map include, without a browser.

The map draws what /deployments/map.geojson returns for the same query (test_map_data.py);
these tests pin what the server sends: the filter form, the legend, the data's address, the
no-JavaScript table of the same locations, the counts, the 400 on a bad bbox and a constant
number of queries.
"""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext, override_settings

from deployments.models import Deployment, Location, Technology
from deployments.opendata import geojson

pytestmark = pytest.mark.django_db

MAP = "/deployments/map/"
PAGE_BUDGET = 300 * 1024  # HTML + CSS + JS on first load, gzip-compressed (issue 3)


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def square(lon: float, lat: float, size: float = 1.0) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def technology(slug: str) -> Technology:
    return Technology.objects.get_or_create(
        slug=slug, defaults={"name": f"Synthetic {slug}", "description": "Synthetic."}
    )[0]


def deployment(slug: str, *, tech: str = "anpr", locations=(), **fields) -> Deployment:
    record = Deployment.objects.create(
        title=f"Synthetic {slug}",
        slug=slug,
        summary="Synthetic record for a test.",
        publication=fields.pop("publication", "published"),
        **fields,
    )
    record.technologies.add(technology(tech))
    for name, precision, geometry in locations:
        Location.objects.create(
            deployment=record,
            name=name,
            precision=precision,
            geometry=geometry,
            country="" if precision == "multi" else "GB",
        )
    return record


def make_records() -> dict:
    """One record per precision, one without a location, one draft that must never show."""
    return {
        "camera": deployment("camera", locations=[("London", "exact", point(-0.13, 51.51))]),
        "van": deployment(
            "van", tech="face", locations=[("Near Cardiff", "approximate", point(-3.18, 51.48))]
        ),
        "network": deployment(
            "network",
            locations=[
                ("Manchester", "city", point(-2.24, 53.48)),
                ("Leeds", "city", square(-1.6, 53.75, 0.2)),
            ],
        ),
        "database": deployment(
            "database", tech="face", locations=[("United Kingdom", "national", square(-6, 50, 8))]
        ),
        "border": deployment("border", locations=[("Schengen area", "multi", point(10.0, 50.0))]),
        "unlocated": deployment("unlocated"),
        "draft": deployment(
            "draft", publication="draft", locations=[("London", "exact", point(-0.12, 51.5))]
        ),
    }


@pytest.fixture
def records():
    return make_records()


def located_slugs(html: str) -> list[str]:
    """Record slugs linked from the no-JavaScript table of locations, in order."""
    table = html.split('id="locations-heading"', 1)[1]
    return re.findall(r'<th scope="rowgroup"[^>]*><a href="/deployments/([^/]+)/"', table)


def listed_slugs(client, query: str) -> set[str]:
    response = client.get(f"/deployments/{query}")
    assert response.status_code == 200
    return {d.slug for d in response.context["page"].object_list}


def test_it_renders_the_map_page_with_the_filter_form_and_the_legend(client, records):
    response = client.get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="filters"' in html and 'name="technology"' in html
    assert 'id="register-map"' in html and 'role="region"' in html
    key = html.split('id="map-key-heading"', 1)[1].split("</section>", 1)[0]
    for _value, label in Location.Precision.choices:
        assert f"<strong>{label}</strong>" in key
    assert "<noscript>" in html
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js" in html
    assert 'data-image-path="/static/leaflet/images/"' in html


def test_it_keeps_the_scripts_precision_labels_in_step_with_the_model():
    script = Path(finders.find("deployments/map.js")).read_text()
    for value, label in Location.Precision.choices:
        assert f'{value}: "{label}"' in script


def test_it_fetches_the_geojson_with_the_same_query(client, records):
    # (A page number means nothing to a map: it is refused, core/tests/test_page_does_not_apply.)
    response = client.get(MAP, {"technology": "anpr", "status": "unknown"})
    html = response.content.decode()
    assert 'data-geojson="/deployments/map.geojson?technology=anpr&amp;status=unknown"' in html
    assert 'data-list-url="/deployments/?technology=anpr&amp;status=unknown"' in html


def test_it_lists_without_javascript_the_same_records_as_the_list(client, records):
    query = "?technology=anpr"
    html = client.get(MAP + query).content.decode()
    located = located_slugs(html)
    assert sorted(located) == ["border", "camera", "network"]
    assert set(located) == listed_slugs(client, query) - {"unlocated"}
    assert "Synthetic draft" not in html
    # Each location once, with its precision in words.
    table = html.split('id="locations-heading"', 1)[1]
    assert table.count("<tr data-location=") == 4
    assert "City or region" in table and "Several countries" in table


def test_it_says_how_many_records_have_a_mapped_location(client, records):
    html = client.get(MAP, {"technology": "anpr"}).content.decode()
    summary = " ".join(html.split('id="map-summary">', 1)[1].split("</p>", 1)[0].split())
    assert "<strong>4</strong> records, <strong>3</strong> with a mapped location" in summary
    assert "<strong>1</strong> has no mapped location" in summary
    assert "4 locations in all" in summary


def test_it_agrees_with_the_geojson_on_what_is_mapped(client, records):
    query = {"technology": "face"}
    html = client.get(MAP, query).content.decode()
    response = client.get("/deployments.geojson", query)
    assert response.status_code == 200
    # Streamed or not: the export's own business.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    geojson = json.loads(body)
    features = geojson["features"]
    assert sorted(located_slugs(html)) == sorted({f["properties"]["slug"] for f in features})
    rows = re.findall(r'<tr data-location="(\d+)">', html)
    assert sorted(rows) == sorted(str(f["id"]) for f in features)
    assert {f["properties"]["precision"] for f in features} == {"approximate", "national"}


def test_it_narrows_to_a_bbox_and_fits_the_map_to_it(client, records):
    response = client.get(MAP, {"bbox": "-4,51,-3,52"})
    assert response.status_code == 200
    html = response.content.decode()
    assert located_slugs(html) == ["van"]
    assert 'data-bbox="-4,51,-3,52"' in html
    # The filter form keeps the area when other filters change.
    assert '<input type="hidden" name="bbox" value="-4,51,-3,52">' in html


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "0,60,10,50", "-200,0,0,10", "0,-95,10,0", "nan,0,1,1"]
)
def test_it_answers_400_to_a_bad_bbox(client, records, bbox):
    response = client.get(MAP, {"bbox": bbox})
    assert response.status_code == 400
    assert "<code>bbox</code>" in response.content.decode()


def test_it_draws_on_a_plain_background_when_no_tiles_are_configured(client, records):
    with override_settings(LEAFLET_CONFIG={"TILES": []}):
        html = client.get(MAP).content.decode()
    assert 'id="map-tiles" type="application/json">[]</script>' in html
    assert "No background map is configured" in html


def test_it_passes_the_configured_tiles_to_the_map(client, records):
    tiles = [("Map", "https://tiles.example.org/{z}/{x}/{y}.png", {"attribution": "Synthetic"})]
    with override_settings(LEAFLET_CONFIG={"TILES": tiles}):
        html = client.get(MAP).content.decode()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
    assert "No background map is configured" not in html


def test_it_says_so_when_no_record_has_a_location(client, records):
    html = client.get(MAP, {"q": "unlocated"}).content.decode()
    assert "None of these records has a mapped location" in html


def grow(n: int, area: str = "city") -> None:
    """n more records, each with a point and an area of this precision."""
    start = Deployment.objects.count()
    for i in range(start, start + n):
        deployment(
            f"grown-{i}",
            locations=[
                (f"Synthetic site {i}", "exact", point(-2 + i / 100, 52)),
                (f"Synthetic {area} {i}", area, square(-1, 52, 0.1)),
            ],
        )


def test_it_runs_the_same_number_of_queries_for_5_or_50_records(client, django_assert_num_queries):
    grow(5)
    url = MAP + "?technology=anpr&bbox=-10,40,10,60"
    assert client.get(url).status_code == 200  # warm per-process caches (content types)
    cache.clear()  # both measured requests count cold: cached facets would hide a growing query
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert len(located_slugs(response.content.decode())) == 5
    grow(45)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(located_slugs(response.content.decode())) == 50


def test_it_keeps_the_map_page_under_its_weight_budget(client, records):
    """First load: the page and every stylesheet and script it links, gzip-compressed."""
    html = client.get(MAP).content
    assets = re.findall(rb'(?:src|href)="/static/([^"]+\.(?:js|css))"', html)
    assert any(a.endswith(b"leaflet.js") for a in assets)
    sizes = {"page": len(gzip.compress(html))}
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, f"{asset} is linked but not found"
        sizes[asset.decode()] = len(gzip.compress(Path(path).read_bytes()))
    total = sum(sizes.values())
    print(f"map page, gzip: {total / 1024:.1f} KB", sizes)
    assert total < PAGE_BUDGET


def test_it_renders_the_mini_map_from_a_feature_collection(records):
    features = geojson.geojson(Deployment.objects.filter(slug="network"))
    html = render_to_string(
        "deployments/includes/_mini_map.html",
        {"features": features, "map_id": "record-map", "link": True},
    )
    assert '<figure class="mini-map-figure" hidden>' in html  # shown by map.js only
    assert 'id="record-map"' in html and 'data-features="record-map-features"' in html
    assert 'data-link="true"' in html
    assert '<script id="record-map-features" type="application/json">' in html
    assert html.count("/static/deployments/map.js") == 1
    again = render_to_string(
        "deployments/includes/_mini_map.html",
        {"features": features, "map_id": "second-map", "skip_assets": True},
    )
    assert "map.js" not in again and "leaflet.js" not in again
    assert 'data-link="false"' in again


def test_it_renders_no_mini_map_without_features(records):
    features = geojson.geojson(Deployment.objects.filter(slug="unlocated"))
    html = render_to_string("deployments/includes/_mini_map.html", {"features": features})
    assert html.strip() == ""
