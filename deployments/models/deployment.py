"""A deployment of surveillance technology: the record the register is made of."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from deployments.core import dates
from deployments.core.dates import Precision

from .base import (
    DESCRIPTIVE,
    ImpreciseDateMixin,
    _date_pair,
    _slug_not_reserved,
    not_reserved,
)
from .edits import EditedHistory
from .shared import Organisation, Source, Technology

# An end nobody reported, read from the status and never invented: a running record has no
# end reported (not "ongoing": nobody said it goes on), an ended one ended on a date nobody
# gave, an announced one has nothing to end yet. Every output reads it here (end_text).
UNKNOWN_END = {
    "active": "no end reported",
    "trial": "no end reported",
    "ended": "ended, date unknown",
    "announced": "",
}
UNKNOWN_END_OTHERWISE = "unknown"


def end_text(status: str, end_date, end_precision: str) -> str:
    """The end as every output says it: the date as precise as known, else UNKNOWN_END."""
    if end_date is not None and end_precision != Precision.UNKNOWN:
        return dates.display(end_date, end_precision)
    return UNKNOWN_END.get(status, UNKNOWN_END_OTHERWISE)


class DeploymentQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Every public page, export and feed starts here."""
        return self.filter(publication=Deployment.Publication.PUBLISHED)


