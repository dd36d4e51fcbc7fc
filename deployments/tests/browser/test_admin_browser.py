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
    # And an autocomplete opened, with its search box.
    page.locator("#id_replaced_by + .select2").click()
    page.locator(".select2-container--open .select2-search__field").wait_for()
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


class Entry:
    """A researcher at the add page, counting what a record costs them: pages loaded, fields
    filled (a choice in a drop-down or an autocomplete counts as one)."""

    def __init__(self, page):
        self.page = page
        self.fields = 0
        self.loads = 0
        page.on("load", lambda _page: self._loaded())

    def _loaded(self):
        self.loads += 1

    def fill(self, selector: str, value: str):
        self.page.fill(selector, value)
        self.fields += 1

    def choose(self, selector: str, value: str):
        self.page.select_option(selector, value)
        self.fields += 1

    def pick(self, selector: str, typed: str):
        """An autocomplete: open it, type, take the first match."""
        self.page.locator(f"{selector} + .select2").click()
        self.page.locator(".select2-container--open .select2-search__field").fill(typed)
        option = self.page.locator(".select2-results__option--highlighted", has_text=typed)
        option.first.wait_for()
        self.page.keyboard.press("Enter")
        self.fields += 1

    def add_row(self, group: str):
        self.page.locator(f"#{group}-group").get_by_role("button", name="Add another").click()


def test_entering_the_proc764_record_from_its_seed_text(page, groups):  # noqa: F811
    """From an empty form to "in review", with the shared entries already in the register."""
    from deployments.models import Deployment, Organisation, Source, Technology

    Technology.objects.create(name="Barcode wristbands", slug="barcode-wristbands")
    Organisation.objects.create(name="Home Office", slug="home-office", kind="government")
    Organisation.objects.create(name="The Barcode Warehouse", slug="the-barcode-warehouse")
    Source.objects.create(
        title="UK to surveil convicted migrants with facial recognition",
        publisher="Computer Weekly",
    )
    make_staff_user("synthetic-researcher", "researcher")
    log_in(page, "synthetic-researcher")
    entry = Entry(page)
    page.goto("/admin/deployments/deployment/add/")
    page.wait_for_load_state("load")

    entry.fill("#id_title", "Proc764 Migrant Tracker wristband contract")
    entry.fill(
        "#id_summary",
        "A £150,000 Home Office contract titled Proc764 Migrant Tracker, awarded to The Barcode "
        "Warehouse in July 2022, for barcoded wristbands, scanning equipment and asset-tracking "
        "software.",
    )
    entry.pick("#id_technologies", "Barcode")
    entry.choose("#id_publication", "review")
    # The source once, at the top of the rows: every claim below takes it.
    entry.pick("#id_citations-0-source", "UK to surveil")
    entry.choose("#id_citations-0-claim", "summary")
    entry.fill(
        "#id_citations-0-quote",
        "A separate Home Office contract worth £150,000, titled Proc764 Migrant Tracker, was "
        "also awarded to The Barcode Warehouse in July 2022",
    )
    for number, (organisation, role) in enumerate(
        [("Home Office", "commissioner"), ("The Barcode Warehouse", "supplier")]
    ):
        entry.add_row("involvements")
        entry.pick(f"#id_involvements-{number}-organisation", organisation)
        entry.choose(f"#id_involvements-{number}-role", role)
    entry.add_row("costs")
    entry.fill("#id_costs-0-amount", "150000")
    entry.choose("#id_costs-0-covers", "contract")
    entry.fill("#id_costs-0-quote", "A separate Home Office contract worth £150,000")
    entry.add_row("events")
    entry.choose("#id_events-0-kind", "contract")
    entry.fill("#id_events-0-date", "July 2022")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/deployments/deployment/")

    record = Deployment.objects.get(slug="proc764-migrant-tracker-wristband-contract")
    assert record.publication == "review"
    assert record.involvements.count() == 2
    assert (record.events.get().date_precision, record.costs.get().amount) == ("month", 150000)
    assert record.publication_problems() == []
    source = record.citations.get().source
    for claims in (record.involvements, record.costs, record.events):
        assert {claim.source for claim in claims.all()} == {source}
    # What it costs a researcher, for the record (the closing note reports these).
    print(f"\nProc764 entry: {entry.loads} page loads, {entry.fields} fields filled")
    assert entry.loads <= 2  # the form, and the list it returns to
