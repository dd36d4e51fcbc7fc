"""The record pages' small maps of the seed register in Chromium: a UK-wide record is drawn as
the United Kingdom's outline, City of London's cameras as the area they could be anywhere in
(their country, marked imprecise), under the strict Content-Security-Policy, axe-clean; a
record with no place has no map, and without JavaScript the page says where in words.

Screenshots go to test-artifacts/ (ignored by git), their paths printed (`pytest -s`).
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from deployments.seed import load_seed_register

from .test_csp_browser import watched  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
READY = "#record-map[data-state=ready]"
# Areas drawn for records (map.js outlineArea), apart from the background's countries.
AREAS = "#record-map .leaflet-overlay-pane path.map-area"


@pytest.fixture
def seed():
    load_seed_register()


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"mini-map-{name}.png"
    page.locator(".mini-map-figure").screenshot(path=str(shot), animations="disabled")
    print(f"\nmini map of {name}: {shot}")


def test_it_draws_a_uk_wide_record_as_the_united_kingdom(watched, seed, axe):  # noqa: F811
    page = watched
    violations = page.visit("/deployments/national-anpr-service/")
    page.wait_for_selector(READY)
    assert violations == [] and page.evaluate("window.__cspViolations") == []
    figure = page.locator(".mini-map-figure")
    expect(figure).to_be_visible()
    box = page.locator("#record-map")
    assert box.get_attribute("data-drawn") == box.get_attribute("data-feature-count") == "1"
    # One outline, the United Kingdom's, shaded as a country with national records; the
    # background's country outlines are drawn too, as on the explore map with no tiles.
    expect(page.locator(AREAS)).to_have_count(1)
    expect(page.locator(f"{AREAS}.map-area--national.map-shade-1")).to_have_count(1)
    assert page.locator("#record-map path.map-land").count() > 150
    expect(box.locator(".map-mark-label")).to_have_text(["United Kingdom · 1 record"])
    expect(box.locator("img.leaflet-marker-icon")).to_have_count(0)
    expect(figure.locator(".mini-map-key")).to_contain_text("National: across a country")
    shoot(page, "national-anpr-service")

    box.get_by_role("button", name="United Kingdom · 1 record").focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("United Kingdom (national service) (National)")
    # The whole record page, with its map, key, open popup and citation marks.
    assert axe(page) == []
    assert page.evaluate("window.__cspViolations") == []


def test_it_draws_city_of_londons_cameras_as_an_imprecise_area(watched, seed, axe):  # noqa: F811
    page = watched
    violations = page.visit("/deployments/city-of-london-police-anpr-operation/")
    page.wait_for_selector(READY)
    assert violations == []
    # No point is recorded, so its country is drawn, as somewhere it could be anywhere in.
    expect(page.locator(AREAS)).to_have_count(1)
    expect(page.locator(f"{AREAS}.map-area--wider")).to_have_count(1)
    box = page.locator("#record-map")
    expect(box.locator(".map-mark-label")).to_have_text(["Somewhere in United Kingdom · 1 record"])
    expect(box.locator("img.leaflet-marker-icon")).to_have_count(0)
    expect(page.locator(".mini-map-key")).to_contain_text("Somewhere in: a pale area")
    shoot(page, "city-of-london-police-anpr-operation")
    assert axe(page) == []
    assert page.evaluate("window.__cspViolations") == []


def test_it_draws_europe_as_one_imprecise_region(watched, seed):  # noqa: F811
    page = watched
    assert page.visit("/deployments/home-office-anpr-trial-europe/") == []
    page.wait_for_selector(READY)
    # Europe's outlines merged into one shape, Russia apart (as on the explore map).
    expect(page.locator(f"{AREAS}.map-area--wider")).to_have_count(2)
    expect(page.locator("#record-map .map-mark-label")).to_have_text(
        ["Somewhere in Europe · 1 record"]
    )


def test_it_has_no_map_for_a_record_with_no_place(watched, seed):  # noqa: F811
    page = watched
    assert page.visit("/deployments/proc764-migrant-tracker/") == []
    expect(page.locator(".mini-map-figure, .leaflet-container")).to_have_count(0)
    expect(page.locator("#locations-heading + p")).to_have_text("No location is recorded.")


def test_it_says_where_without_javascript(js_disabled_page: Page, seed):
    page = js_disabled_page
    page.goto("/deployments/city-of-london-police-anpr-operation/")
    expect(page.locator(".mini-map-figure")).to_be_hidden()
    expect(page.locator("ul.locations")).to_have_text(
        "City of London Police's ANPR cameras (United Kingdom) · City or region"
    )
