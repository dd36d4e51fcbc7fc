"""Records that many deployments name: technologies, organisations and sources."""

import re

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from deployments.core import dates
from deployments.core.dates import Precision

from .base import (
    ImpreciseDateMixin,
    _date_pair,
    _http_only,
    _slug_not_reserved,
    http_url,
    not_reserved,
)
from .edits import EditedHistory


class TechnologyQuerySet(models.QuerySet):
    def public(self):
        """Technologies of at least one published deployment (a draft's new entry stays hidden)."""
        # EXISTS stops at the first published deployment; a join with DISTINCT would read all
        # of them, and every request naming a technology validates it through this.
        from .deployment import Deployment  # which imports this module

        published = Deployment.technologies.through.objects.filter(
            technology=models.OuterRef("pk"),
            deployment__publication=Deployment.Publication.PUBLISHED,
        )
        return self.filter(models.Exists(published))


class Technology(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, validators=[not_reserved])
    description = models.TextField(help_text="What it is and does, in plain language.")

    objects = TechnologyQuerySet.as_manager()
    history = HistoricalRecords(bases=[EditedHistory])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "technologies"
        constraints = [_slug_not_reserved("technology")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("technology_detail", args=[self.slug])


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """Organisations named in at least one published deployment."""
        from .claims import Involvement  # which imports this module
        from .deployment import Deployment

        published = Involvement.objects.filter(
            organisation=models.OuterRef("pk"),
            deployment__publication=Deployment.Publication.PUBLISHED,
        )
        return self.filter(models.Exists(published))

    def like(self, name: str, exclude_pk=None) -> list:
        """Organisations whose names differ from `name` only by an article, a legal suffix,
        case or punctuation ("The Barcode Warehouse", "Buddi Limited"): likely the same body."""
        key = name_key(name)
        if not key:
            return []
        # The key's longest word narrows the candidates in the database; the key decides.
        word = max(key.split(), key=len)
        candidates = self.filter(name__icontains=word).exclude(pk=exclude_pk)
        return [o for o in candidates.order_by("name") if name_key(o.name) == key]


# What an organisation's name may carry that does not tell it from another of the same name.
_ARTICLES = ("the",)
_LEGAL_SUFFIXES = {"ltd", "limited", "plc", "llp", "llc", "inc", "incorporated", "gmbh", "sa"}
_LEGAL_SUFFIXES |= {"ag", "bv", "nv", "spa", "srl", "co", "company", "group", "uk"}


def name_key(name: str) -> str:
    """A name reduced to what tells one organisation from another."""
    words = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    if words and words[0] in _ARTICLES:
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
    return " ".join(words)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "Government department"
        POLICE = "police", "Police force"
        AGENCY = "agency", "Public agency"
        COMPANY = "company", "Company"
        NGO = "ngo", "NGO"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, validators=[not_reserved])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(blank=True)
    website = models.URLField(blank=True, validators=[http_url])
    description = models.TextField(blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(bases=[EditedHistory])

    class Meta:
        ordering = ["name"]
        constraints = [
            _slug_not_reserved("organisation"),
            models.CheckConstraint(
                condition=Q(website="")
                | Q(website__startswith="http://")
                | Q(website__startswith="https://"),
                name="organisation_website_http",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation_detail", args=[self.slug])


class OrganisationAlias(models.Model):
    """The address of an organisation merged into another (editing/merge.py): it redirects
    there, so links to it keep working."""

    slug = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "organisation aliases"

    def __str__(self):
        return f"{self.name} → {self.organisation}"


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources a published deployment rests on, by any claim: one cited only by a draft
        would reveal the draft."""
        from .claims import (
            Citation,
            Cost,
            Event,
            ImpactAssessment,
            Involvement,
            LegalBasis,
            Response,
        )
        from .deployment import Deployment

        published = Deployment.Publication.PUBLISHED
        used = models.Q()
        for model in (Citation, Cost, Event, Involvement, LegalBasis, ImpactAssessment, Response):
            used |= models.Exists(
                model.objects.filter(
                    source=models.OuterRef("pk"), deployment__publication=published
                )
            )
        return self.filter(used)


class Source(ImpreciseDateMixin, models.Model):
    class Type(models.TextChoices):
        NEWS = "news", "News report"
        OFFICIAL = "official", "Official publication"
        FOI = "foi", "FOI response"
        COURT = "court", "Court judgment"
        CONTRACT = "contract", "Contract notice"
        NGO = "ngo", "NGO report"
        VENDOR = "vendor", "Vendor material"
        OTHER = "other", "Other"

    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    source_type = models.CharField(max_length=10, choices=Type.choices, default=Type.NEWS)
    # Optional: print articles and FOI responses may have no address. http(s) only.
    url = models.URLField("URL", max_length=500, blank=True, validators=[http_url])
    archive_url = models.URLField("archive URL", max_length=500, blank=True, validators=[http_url])
    published, published_precision = _date_pair("publication date")
    accessed = models.DateField("access date", null=True, blank=True)
    notes = models.TextField(
        blank=True, help_text="How to find it when there is no URL, or what to know about it."
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(bases=[EditedHistory])
    imprecise_dates = (("published", "published_precision", "publication date"),)

    class Meta:
        ordering = ["publisher", "title"]
        constraints = [
            models.CheckConstraint(condition=_http_only, name="source_url_http"),
            models.CheckConstraint(
                condition=Q(archive_url="")
                | Q(archive_url__startswith="http://")
                | Q(archive_url__startswith="https://"),
                name="source_archive_url_http",
            ),
            models.CheckConstraint(
                condition=Q(published__isnull=True, published_precision=Precision.UNKNOWN)
                | (Q(published__isnull=False) & ~Q(published_precision=Precision.UNKNOWN)),
                name="source_published_precision",
            ),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.pk])

    @property
    def published_display(self):
        return dates.display(self.published, self.published_precision, unknown="undated")
