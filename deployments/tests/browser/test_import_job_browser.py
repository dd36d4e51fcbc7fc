"""A bulk import in a real Chromium, as a researcher does it: upload, watch the check's progress
on the job's page, read the report, confirm, and see the import done. With JavaScript the page
updates itself in place; without it, it reloads itself until the job is done."""

import pytest

from deployments.importing import jobs
from deployments.importing.tests.test_import import csv_file, row
from deployments.models import Deployment, ImportJob
from deployments.tests.browser.test_review_browser import groups, log_in  # noqa: F401
from deployments.tests.factories import make_staff_user
from deployments.tests.synthetic import shared
from deployments.tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def researcher(groups, settings, tmp_path):  # noqa: F811
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    shared()  # technology "Synthetic cameras", two organisations, one source
    return make_staff_user("synthetic-researcher", group="researcher")


def upload_file(page, data: bytes) -> ImportJob:
    page.goto("/admin/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "synthetic.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/admin/import/*/")
    return ImportJob.objects.get()


def test_the_job_page_shows_progress_in_place_then_the_report(page, researcher, axe):
    refused = []  # the page's script and its polling run under the site's strict CSP
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, researcher.username)
    job = upload_file(page, csv_file([row(1), row(2)]))

    assert page.get_by_role("heading", name="Checking the file…").is_visible()
    assert "Waiting for the worker to start" in page.get_by_role("status").inner_text()
    assert axe(page) == []
    page.evaluate("window.syntheticMarker = 'not reloaded'")
    assert page.locator("#import-progress-problems strong").inner_text() == "0"
    jobs._progress_recorder(job.pk)("synthetic.csv", 1, 2, 1)
    bar = page.locator("#import-progress-tables progress")
    bar.wait_for()
    assert bar.get_attribute("max") == "2"
    assert page.locator("#import-progress-tables td").first.inner_text() == "1 of 2"
    assert page.locator("#import-progress-problems strong").inner_text() == "1"
    assert page.evaluate("window.syntheticMarker") == "not reloaded"  # updated in place

    run_worker()  # the worker checks the file; the page notices and reloads once
    page.get_by_text("No problems found. Nothing has been written yet.").wait_for()
    assert page.evaluate("window.syntheticMarker") is None
    assert page.locator("#import-rows tbody tr").count() == 2
    assert axe(page) == []

    page.get_by_role("button", name="Import 2 records").click()
    page.get_by_role("heading", name="Importing…").wait_for()
    assert Deployment.objects.count() == 0  # nothing written by the request
    run_worker()
    page.get_by_text("Imported: deployments: 2 created").wait_for()
    assert Deployment.objects.filter(publication="draft").count() == 2
    page.get_by_role("link", name="See the draft records").click()
    page.wait_for_url("**/admin/deployments/deployment/?publication__exact=draft")
    assert refused == []


def test_without_javascript_the_job_page_reloads_until_the_job_is_done(
    js_disabled_page, researcher
):
    page = js_disabled_page
    log_in(page, researcher.username)
    upload_file(page, csv_file([row(1)]))
    # (Playwright's text locators pass over <noscript>, even with scripts off.)
    assert "This page reloads every 5 seconds." in page.content()

    run_worker()
    # The page's own <meta http-equiv="refresh"> brings the report, with no click.
    page.get_by_text("No problems found. Nothing has been written yet.").wait_for(timeout=15_000)
    assert page.get_by_role("button", name="Import 1 record").is_visible()
