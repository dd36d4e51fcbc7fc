"""Bulk imports as background jobs: check an upload, then write it, off the request.

The admin's import page (admin_import.py) stores the upload and enqueues check(); the uploader
reads the report on the job's page and confirms, which enqueues write(). A worker runs both:
`manage.py db_worker` with the database backend of settings.TASKS, so the embedded SQLite
default needs no other server. The tasks take only the job's id, so the same code runs on any
django-tasks backend (Redis through django-tasks-rq, say) when one machine is not enough.

Each step runs importer.run() in one transaction, whose writes nobody else sees until it ends,
so a step reports its progress through the cache, which every process of the site shares.
"""

import hashlib
import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from deployments.core import edits
from deployments.importing import importer
from deployments.models import ImportJob

logger = logging.getLogger(__name__)

# A step writes its progress at most this often: the file-based cache writes a file each time.
PROGRESS_EVERY_SECONDS = 0.5


def upload_dir() -> Path:
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def upload_path(job: ImportJob) -> Path:
    return upload_dir() / f"job-{job.pk}.upload"


def discard_upload(job: ImportJob) -> None:
    upload_path(job).unlink(missing_ok=True)


def ttl() -> timedelta:
    return timedelta(seconds=settings.IMPORT_UPLOAD_TTL_SECONDS)


def expires_at(job: ImportJob):
    return job.updated + ttl()


# Progress ------------------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def progress(job: ImportJob) -> dict:
    """What the running step has done so far:
    {"tables": [[table, done, total], ...], "problems": found so far}."""
    return cache.get(_progress_key(job.pk)) or {"tables": [], "problems": 0}


def _progress_recorder(job_id: int):
    tables: dict[str, list[int]] = {}
    last = 0.0

    def record(table: str, done: int, total: int, problems: int) -> None:
        nonlocal last
        tables[table] = [done, total]
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS or done >= total:
            last = now
            entry = {
                "tables": [[name, *counts] for name, counts in tables.items()],
                "problems": problems,
            }
            cache.set(_progress_key(job_id), entry, timeout=24 * 3600)

    return record


# The report, kept ----------------------------------------------------------------------------


def _problem(problem) -> dict:
    return {
        "file": problem.file,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def report_data(report: importer.Report) -> dict:
    """The report as the job page shows it, in JSON types: it outlives the worker's objects."""
    return {
        "ok": report.ok,
        "written": report.written,
        "file_kind": report.file_kind,
        "problems": [_problem(p) for p in report.problems],
        "warnings": list(report.warnings),
        "summary": report.summary(),
        "outcomes": [
            {
                "row": o.row,
                "action": o.action,
                "slug": o.slug,
                "title": o.title,
                "problems": [_problem(p) for p in o.problems],
                "notes": list(o.notes),
                "twins": [
                    {
                        "pk": twin.pk,
                        "title": twin.title,
                        "state": twin.get_publication_display().lower(),
                        "why": why,
                    }
                    for twin, why in o.twins
                ],
            }
            for o in report.outcomes
        ],
    }


# The steps -----------------------------------------------------------------------------------


def _read(job: ImportJob) -> bytes | None:
    path = upload_path(job)
    data = path.read_bytes() if path.exists() else b""
    # The file written is the file checked: the name is the job's, the hash the upload's.
    return data if hashlib.sha256(data).hexdigest() == job.sha256 else None


def _run_step(job_id: int, *, commit: bool) -> str:
    job = ImportJob.objects.select_related("uploader").get(pk=job_id)
    cache.delete(_progress_key(job.pk))
    try:
        data = _read(job)
        if data is None:
            job.stage = ImportJob.Stage.FAILED
            job.report = {"error": "The uploaded file is no longer available: upload it again."}
        else:
            with edits.recording(job.uploader if commit else None):
                report = importer.run(
                    data,
                    job.name,
                    publish=job.publish,
                    can_publish=job.can_publish,
                    commit=commit,
                    progress=_progress_recorder(job.pk),
                )
            job.report = report_data(report)
            job.stage = ImportJob.Stage.IMPORTED if report.written else ImportJob.Stage.CHECKED
        if job.stage != ImportJob.Stage.CHECKED or not job.report["ok"]:
            discard_upload(job)  # written, or never writable: nothing will read it again
        job.save(update_fields=["stage", "report", "updated"])
        return job.stage
    except Exception as error:
        # The task's own result records the traceback; the job page says what the uploader
        # can do, and the file goes, since a retry starts from a new upload.
        logger.exception("Import job %s failed", job.pk)
        job.stage = ImportJob.Stage.FAILED
        job.report = {
            "error": f"The import stopped on an unexpected error ({type(error).__name__}). "
            "Nothing was written. Tell the site's maintainers, with this job's address."
        }
        job.save(update_fields=["stage", "report", "updated"])
        discard_upload(job)
        raise


@task()
def check(job_id: int) -> str:
    """Preview an upload: every row checked and written, then rolled back."""
    remove_expired()
    return _run_step(job_id, commit=False)


@task()
def write(job_id: int) -> str:
    """Import a checked upload, all or nothing, recorded as its uploader's edit."""
    return _run_step(job_id, commit=True)


def remove_expired() -> int:
    """Uploads waiting for confirmation longer than settings.IMPORT_UPLOAD_TTL_SECONDS go, and
    any file of the folder no waiting job owns. Run by the worker before each check."""
    cutoff = timezone.now() - ttl()
    stale = ImportJob.objects.filter(stage=ImportJob.Stage.CHECKED, updated__lt=cutoff)
    removed = 0
    for job in stale:
        discard_upload(job)
        removed += 1
    stale.update(stage=ImportJob.Stage.EXPIRED)
    kept = {
        f"job-{pk}.upload"
        for pk in ImportJob.objects.filter(
            stage__in=[*ImportJob.RUNNING, ImportJob.Stage.CHECKED]
        ).values_list("pk", flat=True)
    }
    for path in upload_dir().glob("*.upload"):
        if path.name not in kept and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
