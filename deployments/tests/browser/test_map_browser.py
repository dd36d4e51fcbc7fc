"""The map page in a real browser: the same records as the list, "Search this area", popups that
reach the record, keyboard access, no JavaScript, and axe."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from deployments.models import Deployment, Location, Technology

# The live server runs in another thread: records must be committed to be seen there.
pytestmark = pytest.mark.django_db(transaction=True)

READY = "#register-map[data-state=ready]"

# Every mark the map drew, whether or not it is inside a cluster right now.
DRAWN_SLUGS = """() => {
    const drawn = window.registerMap.register;
    return [...drawn.clusters.getLayers(), ...drawn.areas.getLayers()]
        .flatMap((mark) => mark.features || [mark.feature])
        .map((feature) => feature.properties.slug);
}"""


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _record(slug, title, tech, locations=()):
    record = Deployment.objects.create(
        title=title,
        slug=slug,
        summary="Synthetic record for a browser test.",
        publication="published",
    )
    record.technologies.add(tech)
    for name, precision, geometry in locations:
        Location.objects.create(
            deployment=record, name=name, precision=precision, geometry=geometry, country="GB"
        )
    return record


@pytest.fixture
def records():
    anpr = Technology.objects.create(name="Synthetic ANPR", slug="anpr", description="Synthetic.")
    face = Technology.objects.create(name="Synthetic face", slug="face", description="Synthetic.")
    uk = [[[-6.0, 50.0], [2.0, 50.0], [2.0, 58.0], [-6.0, 58.0], [-6.0, 50.0]]]
    _record("london", "Synthetic London cameras", anpr, [("London", "exact", point(-0.13, 51.51))])
    _record(
        "manchester",
        "Synthetic Manchester network",
        anpr,
        [("Greater Manchester", "city", point(-2.24, 53.48))],
    )
    _record(
        "national",
        "Synthetic national database",
        anpr,
        [("United Kingdom", "national", {"type": "Polygon", "coordinates": uk})],
    )
    _record("unlocated", "Synthetic unlocated scheme", anpr)
    _record(
        "cardiff",
        "Synthetic Cardiff vans",
        face,
        [("Near Cardiff", "approximate", point(-3.18, 51.48))],
    )
    _record("paris", "Synthetic Paris pilot", face, [("Paris", "exact", point(2.35, 48.86))])


def result_count(page: Page) -> int:
    return int(page.locator(".result-count strong").inner_text())


def drawn_count(page: Page) -> int:
    """Locations visibly drawn: each cluster counts its members, every other mark counts one."""
    marks = page.locator(".leaflet-marker-pane .leaflet-marker-icon")
    clusters = page.locator(".leaflet-marker-pane .map-cluster-count")
    in_clusters = sum(int(text) for text in clusters.all_inner_texts())
    return marks.count() - clusters.count() + in_clusters


def test_it_shows_the_same_records_on_the_map_as_on_the_list(page: Page, records):
    page.goto("/deployments/")
    page.get_by_label("Synthetic ANPR").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"technology=anpr"))
    listed = set(
        page.locator(".deployment-card h3 a").evaluate_all(
            "(links) => links.map((a) => a.pathname.split('/')[2])"
        )
    )
    assert listed == {"london", "manchester", "national", "unlocated"}
    assert result_count(page) == 4

    page.get_by_role("navigation", name="Views of these results").get_by_role(
        "link", name="Map"
    ).click()
    page.wait_for_selector(READY)
    assert "technology=anpr" in page.url
    assert result_count(page) == 4
    drawn = page.evaluate(DRAWN_SLUGS)
    assert sorted(drawn) == sorted(listed - {"unlocated"})
    assert drawn_count(page) == len(drawn) == 3
    summary = " ".join(page.locator("#map-summary").inner_text().split())
    assert "4 records, 3 with a mapped location; 1 has no mapped location" in summary
    expect(page.locator("#map-status")).to_have_text("On the map: 3 locations of 3 records.")


def test_it_narrows_the_list_to_the_area_searched(page: Page, records):
    page.goto("/deployments/map/")
    page.wait_for_selector(READY)
    assert result_count(page) == 6
    page.evaluate("registerMap.fitBounds([[51.3, -0.6], [51.7, 0.4]], {animate: false})")
    page.get_by_role("button", name="Search this area").click()
    page.wait_for_url(re.compile(r"bbox="))
    page.wait_for_selector(READY)

    bbox = parse_qs(urlparse(page.url).query)["bbox"][0].split(",")
    assert len(bbox) == 4 and all(re.fullmatch(r"-?\d+(\.\d{1,4})?", v) for v in bbox)
    west, south, east, north = map(float, bbox)
    assert west < -0.13 < east and south < 51.51 < north
    assert result_count(page) == 1
    assert page.evaluate(DRAWN_SLUGS) == ["london"]
    # The map keeps the area searched rather than zooming to the one record.
    view = page.evaluate("registerMap.getBounds().toBBoxString()").split(",")
    assert float(view[0]) <= west + 0.01 and float(view[2]) >= east - 0.01

    page.get_by_role("navigation", name="Views of these results").get_by_role(
        "link", name="List"
    ).click()
    assert "bbox=" in page.url
    assert result_count(page) == 1
    expect(page.locator(".deployment-card h3 a")).to_have_text(["Synthetic London cameras"])


def test_it_opens_a_popup_that_links_to_the_record(page: Page, records):
    page.goto("/deployments/map/?technology=face")
    page.wait_for_selector(READY)
    # The map's compact data does not name a site: the mark is the record and its precision.
    page.locator("#register-map").get_by_role(
        "button", name="Synthetic Paris pilot (Exact site)"
    ).click()
    link = page.locator(".leaflet-popup-content").get_by_role("link", name="Synthetic Paris pilot")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/deployments/paris/$"))
    expect(page.locator("h1")).to_have_text("Synthetic Paris pilot")


def test_it_reaches_marks_and_records_by_keyboard(page: Page, records):
    page.goto("/deployments/map/?technology=face")
    page.wait_for_selector(READY)
    # An approximate location is a circle, not a pin, but still a focusable mark.
    mark = page.locator("#register-map").get_by_role(
        "button", name="Synthetic Cardiff vans (Approximate)"
    )
    assert "map-mark--approximate" in mark.get_attribute("class")
    mark.focus()
    page.keyboard.press("Enter")
    # The place's name comes from the record's JSON once the popup is open.
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Near Cardiff · Approximate")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Synthetic face")

    # The table's "Show on map" opens the popup and moves focus to the record's link.
    page.get_by_role(
        "button", name="Show Synthetic Paris pilot: Paris (Exact site) on the map"
    ).click()
    focused = page.locator(".leaflet-popup-content a:focus")
    expect(focused).to_have_text("Synthetic Paris pilot")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/deployments/paris/$"))


def test_it_draws_imprecise_locations_as_areas_not_pins(page: Page, records):
    page.goto("/deployments/map/")
    page.wait_for_selector(READY)
    pins = page.locator(".leaflet-marker-pane img.leaflet-marker-icon")
    titles = pins.evaluate_all("(imgs) => imgs.map((img) => img.title)")
    assert all("(Exact site)" in title for title in titles)
    expect(page.locator("#register-map .map-mark--city")).to_have_count(1)
    # The national record is drawn as its country's bundled outline, labelled with its name
    # and number of records.
    label = page.locator("#register-map .map-mark--national .map-mark-label")
    expect(label).to_have_text("United Kingdom · 1 record")
    expect(page.locator(".leaflet-overlay-pane path.map-area--national")).to_have_count(1)


def test_it_lists_the_locations_without_javascript(js_disabled_page: Page, records):
    page = js_disabled_page
    page.goto("/deployments/map/?technology=anpr")
    expect(page.locator("#map-frame")).to_be_hidden()
    table = page.locator(".map-locations table")
    expect(table).to_be_visible()
    expect(table.locator("tbody th a")).to_have_text(
        ["Synthetic London cameras", "Synthetic Manchester network", "Synthetic national database"]
    )
    page.get_by_label("Synthetic ANPR").uncheck()
    page.get_by_role("button", name="Apply filters").click()
    expect(table.locator("tbody th a")).to_have_count(5)


def test_it_has_no_serious_accessibility_violations(page: Page, records, axe):
    page.goto("/deployments/map/")
    page.wait_for_selector(READY)
    assert axe(page) == []
    page.get_by_role(
        "button", name="Show Synthetic London cameras: London (Exact site) on the map"
    ).click()
    expect(page.locator(".leaflet-popup-content")).to_be_visible()
    assert axe(page) == []
