"""The explore map past its threshold, in a real browser: the server counts locations on a grid
(mapdata.py) and the map draws those counts, asks again for the area in view after a move, and
zooms in when a count is selected. The threshold is lowered so a few records are enough.
"""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from deployments.explore import mapdata
from deployments.models import Deployment, Location, Technology

pytestmark = pytest.mark.django_db(transaction=True)

DRAWN = "#register-map[data-first-drawn-ms]"
READY = "#register-map[data-state=ready]"
IN_VIEW = "#register-map[data-state=ready][data-scope=view]"

# What the map holds now: the count of each grid mark and each area group.
COUNTS = """() => {
    const drawn = window.registerMap.register;
    const count = (mark) => mark.feature.properties.count;
    return {
        clusters: drawn.clusters.getLayers().map(count),
        areas: drawn.areas.getLayers().map((mark) => mark.feature.properties),
    };
}"""


@pytest.fixture
def many(monkeypatch):
    """40 sites across Europe, a national and a several-country location: past a threshold of 10."""
    monkeypatch.setattr(mapdata, "INDIVIDUAL_LIMIT", 10)
    technology = Technology.objects.create(
        name="Synthetic ANPR", slug="anpr", description="Synthetic."
    )
    places = [(-9 + (i % 10) * 3.7, 38 + (i // 10) * 5.1) for i in range(40)]
    places.append((-2.0, 54.0))
    places.append((10.0, 50.0))
    for i, (lon, lat) in enumerate(places):
        precision = "exact" if i < 40 else ("national" if i == 40 else "multi")
        record = Deployment.objects.create(
            title=f"Synthetic record {i}",
            slug=f"synthetic-record-{i}",
            summary="Synthetic record for a browser test.",
            publication="published",
        )
        record.technologies.add(technology)
        Location.objects.create(
            deployment=record,
            name="United Kingdom" if precision == "national" else "Schengen area",
            precision=precision,
            country="GB" if precision == "national" else "",
            geometry={"type": "Point", "coordinates": [lon, lat]},
        )


def test_it_draws_the_servers_clusters_past_the_threshold(page: Page, many):
    started = time.perf_counter()
    page.goto("/deployments/map/")
    page.wait_for_selector(DRAWN)
    waited = (time.perf_counter() - started) * 1000
    in_page = float(page.locator("#register-map").get_attribute("data-first-drawn-ms"))
    print(f"map first cluster: {in_page:.0f} ms after navigation (test saw it at {waited:.0f} ms)")

    page.wait_for_selector(READY)
    expect(page.locator("#register-map")).to_have_attribute("data-mode", "grid")
    total = int(page.locator("#register-map").get_attribute("data-total"))
    assert total == 42
    drawn = page.evaluate(COUNTS)
    assert sum(drawn["clusters"]) + sum(a["count"] for a in drawn["areas"]) == total
    # Area-wide locations are areas with their names, never counted into a cluster of sites.
    assert sum(drawn["clusters"]) == 40
    assert sorted(a["precision"] for a in drawn["areas"]) == ["multi", "national"]
    expect(page.locator("#register-map .map-mark--national .map-mark-label")).to_have_text(
        "United Kingdom · 1"
    )
    expect(page.locator("#register-map .map-cluster").first).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("counted by area")


def test_it_zooms_in_on_a_cluster_and_asks_again_for_the_view(page: Page, many):
    page.goto("/deployments/map/")
    page.wait_for_selector(DRAWN)
    # The first answer is for the whole world; once the map has fitted it, it asks again for
    # the counts in view at the new zoom.
    page.wait_for_selector(IN_VIEW)
    zoom = page.evaluate("registerMap.getZoom()")
    # Each count is a button named by its number, reachable and usable by keyboard.
    cluster = page.locator("#register-map").get_by_role(
        "button", name=re.compile(r"^\d+ locations close together: zoom in$")
    )
    biggest = max(
        cluster.all(),
        key=lambda c: int(c.get_attribute("title").split()[0]),
    )
    with page.expect_response(re.compile(r"/deployments/map\.geojson\?.*view=")) as answer:
        biggest.focus()
        page.keyboard.press("Enter")
    assert answer.value.ok
    assert f"zoom={zoom}" not in answer.value.url
    page.wait_for_selector(IN_VIEW)
    assert page.evaluate("registerMap.getZoom()") > zoom


def test_it_has_no_serious_accessibility_violations_on_a_grid(page: Page, many, axe):
    page.goto("/deployments/map/")
    page.wait_for_selector(DRAWN)
    page.wait_for_selector(READY)
    assert axe(page, "#map-frame") == []