class Deployment(ImpreciseDateMixin, models.Model):
    class Status(models.TextChoices):
        ANNOUNCED = "announced", "Announced or planned"
        TRIAL = "trial", "Trial or pilot"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Unknown"

    class Visibility(models.TextChoices):
        COVERT = "covert", "Covert"
        OVERT = "overt", "Overt"
        BOTH = "both", "Covert and overt"
        UNKNOWN = "unknown", "Not known"

    class Publication(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    title = models.CharField(max_length=300)
    # Stable: used in URLs and as the export key, so it is not rewritten when the title is.
    slug = models.SlugField(max_length=200, unique=True, validators=[not_reserved])
    summary = models.TextField(help_text="One or two sentences: what, who, where, since when.")
    description = models.TextField(blank=True)
    technologies = models.ManyToManyField(Technology, related_name="deployments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    start_date, start_precision = _date_pair("start date")
    end_date, end_precision = _date_pair("end date")
    # Last day the end could mean (31 Dec for "2024"), kept by save() so the database can
    # check "end not before start" and filters can test overlap without date arithmetic.
    end_latest = models.DateField(null=True, blank=True, editable=False)
    planned_duration = models.CharField(
        max_length=DESCRIPTIVE, blank=True, help_text="As reported, e.g. “six months”."
    )
    scale = models.CharField(
        max_length=DESCRIPTIVE, blank=True, help_text="As reported, e.g. “~10,000 cameras”."
    )
    affected_groups = models.TextField(blank=True)
    data_retention = models.CharField(
        max_length=DESCRIPTIVE, blank=True, help_text="As reported, e.g. “up to six years”."
    )
    data_sharing = models.TextField(blank=True)
    visibility = models.CharField(
        "covert or overt",
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.UNKNOWN,
    )
    publication = models.CharField(
        max_length=10, choices=Publication.choices, default=Publication.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A withdrawn record's address still answers, with these (explore/views.py): every article
    # that cited it keeps a page saying what happened to it.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        "public reason for withdrawal",
        blank=True,
        help_text="Shown at the record's address once it is withdrawn.",
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        help_text="The record that replaces this one, if any: its address links there.",
    )
    # Texts of the record, its organisations and sources in one column (search.py keeps it).
    search_text = models.TextField(blank=True, default="", editable=False)
    # The organisations it names, by id ("o:12 o:40"): written with search_text (search.py).
    # NULL until first written, which `migrate` does (apps.py); "" names none.
    search_refs = models.TextField(null=True, editable=False)  # noqa: DJ001 (NULL: not written)
    # PostgreSQL only: title (weight A), search_text (B) and search_refs as a tsvector, written
    # by a trigger (migration 0008) so every insert, bulk or not, keeps it in step;
    # GIN-indexed for search. The column exists but stays empty on SQLite, which searches
    # search_text and the organisations' names instead.
    search_vector = SearchVectorField(null=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    sources = models.ManyToManyField(Source, through="Citation", related_name="deployments")
    organisations = models.ManyToManyField(
        Organisation, through="Involvement", related_name="deployments"
    )

    objects = DeploymentQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[EditedHistory],
        m2m_fields=[technologies],
        excluded_fields=["search_text", "search_refs", "search_vector"],
    )
    imprecise_dates = (
        ("start_date", "start_precision", "start date"),
        ("end_date", "end_precision", "end date"),
    )

    class Meta:
        ordering = ["-start_date", "title"]
        permissions = [("publish_deployment", "Can publish and withdraw deployments")]
        # The list's default order has its own index, per database (migration 0004): NULLS
        # LAST is spelled differently on each. These serve the facets, the home page's
        # latest records and the date filters.
        indexes = [
            models.Index(fields=["publication", "status"], name="deployment_pub_status"),
            models.Index(fields=["publication", "-published_at"], name="deployment_pub_published"),
            models.Index(fields=["publication", "-updated"], name="deployment_pub_updated"),
            models.Index(fields=["publication", "end_latest"], name="deployment_pub_end"),
        ]
        constraints = [
            _slug_not_reserved("deployment"),
            models.CheckConstraint(
                condition=Q(end_latest__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_latest__gte=F("start_date")),
                name="deployment_end_not_before_start",
                violation_error_message="The end date is before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True, start_precision=Precision.UNKNOWN)
                | (Q(start_date__isnull=False) & ~Q(start_precision=Precision.UNKNOWN)),
                name="deployment_start_precision",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_precision=Precision.UNKNOWN)
                | (Q(end_date__isnull=False) & ~Q(end_precision=Precision.UNKNOWN)),
                name="deployment_end_precision",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deployment_detail", args=[self.slug])

    @property
    def is_public(self):
        return self.publication == self.Publication.PUBLISHED

    @property
    def is_withdrawn(self):
        return self.publication == self.Publication.WITHDRAWN

    @property
    def start_display(self):
        return dates.display(self.start_date, self.start_precision)

    @property
    def end_display(self):
        return end_text(self.status, self.end_date, self.end_precision)

    # Which cost a one-line listing shows when there are several: what was committed before
    # what was planned or guessed.
    HEADLINE_COST_ORDER = ["contract", "budget", "initial", "spend", "annual", "estimate"]

    @property
    def headline_cost(self):
        """The cost a listing row or CSV line shows (uses prefetched costs)."""
        costs = list(self.costs.all())
        if not costs:
            return None
        disclosed = [c for c in costs if c.amount is not None] or costs
        return min(
            disclosed,
            key=lambda c: (self.HEADLINE_COST_ORDER.index(c.covers), -(c.amount or 0), c.pk),
        )

    def organisations_in_role(self, role: str) -> list:
        """Organisations with that role (uses prefetched involvements)."""
        return [i.organisation for i in self.involvements.all() if i.role == role]

    def all_sources(self):
        """Every source any claim of this record cites."""
        # One IN (subquery) per relation: joining all six at once multiplies rows for a
        # source shared by many records.
        cited = Q()
        for relation in (
            self.citations,
            self.costs,
            self.events,
            self.involvements,
            self.legal_bases,
            self.impact_assessments,
            self.responses,
        ):
            cited |= Q(pk__in=relation.values("source_id"))
        return Source.objects.filter(cited)

    @property
    def operators(self):
        from .claims import Involvement  # claims.py imports this module

        return self.organisations_in_role(Involvement.Role.OPERATOR)

    def clean(self):
        errors = self._date_errors()
        if not errors and self.start_date and self.end_date:
            self._normalise_dates()
            end = dates.latest(self.end_date, self.end_precision)
            if end < self.start_date:
                errors["end_date"] = (
                    f"The end ({self.end_display}) is before the start ({self.start_display}): "
                    "correct one of them, or set the end precision to “unknown”."
                )
        if self.pk is not None and self.replaced_by_id == self.pk:
            errors["replaced_by"] = "A record cannot replace itself."
        if errors:
            raise ValidationError(errors)

    def before_save(self):
        self.end_latest = dates.latest(self.end_date, self.end_precision)
        if self.publication == self.Publication.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.publication != self.Publication.WITHDRAWN:
            self.withdrawn_at = None
        elif self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        super().before_save()  # ImpreciseDateMixin's, which its save() calls

    def publication_problems(self) -> list[str]:
        """Why this record may not be published yet (empty when it may)."""
        if not self.pk:
            return ["Save the deployment first."]
        return Deployment.publication_problems_of([self.pk])[self.pk]

    @staticmethod
    def publication_problems_of(ids) -> dict[int, list[str]]:
        """publication_problems() of many saved records, in two queries (an import's)."""
        from .claims import Citation  # claims.py imports this module

        ids = list(ids)
        cited = set(
            Citation.objects.filter(deployment__in=ids).values_list("deployment_id", flat=True)
        )
        through = Deployment.technologies.through.objects.filter(deployment__in=ids)
        chosen = set(through.values_list("deployment_id", flat=True))
        problems = {pk: [] for pk in ids}
        for pk in ids:
            if pk not in cited:
                problems[pk].append(
                    "A published deployment needs at least one source: add a citation."
                )
            if pk not in chosen:
                problems[pk].append("Choose at least one technology.")
        return problems


class SearchIndex(models.Model):
    """SQLite's full-text index of the deployments (FTS5; migration 0018), read by
    core/search.py; on PostgreSQL the deployment's own search_vector does this work.

    Its rows mirror each deployment's title and search document, kept by triggers as the
    search_vector is on PostgreSQL: the documents have one keeper (core/derived.py).
    `match` is FTS5's hidden column named after the table, which MATCH reads, and `rank`
    its relevance (lower is better).
    """

    deployment = models.OneToOneField(
        Deployment,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_index",
    )
    match = models.TextField(db_column="deployments_search")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "deployments_search"

    def __str__(self):
        return f"Search index of deployment {self.deployment_id}"
