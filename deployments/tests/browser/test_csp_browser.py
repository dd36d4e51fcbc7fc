"""The Content-Security-Policy in a real Chromium: the main public pages, the downloads' pages
and the admin's data-entry pages run under it without a single violation, and what the policy
refuses (an inline script, a style attribute) is really refused."""

import pytest

from deployments.models import Deployment, Source
from deployments.seed import load_seed_register
from deployments.tests.browser.test_review_browser import groups, log_in  # noqa: F401
from deployments.tests.factories import make_staff_user

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any script of the page: every violation the browser reports, kept per document.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
        `(${event.sourceFile || "page"}:${event.lineNumber})`
    );
});
"""


@pytest.fixture
def watched(page):
    """`page`, collecting CSP violations from both the DOM event and the console."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def visit(url: str) -> list[str]:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert "'self'" in response.headers["content-security-policy"], url
        found = page.evaluate("window.__cspViolations") + console
        console.clear()
        return found

    page.visit = visit
    return page


@pytest.fixture
def seeded():
    load_seed_register()
    return Deployment.objects.published()


def test_the_public_pages_run_under_the_policy_without_a_violation(watched, seeded):
    record = seeded.get(slug="home-office-smartwatches-foreign-national-offenders")
    source = Source.objects.filter(citations__deployment=record).first()
    urls = [
        "/",
        "/about/",
        "/deployments/",
        "/deployments/?q=tagging",
        record.get_absolute_url(),
        "/deployments/map/",
        "/deployments/timeline/",
        "/organisations/",
        "/technologies/",
        "/countries/",
        "/countries/GB/",
        "/sources/",
        f"/sources/{source.pk}/",
        "/data/",
    ]
    found = {url: watched.visit(url) for url in urls}
    assert {url: v for url, v in found.items() if v} == {}
    # The pages did run their scripts: the map drew its layers, a note opens.
    watched.visit("/deployments/map/")
    assert (
        watched.locator(
            "#register-map .leaflet-overlay-pane path, #register-map .leaflet-marker-icon"
        ).count()
        > 0
    )
    watched.visit(record.get_absolute_url())
    watched.locator("a.cite-mark").first.click()
    assert watched.get_by_role("dialog").is_visible()


def test_the_admin_runs_under_the_policy_and_its_maps_start(watched, groups, seeded):  # noqa: F811
    make_staff_user("synthetic-editor", "editor")
    watched.visit("/admin/login/")
    log_in(watched, "synthetic-editor")
    record = seeded.get(slug="home-office-smartwatches-foreign-national-offenders")
    change = f"/admin/deployments/deployment/{record.pk}/change/"
    urls = [
        "/admin/",
        "/admin/deployments/deployment/",
        "/admin/deployments/deployment/add/",
        change,
        f"/admin/deployments/deployment/{record.pk}/history/",
        "/admin/import/",
    ]
    found = {url: watched.visit(url) for url in urls}
    assert {url: v for url, v in found.items() if v} == {}

    # The location maps start from their data attributes (no inline script), and a row added
    # with "Add another" gets a working map: a marker drawn on it is written into its GeoJSON.
    watched.visit(change)
    maps = watched.locator(".geojson-map:not([data-template])")
    assert maps.count() == record.locations.count()
    assert maps.locator(".leaflet-draw-draw-marker").count() == maps.count()
    group = watched.locator("#locations-group")
    group.get_by_role("button", name="Add another").click()
    row = group.locator(".inline-related:not(.empty-form)").last
    row.locator(".leaflet-draw-draw-marker").click()
    row.locator(".leaflet-container").click()
    assert '"Point"' in row.locator("textarea.django-leaflet-raw-textarea").input_value()
    assert watched.evaluate("window.__cspViolations") == []


def test_what_the_policy_refuses_is_refused(watched, seeded):
    """The test above can fail: an inline script and a style attribute put into a page are
    blocked and reported, as an injected one would be."""
    watched.visit("/about/")
    watched.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true;";
            document.body.append(script);
            const box = document.createElement("div");
            box.setAttribute("style", "color: red");
            document.body.append(box);
        }"""
    )
    watched.wait_for_function("window.__cspViolations.length >= 2")
    assert watched.evaluate("window.__ran === undefined")
    directives = " ".join(watched.evaluate("window.__cspViolations"))
    assert "script-src-elem" in directives
    assert "style-src-attr" in directives
