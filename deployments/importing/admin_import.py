"""The admin's bulk import page: upload, a row-by-row preview, then confirm.

The preview runs the real import in a transaction that is rolled back (importer.run with
commit=False), so what it shows is what confirming will do. Between the two steps the upload
waits in a temporary file named by a random token kept in the uploader's session, and its hash
is checked on confirm: the file written is the file previewed.
"""

import hashlib
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from deployments.core import edits
from deployments.importing import import_files, importer

PERMISSIONS = ("deployments.add_deployment", "deployments.change_deployment")
SESSION_KEY = "register_import"
# Uploads not confirmed within a day are removed on the next upload.
STALE_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _discard_pending(request) -> None:
    """Each uploader keeps at most one preview waiting: a new upload replaces the last."""
    pending = request.session.pop(SESSION_KEY, None) or {}
    token = pending.get("token", "")
    if token:
        (_upload_dir() / f"{token}.upload").unlink(missing_ok=True)


def _remove_stale() -> None:
    cutoff = time.time() - STALE_SECONDS
    for old in _upload_dir().glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


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
        **extra,
    }


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
        return render(request, "deployments/import_upload.html", _context(request, form=form))
    upload = form.cleaned_data["file"]
    publish = form.cleaned_data["publish"]
    if upload.size > import_files.MAX_BYTES:
        # Checked before reading: an oversized upload is never loaded into memory.
        form.add_error(
            "file",
            f"The file is {upload.size / 1e6:.1f} MB; the limit is "
            f"{import_files.MAX_BYTES / 1e6:.0f} MB. Nothing was written.",
        )
        return render(request, "deployments/import_upload.html", _context(request, form=form))
    data = upload.read()
    report = importer.run(
        data, upload.name, publish=publish, can_publish=_can_publish(request), commit=False
    )
    token = ""
    _discard_pending(request)
    if report.ok:
        _remove_stale()
        token = secrets.token_urlsafe(24)
        (_upload_dir() / f"{token}.upload").write_bytes(data)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "publish": publish,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    context = _context(
        request, form=UploadForm(), report=report, token=token, name=upload.name, publish=publish
    )
    return render(request, "deployments/import_preview.html", context)


@staff_member_required
@permission_required(PERMISSIONS, raise_exception=True)
@require_POST
def confirm(request):
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not token or not secrets.compare_digest(token, pending.get("token", "")):
        messages.error(request, "That preview has expired or is not yours: upload the file again.")
        return redirect("import_upload")
    stored = _upload_dir() / f"{token}.upload"
    data = stored.read_bytes() if stored.exists() else b""
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        messages.error(request, "The uploaded file is no longer available: upload it again.")
        return redirect("import_upload")
    with edits.recording(request.user):
        report = importer.run(
            data, pending["name"], publish=pending["publish"], can_publish=_can_publish(request)
        )
    stored.unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    if not report.ok:
        # The register changed between preview and confirm (someone else edited it).
        context = _context(
            request,
            form=UploadForm(),
            report=report,
            token="",
            name=pending["name"],
            publish=pending["publish"],
        )
        return render(request, "deployments/import_preview.html", context, status=409)
    messages.success(request, f"Imported {pending['name']}: " + "; ".join(report.summary()))
    state = "published" if pending["publish"] else "draft"
    changelist = reverse("admin:deployments_deployment_changelist")
    return redirect(f"{changelist}?publication__exact={state}")


urlpatterns = [
    path("", upload, name="import_upload"),
    path("confirm/", confirm, name="import_confirm"),
]
