"""The admin's data-entry pages in a real Chromium: no serious accessibility violations, and
a whole record's rows fit a laptop's window."""

import datetime as dt
from decimal import Decimal

import pytest

from deployments.models import Cost, Event, Involvement, LegalBasis
from deployments.tests.browser.test_review_browser import groups, log_in  # noqa: F401
from deployments.tests.factories import make_deployment, make_organisation, make_staff_user

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def record():
    """A published record with a row of each kind that a tabular inline shows."""
    deployment = make_deployment(publication="published")
    source = deployment.citations.get().source
    Involvement.objects.create(
        deployment=deployment, organisation=make_organisation(), role="operator", source=source
    )
    Cost.objects.create(
        deployment=deployment, source=source, amount=Decimal("150000"), covers="contract"
    )
    Event.objects.create(
        deployment=deployment,
        source=source,
        kind="reported",
        date=dt.date(2022, 7, 1),
        date_precision="month",
    )
    LegalBasis.objects.create(
        deployment=deployment, source=source, instrument_type="none", status="not_stated"
    )
    return deployment


def test_the_admin_pages_have_no_serious_accessibility_violations(page, groups, axe, record):  # noqa: F811
    make_staff_user("synthetic-editor", "editor")
    log_in(page, "synthetic-editor")
    for url in [
        "/admin/",
        "/admin/deployments/deployment/",
        "/admin/deployments/deployment/add/",
        f"/admin/deployments/deployment/{record.pk}/change/",
        f"/admin/deployments/deployment/{record.pk}/history/",
        "/admin/deployments/deployment/deleted/",
        "/admin/import/",
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert axe(page) == [], url
    # A row added with "Add another" is named as well.
    page.goto(f"/admin/deployments/deployment/{record.pk}/change/")
    page.wait_for_load_state("load")
    page.locator("#costs-group").get_by_role("button", name="Add another Cost").click()
    page.locator("#involvements-group").get_by_role("button", name="Add another").click()
    assert axe(page) == []


def test_a_whole_records_rows_fit_a_laptops_window(browser, live_server, groups, record):  # noqa: F811
    from deployments.tests.browser.conftest import _new_context

    page = _new_context(browser, live_server, viewport=LAPTOP).new_page()
    make_staff_user("synthetic-editor", "editor")
    log_in(page, "synthetic-editor")
    page.goto(f"/admin/deployments/deployment/{record.pk}/change/")
    page.wait_for_load_state("load")

    widths = page.evaluate(
        """() => [...document.querySelectorAll('.inline-group table')].map(
            t => [t.closest('.inline-group').id, Math.round(t.getBoundingClientRect().right)]
        )"""
    )
    quote = page.locator("#id_citations-0-quote").bounding_box()["width"]

    assert widths and all(right <= LAPTOP["width"] for _group, right in widths), widths
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert quote >= 300  # a sentence, not three words
    page.context.close()
