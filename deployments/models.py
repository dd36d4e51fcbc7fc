"""The register: deployments of surveillance technology and the sourced claims about them.

Every claim that the public reads (a cost, a date, a supplier, a legal basis) points at a
Source. Uncertain facts are stored as what is known: an imprecise date keeps its precision, a
cost keeps its qualifier ("up to"), a location keeps its precision ("national").
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from . import dates, geo
from .dates import Precision

http_url = URLValidator(schemes=["http", "https"])
currency_code = RegexValidator(
    r"^[A-Z]{3}$", "Use the three-letter ISO 4217 code in capitals, e.g. GBP or EUR."
)
_http_only = Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://")

# Words the site's addresses use where a slug could go (/deployments/map/ beside
# /deployments/<slug>/), now or in pages planned: a record, organisation or technology with
# one of these slugs could never be opened. tests/test_models.py checks that every fixed
# word under those prefixes in the URLs is here.
RESERVED_SLUGS = frozenset(
    {
        "map",
        "timeline",
        "charts",
        "search",
        "sources",
        "countries",
        "compare",
        "new",
        "add",
        "edit",
        "export",
        "feed",
        "api",
    }
)


def not_reserved(slug: str) -> None:
    if slug.lower() in RESERVED_SLUGS:
        raise ValidationError(
            f"“{slug}” is reserved: the site has a page at that address. Choose another "
            f"slug, e.g. “{slug}-1” or a more specific name.",
            code="reserved",
        )


def _slug_not_reserved(name: str) -> models.CheckConstraint:
    # The same rule in the database, for rows written without the model (an import by SQL).
    return models.CheckConstraint(
        condition=~Q(slug__in=sorted(RESERVED_SLUGS)),
        name=f"{name}_slug_not_reserved",
        violation_error_message="That slug is reserved for a page of the site.",
    )


class ImpreciseDateMixin:
    """Shared clean()/save() for models holding one or more (date, precision) pairs.

    `imprecise_dates` lists (date field, precision field, human label).
    """

    imprecise_dates: tuple[tuple[str, str, str], ...] = ()

    def _normalise_dates(self):
        for field, precision_field, _label in self.imprecise_dates:
            precision = getattr(self, precision_field)
            setattr(self, field, dates.normalise(getattr(self, field), precision))

    def _date_errors(self) -> dict[str, str]:
        errors = {}
        for field, precision_field, label in self.imprecise_dates:
            errors.update(
                dates.check(getattr(self, field), getattr(self, precision_field), field, label)
            )
        return errors

    def clean(self):
        errors = self._date_errors()
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self._normalise_dates()
        super().save(*args, **kwargs)


def _date_pair(label: str, *, blank_ok: bool = True):
    """A date field and its precision field, as a pair of model fields."""
    return (
        models.DateField(
            label,
            null=True,
            blank=blank_ok,
            help_text="For a month or year, any day in it will do: it is stored as the first day.",
        ),
        models.CharField(
            f"{label} precision",
            max_length=8,
            choices=Precision.choices,
            default=Precision.UNKNOWN,
        ),
    )


class TechnologyQuerySet(models.QuerySet):
    def public(self):
        """Technologies of at least one published deployment (a draft's new entry stays hidden)."""
        # EXISTS stops at the first published deployment; a join with DISTINCT would read all
        # of them, and every request naming a technology validates it through this.
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
    history = HistoricalRecords()

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
        published = Involvement.objects.filter(
            organisation=models.OuterRef("pk"),
            deployment__publication=Deployment.Publication.PUBLISHED,
        )
        return self.filter(models.Exists(published))


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
    history = HistoricalRecords()

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

    history = HistoricalRecords()
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

    @property
    def published_display(self):
        return dates.display(self.published, self.published_precision, unknown="undated")


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
        max_length=100, blank=True, help_text="As reported, e.g. “six months”."
    )
    scale = models.CharField(
        max_length=200, blank=True, help_text="As reported, e.g. “~10,000 cameras”."
    )
    affected_groups = models.TextField(blank=True)
    data_retention = models.CharField(
        max_length=200, blank=True, help_text="As reported, e.g. “up to six years”."
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
    # Texts of the record, its organisations and sources in one column (search.py keeps it).
    search_text = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL only: title (weight A) and search_text (B) as a tsvector, written by a trigger
    # (migration 0004) so every insert, bulk or not, keeps it in step; GIN-indexed for search.
    # The column exists but stays empty on SQLite, which searches search_text instead.
    search_vector = SearchVectorField(null=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    sources = models.ManyToManyField(Source, through="Citation", related_name="deployments")
    organisations = models.ManyToManyField(
        Organisation, through="Involvement", related_name="deployments"
    )

    objects = DeploymentQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[technologies], excluded_fields=["search_text", "search_vector"]
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
    def start_display(self):
        return dates.display(self.start_date, self.start_precision)

    @property
    def end_display(self):
        if self.end_date is None and self.status in {self.Status.ACTIVE, self.Status.TRIAL}:
            return "ongoing"
        return dates.display(self.end_date, self.end_precision)

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
        ):
            cited |= Q(pk__in=relation.values("source_id"))
        return Source.objects.filter(cited)

    @property
    def operators(self):
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
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.end_latest = dates.latest(self.end_date, self.end_precision)
        if self.publication == self.Publication.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def publication_problems(self) -> list[str]:
        """Why this record may not be published yet (empty when it may)."""
        problems = []
        if not self.pk:
            return ["Save the deployment first."]
        if not self.citations.exists():
            problems.append("A published deployment needs at least one source: add a citation.")
        if not self.technologies.exists():
            problems.append("Choose at least one technology.")
        return problems


class Involvement(models.Model):
    """An organisation's role in a deployment, with the source that says so."""

    class Role(models.TextChoices):
        OPERATOR = "operator", "Operator"
        COMMISSIONER = "commissioner", "Commissioning or procuring body"
        SUPPLIER = "supplier", "Supplier"
        PARTNER = "partner", "Partner"
        DATA_RECIPIENT = "recipient", "Data recipient"

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="involvements"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    note = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="involvements", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "organisation", "role"],
                name="involvement_unique_role",
                violation_error_message="This organisation already has that role here.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class Location(models.Model):
    class Precision(models.TextChoices):
        EXACT = "exact", "Exact site"
        APPROXIMATE = "approximate", "Approximate"
        CITY = "city", "City or region"
        NATIONAL = "national", "National"
        MULTI_COUNTRY = "multi", "Several countries"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200, help_text="As reported, e.g. “across Europe”.")
    country = CountryField(blank=True, help_text="Leave empty when it spans several countries.")
    precision = models.CharField(max_length=12, choices=Precision.choices)
    geometry = models.JSONField(
        null=True,
        blank=True,
        help_text="GeoJSON geometry in WGS84 [longitude, latitude]. Draw it on the map.",
    )
    # A representative point (the point, or the centre of the geometry's bounds), kept by save()
    # so map views and bbox filters need no geometry arithmetic in the database.
    longitude = models.FloatField(null=True, blank=True, editable=False)
    latitude = models.FloatField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="location_point"),
            # The country facet counts deployments per country from the index alone.
            models.Index(fields=["country", "deployment"], name="location_country"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="location_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.geometry is not None:
            try:
                geo.validate(self.geometry)
            except ValidationError as error:
                errors["geometry"] = error.messages
        if self.precision == self.Precision.EXACT and self.geometry is None:
            errors.setdefault("geometry", []).append(
                "An exact site needs a geometry: draw it on the map, or choose a looser precision."
            )
        if self.precision == self.Precision.NATIONAL and not self.country:
            errors["country"] = "A national location needs its country."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.geometry:
            self.longitude, self.latitude = geo.representative_point(self.geometry)
        else:
            self.longitude = self.latitude = None
        super().save(*args, **kwargs)


class Cost(models.Model):
    class Covers(models.TextChoices):
        BUDGET = "budget", "Budget"
        CONTRACT = "contract", "Contract value"
        INITIAL = "initial", "Initial cost"
        ANNUAL = "annual", "Annual cost"
        SPEND = "spend", "Spend to date"
        ESTIMATE = "estimate", "Estimate"

    class Qualifier(models.TextChoices):
        EXACT = "exact", "Exactly"
        UP_TO = "up_to", "Up to"
        APPROXIMATELY = "approx", "Approximately"
        AT_LEAST = "at_least", "At least"
        NOT_DISCLOSED = "undisclosed", "Not disclosed"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="costs")
    amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Leave empty only when the amount was not disclosed.",
    )
    currency = models.CharField(max_length=3, validators=[currency_code], default="GBP")
    covers = models.CharField("what it covers", max_length=10, choices=Covers.choices)
    qualifier = models.CharField(max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    period = models.CharField(
        "period or note", max_length=200, blank=True, help_text="e.g. “six-month trial”."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="costs")
    quote = models.TextField(blank=True, help_text="The words of the source, if useful.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="cost_amount_not_negative",
                violation_error_message="A cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, qualifier="undisclosed")
                | (Q(amount__isnull=False) & ~Q(qualifier="undisclosed")),
                name="cost_amount_or_undisclosed",
                violation_error_message=(
                    "Enter an amount, or choose “not disclosed” and leave the amount empty."
                ),
            ),
        ]

    def __str__(self):
        return self.display()

    def display(self) -> str:
        if self.amount is None:
            return f"{self.get_covers_display()}: not disclosed"
        qualifier = "" if self.qualifier == self.Qualifier.EXACT else self.get_qualifier_display()
        amount = f"{self.amount:,.2f}".removesuffix(".00")
        return " ".join(p for p in (qualifier, self.currency, amount) if p)

    def clean(self):
        if self.currency:
            self.currency = self.currency.upper()
        if self.amount is None and self.qualifier != self.Qualifier.NOT_DISCLOSED:
            raise ValidationError(
                {"amount": "Enter the amount, or set the qualifier to “not disclosed”."}
            )
        if self.amount is not None and self.qualifier == self.Qualifier.NOT_DISCLOSED:
            raise ValidationError(
                {"qualifier": "An amount is given, so it was disclosed: choose another qualifier."}
            )


