"""Filters on a phone and in a browser: folded above the results, usable without JavaScript,
no blank parameters in a shared address, and no public page wider than a 390 px screen."""

import pytest
from django.urls import reverse

from deployments.models import Deployment, Organisation, Technology
from deployments.seed import load_seed_register

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def seeded():
    load_seed_register()


def test_it_shows_the_first_result_on_a_phones_first_screen(page, seeded):
    page.set_viewport_size(PHONE)
    page.goto("/deployments/?technology=anpr")
    summary = page.locator(".filters-panel > summary")
    assert summary.inner_text() == "Filters (1 active)"
    assert not page.locator("#id_q").is_visible()
    first = page.locator(".deployment-card").first
    assert first.evaluate("el => el.getBoundingClientRect().top") < PHONE["height"]
    summary.click()
    assert page.locator("#id_q").is_visible()


def test_it_filters_on_a_phone_without_javascript(js_disabled_page, seeded):
    page = js_disabled_page
    page.set_viewport_size(PHONE)
    page.goto("/deployments/")
    page.locator(".filters-panel > summary").click()
    page.locator("#id_from").fill("July 2022")
    page.get_by_role("button", name="Apply filters").click()
    # The blank fields went to the server, which sent the browser to the clean address.
    assert page.url.endswith("/deployments/?from=July+2022")
    assert page.locator(".filters-panel > summary").inner_text() == "Filters (1 active)"


def test_it_sends_only_the_filled_in_fields(page, seeded):
    page.goto("/deployments/")
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.get_by_label("ANPR").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**technology=anpr")
    assert page.url.endswith("/deployments/?technology=anpr")
    assert not any("q=&" in url or url.endswith("=") for url in requested)


def test_it_shows_a_bad_value_next_to_its_field(page, seeded, axe):
    page.goto("/deployments/")
    page.locator("#id_from").fill("someday")
    page.get_by_role("button", name="Apply filters").click()
    error = page.locator("#from-error")
    assert "is not a date" in error.inner_text()
    assert page.locator("#id_from").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("heading", name="No results are shown").is_visible()
    page.get_by_role("link", name="from").click()
    assert page.evaluate("document.activeElement.id") == "id_from"
    assert axe(page) == []


def _public_pages() -> list[str]:
    deployment = Deployment.objects.published().first()
    return [
        "/",
        reverse("about"),
        reverse("data"),
        reverse("deployment_list"),
        reverse("deployment_map"),
        reverse("deployment_timeline"),
        "/deployments/?from=someday",
        *(d.get_absolute_url() for d in Deployment.objects.published()),
        f"{deployment.get_absolute_url()}?version=1",
        *(o.get_absolute_url() for o in Organisation.objects.public()),
        *(t.get_absolute_url() for t in Technology.objects.public()),
        "/no-such-page/",
    ]


def test_no_public_page_scrolls_sideways_on_a_phone(page, seeded):
    page.set_viewport_size(PHONE)
    wide = []
    for url in _public_pages():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((url, width))
    assert wide == []
