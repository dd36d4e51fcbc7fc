"""Edits: what groups the rows one change wrote, so a record's history reads as versions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Edit(models.Model):
    """One change to the register: every historical row one save wrote, who made it, why.

    core/edits.py opens one for an admin save, an import or a revert, and stamps it on every
    historical row written meanwhile (EditedHistory); core/versions.py reads a record's
    history as the states it had after each edit.
    """

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("reason for the change", blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"edit {self.pk} at {self.at:%Y-%m-%d %H:%M}"


class EditedHistory(models.Model):
    """The base of every historical model: the edit that wrote the row. NULL for rows written
    outside any edit (a shell, a script, older history): each is then an edit of its own."""

    edit = models.ForeignKey(
        Edit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=True
    )

    class Meta:
        abstract = True


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Revision.Status.PENDING)


class Revision(models.Model):
    """A researcher's change waiting for an editor, kept aside until it is approved while the
    public sees what is published (editing/review.py). Either of:
    - a published record: the whole record as it would be, its fields and every row;
    - a shared entry (organisation, technology, source) that a published record shows: the
      fields it changes, as they were and as they would be."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    deployment = models.ForeignKey(
        "deployments.Deployment",
        on_delete=models.CASCADE,
        related_name="revisions",
        null=True,
        blank=True,
    )
    entry_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    entry_id = models.PositiveIntegerField(null=True, blank=True)
    entry = GenericForeignKey("entry_type", "entry_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    reason = models.TextField("reason for the change")
    # The record's state the change was made on (core/versions.py): approving it over a newer
    # one would undo what was saved meanwhile.
    based_on = models.PositiveIntegerField()
    proposed = models.JSONField(encoder=DjangoJSONEncoder, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("editor's note", blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "proposed change"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    deployment__isnull=False, entry_type__isnull=True, entry_id__isnull=True
                )
                | models.Q(
                    deployment__isnull=True, entry_type__isnull=False, entry_id__isnull=False
                ),
                name="revision_of_one_thing",
            ),
        ]

    def __str__(self):
        return f"Change to “{self.subject}” proposed {self.created:%d %B %Y %H:%M}"

    @property
    def subject(self):
        """What it changes: the record, or the shared entry (None once that is deleted)."""
        return self.deployment if self.deployment_id else self.entry

    def subject_change_url(self) -> str:
        subject = self.subject
        if subject is None:
            return ""
        meta = subject._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[subject.pk])
