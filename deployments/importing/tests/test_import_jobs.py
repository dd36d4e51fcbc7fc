"""Bulk imports as background jobs: nothing runs in the request, the job's page shows its
progress and then its report, and uploads are capped per uploader and expire."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from deployments.importing import importer, jobs
from deployments.importing.tests.test_import import csv_file, row
from deployments.importing.tests.uploads import confirm, post_upload, upload
from deployments.models import Deployment, Edit, ImportJob
from deployments.tests.factories import make_staff_user
from deployments.tests.synthetic import shared
from deployments.tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def researcher(client):
    shared()  # technology "Synthetic cameras", two organisations, one source
    user = make_staff_user("synthetic-researcher", group="researcher")
    client.force_login(user)
    return user


def test_it_only_queues_the_check_and_shows_a_page_that_refreshes(client, researcher, upload_dir):
    response = post_upload(client, csv_file([row(1), row(2)]))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/import/{job.pk}/"
    assert job.stage == "checking" and job.report == {}  # nothing ran in the request
    assert (upload_dir / f"job-{job.pk}.upload").read_bytes() == csv_file([row(1), row(2)])
    page = client.get(response["Location"]).content.decode()
    assert "Checking the file…" in page
    assert "Waiting for the worker to start" in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "deployments/import-job.js" in page
    assert "Stop reloading" in page
    still = client.get(response["Location"] + "?still=1").content.decode()
    assert 'http-equiv="refresh"' not in still
    assert client.get(f"/admin/import/{job.pk}/progress/").json() == {
        "stage": "checking",
        "stage_label": "Checking the file",
        "running": True,
        "tables": [],
        "problems": 0,
    }


def test_the_worker_reports_rows_and_problems_as_it_goes(client, researcher, monkeypatch):
    seen, problems = [], []
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0)
    record = jobs._progress_recorder

    def spy(job_id):
        inner = record(job_id)

        def progress(table, done, total, found):
            inner(table, done, total, found)
            state = jobs.progress(ImportJob(pk=job_id))
            seen.append(state["tables"][-1])
            problems.append(state["problems"])

        return progress

    monkeypatch.setattr(jobs, "_progress_recorder", spy)
    # Rows 2 and 4 (file rows 3 and 5) with a status the register does not have.
    rows = [row(n, status="synthetic-nonsense" if n % 2 == 0 else "trial") for n in range(1, 6)]
    post_upload(client, csv_file(rows))
    run_worker()

    assert seen, "the check reported no progress"
    assert seen[-1] == ["import.csv", 5, 5]  # a flat file is one table, named as uploaded
    assert [done for _table, done, _total in seen] == sorted(done for _t, done, _n in seen)
    assert problems == sorted(problems)
    assert problems[0] == 0 and problems[-1] == 2


def test_the_progress_address_gives_the_running_steps_counts(client, researcher):
    post_upload(client, csv_file([row(1)]))
    job = ImportJob.objects.get()
    jobs._progress_recorder(job.pk)("deployments", 40, 120, 3)

    state = client.get(f"/admin/import/{job.pk}/progress/").json()
    page = client.get(f"/admin/import/{job.pk}/").content.decode()

    assert state["tables"] == [{"table": "deployments", "done": 40, "total": 120}]
    assert state["problems"] == 3
    assert "Problems found so far: <strong>3</strong>" in page
    assert "deployments: 40 of 120 rows" in page
    assert '<progress max="120" value="40">' in page


def test_confirming_queues_the_import_and_writes_nothing_in_the_request(client, researcher):
    preview = upload(client, csv_file([row(1), row(2)]))
    job = preview.context["job"]
    response = client.post(f"/admin/import/{job.pk}/confirm/")

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.stage == "importing"
    assert Deployment.objects.count() == 0
    assert client.post(f"/admin/import/{job.pk}/confirm/").status_code == 302  # a second click
    run_worker()
    job.refresh_from_db()
    assert job.stage == "imported"
    assert Deployment.objects.count() == 2  # imported once
    assert Edit.objects.filter(user=researcher).exists()  # the uploader's edit


def test_the_report_stays_readable_after_the_file_is_gone(client, researcher, upload_dir):
    done = confirm(client, upload(client, csv_file([row(1), row(2)])))

    assert list(upload_dir.glob("*.upload")) == []
    again = client.get(f"/admin/import/{done.context['job'].pk}/").content.decode()
    assert "Imported: deployments: 2 created" in again
    assert "synthetic-deployment-2" in again
    listing = client.get("/admin/import/").content.decode()
    assert "Your recent imports" in listing and "Imported" in listing


def test_each_uploader_keeps_one_checked_file_waiting(client, researcher, upload_dir):
    pages = [upload(client, csv_file([row(n)])) for n in (1, 2, 3)]

    assert [p.context["confirmable"] for p in pages] == [True, True, True]
    assert len(list(upload_dir.glob("*.upload"))) == 1
    first = pages[0].context["job"]
    first.refresh_from_db()
    assert first.stage == "expired"
    assert confirm(client, pages[0])["Location"] == "/admin/import/"  # refused
    assert Deployment.objects.count() == 0


def test_a_second_upload_waits_for_the_running_one(client, researcher, upload_dir):
    post_upload(client, csv_file([row(1)]))
    second = post_upload(client, csv_file([row(2)]), "second.csv")

    assert second.status_code == 409
    assert "Your import of “import.csv” is still running" in second.content.decode()
    assert ImportJob.objects.count() == 1
    assert len(list(upload_dir.glob("*.upload"))) == 1


def test_an_unconfirmed_upload_expires_and_the_worker_removes_its_file(
    client, researcher, upload_dir, settings
):
    waiting = upload(client, csv_file([row(1)])).context["job"]
    late = timezone.now() - dt.timedelta(seconds=settings.IMPORT_UPLOAD_TTL_SECONDS + 60)
    ImportJob.objects.filter(pk=waiting.pk).update(updated=late)
    stray = upload_dir / "job-999999.upload"
    stray.write_bytes(b"left by a crashed worker")
    old = late.timestamp()
    os.utime(stray, (old, old))

    assert confirm(client, client.get(f"/admin/import/{waiting.pk}/"))["Location"] == (
        "/admin/import/"
    )
    other = make_staff_user("synthetic-other-researcher", group="researcher")
    client.force_login(other)
    upload(client, csv_file([row(2)]))  # the worker cleans up before each check

    waiting.refresh_from_db()
    assert waiting.stage == "expired"
    assert not (upload_dir / f"job-{waiting.pk}.upload").exists()
    assert not stray.exists()
    assert len(list(upload_dir.glob("*.upload"))) == 1  # the new upload's


def test_a_step_that_fails_says_so_and_keeps_no_file(client, researcher, upload_dir, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(importer, "run", broken)
    page = upload(client, csv_file([row(1)]))

    html = page.content.decode()
    assert page.context["job"].stage == "failed"
    assert "The import stopped on an unexpected error (RuntimeError). Nothing was written." in html
    assert "/confirm/" not in html
    assert list(upload_dir.glob("*.upload")) == []


def test_a_changed_file_is_never_imported(client, researcher, upload_dir):
    preview = upload(client, csv_file([row(1)]))
    job = preview.context["job"]
    (upload_dir / f"job-{job.pk}.upload").write_bytes(csv_file([row(1), row(2), row(3)]))

    done = confirm(client, preview)

    assert "The uploaded file is no longer available: upload it again." in done.content.decode()
    assert Deployment.objects.count() == 0
