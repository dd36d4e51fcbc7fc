"""The timeline of the seed register in Chromium: on a phone it scrolls inside its own box,
never the page, and "what happened in 2022?" draws both 2022 contracts on a 2022 axis."""

import pytest
from playwright.sync_api import Page, expect

from deployments.seed import load_seed_register

pytestmark = pytest.mark.django_db(transaction=True)

SMARTWATCH = "/deployments/home-office-smartwatches-foreign-national-offenders/"
PROC764 = "/deployments/proc764-migrant-tracker/"


@pytest.fixture
def seed():
    load_seed_register()


def test_it_scrolls_inside_its_own_box_on_a_phone(page: Page, seed):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/deployments/timeline/")
    boxes = page.locator(".tl-scroll")
    expect(boxes.first).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The plot is wider than the screen, and its box scrolls to show the rest.
    first = boxes.first
    assert first.evaluate("box => box.scrollWidth > box.clientWidth")
    first.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    assert first.evaluate("box => box.scrollLeft") > 0
    assert page.evaluate("window.scrollX") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_draws_both_2022_contracts_on_a_2022_axis(page: Page, seed, axe):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/deployments/timeline/?from=2022&to=2022")
    figure = page.locator("figure.tl")
    expect(figure.locator(".tl-caption")).to_contain_text("2 deployments, 2022")

    rows = figure.locator("a.tl-row")
    expect(rows).to_have_count(2)
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.getAttribute('href'))")) == sorted(
        [SMARTWATCH, PROC764]
    )
    # One year on the axis, named by month.
    expect(figure.locator(".tl-year").first).to_have_text("2022")
    assert figure.locator(".tl-month").first.text_content() == "Jan"
    # Each contract is drawn and labelled where it happened.
    smartwatch = figure.locator(f'a.tl-row[href="{SMARTWATCH}"]')
    proc764 = figure.locator(f'a.tl-row[href="{PROC764}"]')
    expect(smartwatch.locator(".tl-event-label")).to_have_text("Contract, May 2022")
    expect(proc764.locator(".tl-event-label")).to_have_text("Contract, July 2022")
    expect(smartwatch.locator(".tl-event title")).to_contain_text("awarded to Buddi")
    expect(proc764.locator(".tl-event title")).to_contain_text("The Barcode Warehouse")
    # The smartwatch scheme's 2021 assessment is off the axis: marked at its edge.
    expect(smartwatch.locator(".tl-beyond title")).to_contain_text("DPIA completed, August 2021")

    # The May mark sits left of the July one, inside the year.
    def centre(row):
        box = row.locator("use.tl-mark").bounding_box()
        return box["x"] + box["width"] / 2

    assert centre(smartwatch) < centre(proc764)

    # Focus shows the row's events in full in place of the short labels.
    smartwatch.focus()
    expect(smartwatch.locator(".tl-events-line")).to_be_visible()
    expect(smartwatch.locator(".tl-event-label")).to_be_hidden()
    assert axe(page, context="figure.tl") == []
