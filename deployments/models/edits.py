"""Edits: what groups the rows one change wrote, so a record's history reads as versions."""

from django.conf import settings
from django.db import models
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
