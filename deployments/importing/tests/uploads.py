"""Test helpers: upload a file to the admin's import page and let the worker run its jobs."""

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django_tasks_db.management.commands import db_worker


def run_jobs() -> None:
    """What the worker beside the site does: every queued job, in this process and database.

    The worker checks its connection between jobs as a request would (close_old_connections),
    and a connection inside a test's transaction is not in autocommit, so it would be closed,
    taking the test's data with it; on PostgreSQL that ends the test. The check is skipped.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def post_upload(client, data: bytes, name: str = "import.csv", **extra):
    """The upload's own answer: a redirect to the job's page, its check queued."""
    with TestCase.captureOnCommitCallbacks(using=connection.alias, execute=True):
        return client.post("/admin/import/", {"file": SimpleUploadedFile(name, data), **extra})


def upload(client, data: bytes, name: str = "import.csv", **extra):
    """Upload, let the worker check the file, and return the job's page with its report."""
    response = post_upload(client, data, name, **extra)
    if response.status_code != 302:
        return response
    run_jobs()
    return client.get(response["Location"])


def confirm(client, job_page):
    """Confirm a checked job from its page, let the worker import it, return the job's page."""
    job = job_page.context["job"]
    with TestCase.captureOnCommitCallbacks(using=connection.alias, execute=True):
        response = client.post(f"/admin/import/{job.pk}/confirm/")
    if response["Location"] != f"/admin/import/{job.pk}/":
        return response
    run_jobs()
    return client.get(response["Location"])
