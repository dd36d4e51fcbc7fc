"""The admin's bulk import page: upload, a row-by-row preview, then confirm.

Both the preview and the import run in a background worker (jobs.py): the upload page stores
the file and sends the uploader to the job's page, which shows the step's progress and, once it
is done, its report. The preview runs the real import in a transaction that is rolled back
(importer.run with commit=False), so what it shows is what confirming will do, and the file
written is the file previewed (its hash is checked).
"""

import hashlib
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deployments.importing import import_files, jobs
from deployments.models import ImportJob

PERMISSIONS = ("deployments.add_deployment", "deployments.change_deployment")
RECENT_JOBS = 10  # listed on the upload page


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="The CSV export format (a .csv) or a register.zip, UTF-8, at most "
        f"{import_files.MAX_BYTES // 1_000_000} MB."
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish the imported records at once (editors only)",
        help_text="Otherwise new records are drafts for an editor to review and publish.",
    )


def _can_publish(request) -> bool:
    return request.user.has_perm("deployments.publish_deployment")


def _context(request, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "title": "Import deployments",
        "can_publish": _can_publish(request),
        "max_mb": import_files.MAX_BYTES // 1_000_000,
        "ttl_hours": settings.IMPORT_UPLOAD_TTL_SECONDS // 3600,
        **extra,
    }


def _upload_page(request, form, status=200):
    recent = ImportJob.objects.filter(uploader=request.user)[:RECENT_JOBS]
    context = _context(request, form=form, recent=recent)
    return render(request, "deployments/import_upload.html", context, status=status)


def _own_job(request, pk: int) -> ImportJob:
    """A job's page is its uploader's (and a superuser's): a report names unpublished rows."""
    jobs_seen = ImportJob.objects.select_related("uploader")
    if not request.user.is_superuser:
        jobs_seen = jobs_seen.filter(uploader=request.user)
    try:
        return jobs_seen.get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("No such import job.") from None


def _enqueue(step, job: ImportJob) -> None:
    # After the commit, so that a worker never looks for a job it cannot see yet.
    transaction.on_commit(partial(step.enqueue, job.pk))


@staff_member_required
@permission_required(PERMISSIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        if getattr(request, "upload_too_large", False):
            # transparency.limits.BoundedUploadHandler stopped reading the file at the limit,
            # so the form saw no file: say why instead of "This field is required".
            form.errors["file"] = form.error_class(
                [
                    f"The file is larger than the limit of {settings.MAX_UPLOAD_BYTES / 1e6:g} MB. "
                    "Nothing was written."
                ]
            )
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    if upload.size > import_files.MAX_BYTES:
        # Checked before reading: an oversized upload is never stored.
        form.add_error(
            "file",
            f"The file is {upload.size / 1e6:.1f} MB; the limit is "
            f"{import_files.MAX_BYTES / 1e6:.0f} MB. Nothing was written.",
        )
        return _upload_page(request, form)
    running = ImportJob.objects.filter(uploader=request.user).running().first()
    if running is not None:
        # One running job per uploader: a second would queue behind it and hold a file.
        form.add_error(
            "file",
            f"Your import of “{running.name}” is still running: wait for it to finish "
            "(its page shows how far it is), then upload again.",
        )
        return _upload_page(request, form, status=409)
    # Each uploader keeps one checked file waiting at most: a new upload replaces the last.
    for waiting in ImportJob.objects.filter(uploader=request.user, stage=ImportJob.Stage.CHECKED):
        jobs.discard_upload(waiting)
        waiting.stage = ImportJob.Stage.EXPIRED
        waiting.save(update_fields=["stage", "updated"])
    job = ImportJob.objects.create(
        uploader=request.user,
        name=upload.name[:255],
        size=upload.size,
        sha256="",
        publish=form.cleaned_data["publish"],
        can_publish=_can_publish(request),
    )
    digest = hashlib.sha256()
    with jobs.upload_path(job).open("wb") as stored:
        for chunk in upload.chunks():
            digest.update(chunk)
            stored.write(chunk)
    job.sha256 = digest.hexdigest()
    job.save(update_fields=["sha256"])
    _enqueue(jobs.check, job)
    return redirect("import_job", pk=job.pk)


@staff_member_required
@permission_required(PERMISSIONS, raise_exception=True)
@require_GET
def job_page(request, pk: int):
    job = _own_job(request, pk)
    report = job.report if not job.is_running else {}
    context = _context(
        request,
        title=f"Import of {job.name}",
        job=job,
        report=report,
        **_progress(job),
        confirmable=job.stage == ImportJob.Stage.CHECKED and report.get("ok", False),
        expires=jobs.expires_at(job),
        # Without JavaScript the page reloads itself while the job runs, unless asked not to.
        refresh=job.is_running and "still" not in request.GET,
        changelist=reverse("admin:deployments_deployment_changelist")
        + ("?publication__exact=published" if job.publish else "?publication__exact=draft"),
    )
    return render(request, "deployments/import_job.html", context)


def _progress(job: ImportJob) -> dict:
    """The running step's counts, read from the cache once: each table's rows, and the
    problems found so far."""
    state = jobs.progress(job)
    rows = [{"table": t, "done": done, "total": total} for t, done, total in state["tables"]]
    return {"progress": rows, "problems_so_far": state.get("problems", 0)}


@staff_member_required
@permission_required(PERMISSIONS, raise_exception=True)
@require_GET
def job_progress(request, pk: int):
    """The job page's script polls this while the job runs (static/deployments/import-job.js)."""
    job = _own_job(request, pk)
    state = _progress(job) if job.is_running else {"progress": [], "problems_so_far": 0}
    return JsonResponse(
        {
            "stage": job.stage,
            "stage_label": job.get_stage_display(),
            "running": job.is_running,
            "tables": state["progress"],
            "problems": state["problems_so_far"],
        },
        headers={"Cache-Control": "no-store"},
    )


@staff_member_required
@permission_required(PERMISSIONS, raise_exception=True)
@require_POST
def confirm(request, pk: int):
    job = _own_job(request, pk)
    if job.uploader_id != request.user.pk:
        messages.error(request, "Only the person who uploaded a file may confirm its import.")
        return redirect("import_job", pk=job.pk)
    if job.publish and not _can_publish(request):
        messages.error(request, "Only an editor may publish records by import.")
        return redirect("import_job", pk=job.pk)
    # One UPDATE moves the job on, so a second click (or a second tab) cannot import it twice.
    moved = ImportJob.objects.filter(
        pk=job.pk,
        stage=ImportJob.Stage.CHECKED,
        report__ok=True,
        updated__gte=timezone.now() - jobs.ttl(),
    ).update(stage=ImportJob.Stage.IMPORTING, updated=timezone.now())
    if not moved:
        messages.error(
            request, "That preview has expired or was already imported: upload the file again."
        )
        return redirect("import_upload")
    _enqueue(jobs.write, job)
    return redirect("import_job", pk=job.pk)


urlpatterns = [
    path("", upload, name="import_upload"),
    path("<int:pk>/", job_page, name="import_job"),
    path("<int:pk>/progress/", job_progress, name="import_job_progress"),
    path("<int:pk>/confirm/", confirm, name="import_confirm"),
]