class Event(ImpreciseDateMixin, models.Model):
    class Kind(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        DPIA = "dpia", "DPIA completed"
        CONTRACT = "contract", "Contract awarded"
        STARTED = "started", "Started"
        EXPANDED = "expanded", "Expanded"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"
        CHALLENGE = "challenge", "Legal challenge"
        RULING = "ruling", "Ruling"
        REPORTED = "reported", "Reported"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date, date_precision = _date_pair("date", blank_ok=False)
    description = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")

    history = HistoricalRecords()
    imprecise_dates = (("date", "date_precision", "date"),)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=False) & ~Q(date_precision=Precision.UNKNOWN),
                name="event_date_known",
                violation_error_message="An event needs a date, at least to the year.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date_display})"

    @property
    def date_display(self):
        return dates.display(self.date, self.date_precision)

    def clean(self):
        if self.date_precision == Precision.UNKNOWN:
            raise ValidationError(
                {
                    "date_precision": "An event is drawn on the timeline, so it needs a date "
                    "known at least to the year."
                }
            )
        super().clean()


class LegalBasis(models.Model):
    class Instrument(models.TextChoices):
        STATUTE = "statute", "Statute"
        REGULATION = "regulation", "Regulation"
        CODE = "code", "Code of practice"
        CONTRACT = "contract", "Contract"
        RULING = "ruling", "Court ruling"
        NONE_STATED = "none", "None stated"

    class Status(models.TextChoices):
        ASSERTED = "asserted", "Asserted by the operator"
        DISPUTED = "disputed", "Disputed"
        UNLAWFUL = "unlawful", "Found unlawful by a court"
        LAWFUL = "lawful", "Found lawful by a court"
        NOT_STATED = "not_stated", "Not stated"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="legal_bases")
    instrument_type = models.CharField(max_length=10, choices=Instrument.choices)
    instrument = models.CharField(
        max_length=300, blank=True, help_text="Its name, e.g. “Data Protection Act 2018”."
    )
    provision = models.CharField(max_length=300, blank=True, help_text="Section or article.")
    url = models.URLField("link", max_length=500, blank=True, validators=[http_url])
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="legal_bases")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "legal bases"
        indexes = [models.Index(fields=["status", "deployment"], name="legal_basis_status")]
        constraints = [models.CheckConstraint(condition=_http_only, name="legal_basis_url_http")]

    def __str__(self):
        return self.instrument or self.get_instrument_type_display()

    def clean(self):
        if self.instrument_type != self.Instrument.NONE_STATED and not self.instrument:
            raise ValidationError(
                {"instrument": "Name the instrument, or choose “none stated” as its type."}
            )


