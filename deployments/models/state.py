"""What the site keeps about the register as a whole: its freshness, and stored CSV lines."""

from django.db import models

from .deployment import Deployment


class RegisterState(models.Model):
    """One row: when the public register last changed, and a token that changes with it.

    Pages, facet counts and exports are reused (HTTP validators, the cache) for as long as the
    token stays the same, so reading "has anything public changed?" costs one primary-key
    lookup instead of a scan of every history table. freshness.touch() writes it; derived.py
    calls that on every edit a reader could see, and never on edits to drafts, withdrawn
    records (beyond what their address shows) or entries no published record names, so the
    Last-Modified of a page does not reveal when they were worked on.
    """

    changed = models.DateTimeField()
    # A fresh random token on each change, never a counter: a test or an import rolled back
    # would reuse a counter's values and revive cache entries for data that no longer exists.
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "register state"

    def __str__(self):
        return f"changed {self.changed:%Y-%m-%d %H:%M:%S}"


class ExportRow(models.Model):
    """A deployment's line of the CSV export, written ahead so that an export reads lines
    instead of gathering every record's related rows (opendata/export_rows.py).

    The line is split around its address cell, which depends on the host asked: `head` is
    "id,slug," and `tail` everything after the address, ending in CRLF. derived.py writes it
    again (or only its names, names_at on) whenever a transaction that changed anything it
    was written from commits; a row
    missing or of an older format is written from the tables by the export itself.
    """

    # No database constraint: derived.py removes a deleted deployment's row once the delete
    # commits, and a line of a record deleted by hand is never exported (exports join from
    # the deployments) and goes at the next `manage.py refresh_derived`.
    deployment = models.OneToOneField(
        Deployment,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="export_row",
    )
    # exports.FORMAT_VERSION and the header when written: a row of another format is missing.
    format = models.CharField(max_length=32)
    head = models.TextField()
    tail = models.TextField()
    # Where in the tail the cells that show shared entries' names stand (their characters
    # from names_at, comma first): a rename rewrites only those (export_rows.write_names).
    names_at = models.PositiveIntegerField(default=0)
    names_length = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.head
