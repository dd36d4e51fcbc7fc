"""The list, timeline and record pages in a real Chromium: same records everywhere, usable
without JavaScript, and no serious accessibility violations."""

import csv
import io
from pathlib import Path

import pytest

from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast():
    return make_cast()


def _listed(page) -> list[str]:
    return page.locator(".deployment-card h3 a").all_inner_texts()


def test_it_filters_the_list_and_shows_the_same_records_on_the_timeline(page, cast):
    page.goto("/deployments/")
    page.get_by_label("Synthetic ANPR").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**technology=anpr**")
    listed = sorted(_listed(page))
    assert listed == ["Synthetic camera", "Synthetic scanner"]
    page.get_by_role("link", name="Timeline", exact=True).last.click()
    page.wait_for_url("**/deployments/timeline/?technology=anpr**")
    # The table inside the (closed) details element lists every record the timeline draws.
    rows = page.locator("table tbody th[scope=row]").all_text_contents()
    assert sorted(text.strip() for text in rows) == listed


def test_it_removes_a_filter_with_its_chip(page, cast):
    page.goto("/deployments/?technology=anpr&status=trial")
    assert _listed(page) == ["Synthetic camera"]
    page.get_by_role("link", name="Status: Trial or pilot").click()
    assert sorted(_listed(page)) == ["Synthetic camera", "Synthetic scanner"]


def test_it_filters_the_list_without_javascript(js_disabled_page, cast):
    page = js_disabled_page
    page.goto("/deployments/")
    page.locator("#id_from").fill("2024")
    page.get_by_role("button", name="Apply filters").click()
    assert _listed(page) == ["Synthetic camera"]
    page.get_by_role("link", name="Timeline", exact=True).last.click()
    assert page.locator("svg a").count() >= 1
    assert "Synthetic camera" in page.content()


def test_it_shows_a_clear_error_for_a_bad_filter_without_javascript(js_disabled_page, cast):
    response = js_disabled_page.goto("/deployments/?from=2024-13")
    assert response.status == 400
    assert "from" in js_disabled_page.locator(".errors").inner_text()


def test_it_reaches_every_link_of_the_timeline_by_keyboard(page, cast):
    page.goto("/deployments/timeline/")
    titles = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "() => document.activeElement.closest('svg') ? "
            "(document.activeElement.getAttribute('aria-label') || "
            "document.activeElement.textContent) : null"
        )
        if name:
            titles.update(t for t in ("camera", "watch", "scanner") if t in name)
    assert titles == {"camera", "watch", "scanner"}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/deployments/?technology=anpr",
        "/deployments/timeline/",
        "/deployments/camera/",
        "/organisations/police/",
        "/about/",
    ],
)
def test_it_has_no_serious_accessibility_violations(page, axe, cast, url):
    page.goto(url)
    assert axe(page) == []


def test_it_downloads_what_the_list_shows_as_csv_for_excel(page, cast):
    # A spreadsheet user filters, then takes the Excel copy: the list's records, with the
    # byte-order mark Excel needs to read "£" and curly quotes.
    page.goto("/deployments/?technology=anpr")
    listed = set(_listed(page))
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV for Excel").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert {row["title"] for row in rows} == listed
    assert download.value.suggested_filename == "deployments-technology-anpr.csv"