class ImpactAssessment(ImpreciseDateMixin, models.Model):
    class Kind(models.TextChoices):
        DPIA = "dpia", "Data protection impact assessment"
        EIA = "eia", "Equality impact assessment"
        HRIA = "hria", "Human rights impact assessment"
        OTHER = "other", "Other assessment"

    class Availability(models.TextChoices):
        PUBLISHED = "published", "Published"
        FOI = "foi", "Obtained by FOI request"
        REPORTED = "reported", "Reported, not public"
        UNKNOWN = "unknown", "Not known"

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="impact_assessments"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.DPIA)
    date, date_precision = _date_pair("date")
    availability = models.CharField(max_length=10, choices=Availability.choices)
    obtained_by = models.CharField(
        max_length=200, blank=True, help_text="Who published or obtained it."
    )
    url = models.URLField("link", max_length=500, blank=True, validators=[http_url])
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="assessments")

    history = HistoricalRecords()
    imprecise_dates = (("date", "date_precision", "date"),)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=_http_only, name="assessment_url_http")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date_display})"

    @property
    def date_display(self):
        return dates.display(self.date, self.date_precision, unknown="undated")


class Citation(models.Model):
    """A source supporting one claim about a deployment (its description, its dates...).

    Costs, events, organisation roles, legal bases and assessments carry their own source; a
    citation covers the deployment's own fields.
    """

    class Claim(models.TextChoices):
        GENERAL = "general", "The deployment as a whole"
        SUMMARY = "summary", "Summary"
        DESCRIPTION = "description", "Description"
        STATUS = "status", "Status"
        START = "start", "Start date"
        END = "end", "End date"
        DURATION = "duration", "Planned duration"
        SCALE = "scale", "Scale"
        AFFECTED = "affected", "Affected groups"
        RETENTION = "retention", "Data retention"
        SHARING = "sharing", "Data sharing"
        VISIBILITY = "visibility", "Covert or overt"
        LOCATION = "location", "Locations"
        TECHNOLOGY = "technology", "Technologies"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    claim = models.CharField(max_length=12, choices=Claim.choices, default=Claim.GENERAL)
    quote = models.TextField(blank=True, help_text="The words of the source that support it.")
    locator = models.CharField(max_length=100, blank=True, help_text="Page or paragraph.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "source", "claim"],
                name="citation_unique_claim",
                violation_error_message="This source is already cited for that claim.",
            ),
        ]

    def __str__(self):
        return f"{self.get_claim_display()}: {self.source}"


class RegisterState(models.Model):
    """One row: when the public register last changed, and a token that changes with it.

    Pages, facet counts and exports are reused (HTTP validators, the cache) for as long as the
    token stays the same, so reading "has anything public changed?" costs one primary-key
    lookup instead of a scan of every history table. freshness.touch() writes it; derived.py
    calls that on every edit a reader could see, and never on edits to never-published drafts,
    so the Last-Modified of a page does not reveal when a draft was worked on.
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
    instead of gathering every record's related rows (export_rows.py).

    The line is split around its address cell, which depends on the host asked: `head` is
    "id,slug," and `tail` everything after the address, ending in CRLF. derived.py writes it
    again whenever a transaction that changed anything it was written from commits; a row
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

    def __str__(self):
        return self.head
