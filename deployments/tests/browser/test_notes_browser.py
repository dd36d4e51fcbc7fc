"""A reader checks a claim on a seed record in Chromium: the mark opens the source's words
beside the claim, and without JavaScript it leads to the same words at the section's end."""

import pytest
from playwright.sync_api import expect

from deployments.models import Deployment
from deployments.seed import load_seed_register

pytestmark = pytest.mark.django_db(transaction=True)
SMARTWATCHES = "home-office-smartwatches-foreign-national-offenders"


@pytest.fixture
def smartwatches():
    load_seed_register()
    return Deployment.objects.get(slug=SMARTWATCHES)


def _cost(deployment):
    return deployment.costs.exclude(quote="").first()


def test_it_opens_the_quote_behind_a_mark_and_closes_it(page, smartwatches, axe):
    page.goto(smartwatches.get_absolute_url())
    cost = _cost(smartwatches)
    mark = page.locator("#costs-heading ~ table a.cite-mark").first
    mark.click()
    box = page.get_by_role("dialog")
    assert box.is_visible()
    assert cost.quote in box.inner_text()
    assert cost.source.publisher in box.inner_text()
    # Opening the note does not jump the page to the foot of the section.
    assert "#note-" not in page.url
    assert axe(page, ".note-popup") == []
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert mark.evaluate("el => el === document.activeElement")
    mark.click()
    page.get_by_role("button", name="Close").click()
    assert page.get_by_role("dialog").count() == 0


def test_it_fits_the_note_on_a_phone(page, smartwatches):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(smartwatches.get_absolute_url())
    page.locator("a.cite-mark").last.click()
    right = page.get_by_role("dialog").evaluate("el => el.getBoundingClientRect().right")
    assert right <= 390


def test_it_leads_to_the_quote_without_javascript(js_disabled_page, smartwatches):
    page = js_disabled_page
    page.goto(smartwatches.get_absolute_url())
    cost = _cost(smartwatches)
    page.locator("#costs-heading ~ table a.cite-mark").first.click()
    assert "#note-" in page.url
    note = page.locator(":target")
    assert note.is_visible()
    assert cost.quote in note.inner_text()
    # Scrolled to the top of the window, give or take a fraction of a pixel of rounding.
    assert note.evaluate("el => el.getBoundingClientRect().top >= -1")


def test_it_copies_the_citation_for_a_reader(page, smartwatches, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(smartwatches.get_absolute_url())
    page.get_by_role("button", name="Copy the citation").click()
    # The clipboard answers asynchronously: wait for the status rather than read it at once.
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#cite-text").inner_text()
    assert "accessed" in copied and "?version=" in copied


def test_it_hides_the_copy_button_without_javascript(js_disabled_page, smartwatches):
    page = js_disabled_page
    page.goto(smartwatches.get_absolute_url())
    assert not page.locator("button.copy-button").is_visible()
    assert page.get_by_role("link", name="BibTeX").is_visible()
