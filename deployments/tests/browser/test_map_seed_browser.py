"""The map of the seed register in Chromium: every record with a place is drawn over the
bundled country outlines, with no tile server, and a screenshot shows it.

The screenshot is written to test-artifacts/ (ignored by git) and its path printed
(`pytest -s`), so a reader can see what the count means.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from deployments.models import Deployment
from deployments.seed import load_seed_register

pytestmark = pytest.mark.django_db(transaction=True)

READY = "#register-map[data-state=ready]"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

# Every record drawn, by a mark of its own or by its area's (map.js draw()).
DRAWN_SLUGS = """() => [...window.registerMap.register.features.values()]
    .map((feature) => feature.properties.slug)"""


@pytest.fixture
def seed():
    load_seed_register()


def test_it_draws_every_seed_record_that_has_a_place(page: Page, seed):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/deployments/map/")
    page.wait_for_selector(READY)
    map_box = page.locator("#register-map")

    placed = set(Deployment.objects.filter(locations__isnull=False).values_list("slug", flat=True))
    drawn = page.evaluate(DRAWN_SLUGS)
    assert sorted(drawn) == sorted(placed)
    assert map_box.get_attribute("data-drawn") == map_box.get_attribute("data-features")
    # The one seed record with no location: its source says nowhere where it is used.
    assert set(Deployment.objects.values_list("slug", flat=True)) - placed == {
        "proc764-migrant-tracker"
    }

    # The UK-wide records and City of London's cameras are drawn as the United Kingdom, the
    # trial "throughout Europe" as Europe, marked imprecise; nothing is a pin.
    labels = map_box.locator(".map-mark-label").all_inner_texts()
    assert sorted(labels) == [
        "Somewhere in Europe · 1 record",
        "United Kingdom · 4 records (3 national)",
    ]
    expect(map_box.locator("img.leaflet-marker-icon")).to_have_count(0)
    expect(map_box.locator("path.map-area--national.map-shade-2")).to_have_count(1)
    # Europe is one shape, its countries' outlines merged (Russia apart, being cut at the
    # antimeridian); the background is every country.
    expect(map_box.locator("path.map-area--wider")).to_have_count(2)
    assert map_box.locator("path.map-land").count() > 150

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "map-seed-register.png"
    map_box.screenshot(path=str(shot), animations="disabled")
    print(f"\nmap of the seed register: {len(drawn)} of {len(placed)} records drawn; {shot}")

    map_box.get_by_role("button", name="United Kingdom · 4 records (3 national)").focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link")).to_have_count(4)
    expect(popup).to_contain_text("its own area is not recorded, so its country is drawn")
    page.screenshot(path=str(ARTIFACTS / "map-seed-register-popup.png"), animations="disabled")


def test_it_lists_every_drawn_seed_record_without_javascript(js_disabled_page: Page, seed):
    page = js_disabled_page
    page.goto("/deployments/map/")
    rows = page.locator(".map-locations tbody tr")
    expect(rows).to_have_count(5)
    table = page.locator(".map-locations table")
    expect(table).to_contain_text("Somewhere in Europe (imprecise: no country is named)")
    expect(table).to_contain_text("Somewhere in United Kingdom (imprecise: no area is recorded)")


def test_it_shows_a_place_with_no_point_from_the_table(page: Page, seed, axe):
    page.goto("/deployments/map/")
    page.wait_for_selector(READY)
    page.get_by_role(
        "button",
        name="Show City of London Police ANPR operation: City of London Police's ANPR cameras "
        "(City or region) on the map",
    ).click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("United Kingdom · 4 records (3 national)")
    expect(page.locator(".leaflet-popup-content a:focus")).to_have_count(1)
    assert axe(page) == []


def test_it_fits_a_phone_without_scrolling_sideways(page: Page, seed):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/deployments/map/")
    page.wait_for_selector(READY)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#register-map .map-mark-label")).to_have_count(2)
