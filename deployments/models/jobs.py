"""Work the site does in the background: a bulk import, from upload to written records."""

from django.conf import settings
from django.db import models


class ImportJobQuerySet(models.QuerySet):
    def running(self):
        return self.filter(stage__in=ImportJob.RUNNING)

    def waiting_for_confirmation(self):
        return self.filter(stage=ImportJob.Stage.CHECKED, report__ok=True)


class ImportJob(models.Model):
    """One uploaded file on its way into the register.

    A background worker checks it (a preview: importing/importer.run with commit=False), its
    uploader reads the report and confirms, and the worker imports it. The file waits in
    settings.IMPORT_UPLOAD_DIR meanwhile, named by the job; the report of the last step stays
    here, readable after the file is gone. Progress while a step runs is in the cache
    (importing/jobs.py), because the step's own transaction hides its writes until the end.
    """

    class Stage(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        CHECKED = "checked", "Checked"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        EXPIRED = "expired", "Expired: not confirmed in time"
        FAILED = "failed", "Failed"

    RUNNING = (Stage.CHECKING, Stage.IMPORTING)

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    publish = models.BooleanField(default=False)
    # The uploader's permission when uploading: the worker has no request to ask.
    can_publish = models.BooleanField(default=False)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.CHECKING)
    # importing/jobs.report_data() of the last finished step: what the job page shows.
    report = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["uploader", "stage"])]

    def __str__(self):
        return f"{self.name} ({self.get_stage_display().lower()})"

    @property
    def is_running(self) -> bool:
        return self.stage in self.RUNNING
