"""Test helpers: upload a file to the admin's import page and let the worker run its jobs."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase

from deployments.tests.worker import run_worker


def post_upload(client, data: bytes, name: str = "import.csv", **extra):
    """The upload's own answer: a redirect to the job's page, its check queued."""
    with TestCase.captureOnCommitCallbacks(using=connection.alias, execute=True):
        return client.post("/admin/import/", {"file": SimpleUploadedFile(name, data), **extra})


def upload(client, data: bytes, name: str = "import.csv", **extra):
    """Upload, let the worker check the file, and return the job's page with its report."""
    response = post_upload(client, data, name, **extra)
    if response.status_code != 302:
        return response
    run_worker()
    return client.get(response["Location"])


def confirm(client, job_page):
    """Confirm a checked job from its page, let the worker import it, return the job's page."""
    job = job_page.context["job"]
    with TestCase.captureOnCommitCallbacks(using=connection.alias, execute=True):
        response = client.post(f"/admin/import/{job.pk}/confirm/")
    if response["Location"] != f"/admin/import/{job.pk}/":
        return response
    run_worker()
    return client.get(response["Location"])
