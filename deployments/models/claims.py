"""The sourced claims about a deployment: who was involved, where, what it cost, what
happened when, on what legal basis, which impact assessments, and citations."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django_countries import countries as all_countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from deployments.core import dates, geo
from deployments.core.dates import Precision

from .base import (
    DESCRIPTIVE,
    ImpreciseDateMixin,
    _date_pair,
    _http_only,
    currency_code,
    http_url,
)
from .deployment import Deployment
from .edits import EditedHistory
from .shared import Organisation, Source


class Involvement(models.Model):
    """An organisation's role in a deployment, with the source that says so."""

    class Role(models.TextChoices):
        OPERATOR = "operator", "Operator"
        COMMISSIONER = "commissioner", "Commissioning or procuring body"
        SUPPLIER = "supplier", "Supplier"
        PARTNER = "partner", "Partner"
        DATA_RECIPIENT = "recipient", "Data recipient"
        FUNDER = "funder", "Funder"
        APPROVER = "approver", "Approving authority"

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="involvements"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    note = models.CharField(
        max_length=DESCRIPTIVE, blank=True, help_text="What the source says of its role."
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="involvements", null=True, blank=True
    )

    history = HistoricalRecords(bases=[EditedHistory])

    class Meta:
        # Within a role, in the order they were recorded: a source's "led by X with Y" order
        # is kept, not re-sorted by name.
        ordering = ["role", "id"]
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
    name = models.CharField(max_length=DESCRIPTIVE, help_text="As reported, e.g. “across Europe”.")
    country = CountryField(blank=True, help_text="Leave empty when it spans several countries.")
    # A location across several countries names each one the source names ("throughout
    # Europe" may name none). Stored as "DE,FR": sorted codes, so "FR" can only match a code.
    countries = CountryField(
        multiple=True,
        blank=True,
        help_text="Several countries: each one the source names.",
    )
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

    history = HistoricalRecords(bases=[EditedHistory])

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

    @property
    def codes(self) -> list[str]:
        """The countries it lies in: its one country, or each of several."""
        if self.country:
            return [self.country.code]
        return [c.code for c in self.countries]

    @property
    def country_names(self) -> str:
        return ", ".join(name for _code, name in self.named_countries)

    @property
    def named_countries(self) -> list[tuple[str, str]]:
        """[(code, name)] of its countries, by name (for links to their pages)."""
        return sorted(((c, all_countries.name(c)) for c in self.codes), key=lambda p: p[1])

    @staticmethod
    def in_countries(codes) -> Q:
        """Locations in any of these countries, alone or among several."""
        among = Q()
        for code in codes:
            among |= Q(countries__contains=code)
        return Q(country__in=codes) | (Q(precision=Location.Precision.MULTI_COUNTRY) & among)

    def clean_fields(self, exclude=None):
        # JSONField's own check serialises the value, recursing once per level: a geometry
        # too deep or too large for that is left to clean(), which says what is wrong with it.
        if self.geometry is not None:
            try:
                geo.check_size(self.geometry)
            except ValidationError:
                exclude = {*(exclude or ()), "geometry"}
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.countries and self.precision != self.Precision.MULTI_COUNTRY:
            errors["countries"] = (
                "Only a location across several countries names several: choose "
                "“Several countries”, or give its one country."
            )
        elif self.countries and self.country:
            errors["country"] = "A location across several countries names them under Countries."
        elif len(self.countries) == 1:
            errors["countries"] = "Name two or more, or give the one country as its country."
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

    def before_save(self):
        """What save() fills in before writing; bulk writes, which bypass save(), call it."""
        if self.geometry:
            self.longitude, self.latitude = geo.representative_point(self.geometry)
        else:
            self.longitude = self.latitude = None

    def save(self, *args, **kwargs):
        self.before_save()
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
        "period or note", max_length=DESCRIPTIVE, blank=True, help_text="e.g. “six-month trial”."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="costs")
    quote = models.TextField(blank=True, help_text="The words of the source, if useful.")

    history = HistoricalRecords(bases=[EditedHistory])

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
    description = models.CharField(max_length=DESCRIPTIVE, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")

    history = HistoricalRecords(bases=[EditedHistory])
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
        CHALLENGED = "challenged", "Under legal challenge"
        UNLAWFUL = "unlawful", "Found unlawful by a court"
        UNLAWFUL_REGULATOR = (
            "unlawful_regulator",
            "Found unlawful by a regulator or data-protection authority",
        )
        PARTLY_UNLAWFUL = "partly_unlawful", "Found partly unlawful"
        LAWFUL = "lawful", "Found lawful"
        # Said by someone who neither runs it nor rules on it (an industry body, a supplier):
        # a claim about the law, but not the operator's.
        THIRD_PARTY = "third_party", "Stated by a third party"
        # Researched, and no one states a basis; a record with no legal-basis row at all is
        # "not researched yet" (filters.UNRESEARCHED).
        NOT_STATED = "not_stated", "None stated by anyone"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="legal_bases")
    instrument_type = models.CharField(max_length=10, choices=Instrument.choices)
    instrument = models.CharField(
        max_length=DESCRIPTIVE, blank=True, help_text="Its name, e.g. “Data Protection Act 2018”."
    )
    provision = models.CharField(
        max_length=DESCRIPTIVE, blank=True, help_text="Section or article."
    )
    url = models.URLField("link", max_length=500, blank=True, validators=[http_url])
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="legal_bases")

    history = HistoricalRecords(bases=[EditedHistory])

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
        max_length=DESCRIPTIVE, blank=True, help_text="Who published or obtained it."
    )
    url = models.URLField("link", max_length=500, blank=True, validators=[http_url])
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="assessments")

    history = HistoricalRecords(bases=[EditedHistory])
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

    history = HistoricalRecords(bases=[EditedHistory])

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


class Response(ImpreciseDateMixin, models.Model):
    """A sourced, dated statement about a deployment by a named organisation or person: an
    objection, the operator's reply, a regulator's statement, a refusal to comment."""

    class Kind(models.TextChoices):
        OBJECTION = "objection", "Objection"
        SUPPORT = "support", "Support"
        REPLY = "reply", "Reply by the operator"
        REGULATOR = "regulator", "Regulator’s statement"
        NO_COMMENT = "no_comment", "Declined to comment or did not respond"
        OTHER = "other", "Other statement"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="responses",
        null=True,
        blank=True,
        help_text="Who made it, or whom the person speaks for.",
    )
    person = models.CharField(
        max_length=300,
        blank=True,
        help_text="The person speaking, as reported, e.g. “Lucie Audibert, lawyer and legal "
        "officer”.",
    )
    date, date_precision = _date_pair("date")
    summary = models.CharField(max_length=DESCRIPTIVE, help_text="What was said, briefly.")
    quote = models.TextField(blank=True, help_text="The words of the statement, as reported.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="responses")

    history = HistoricalRecords(bases=[EditedHistory])
    imprecise_dates = (("date", "date_precision", "date"),)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(person=""),
                name="response_has_a_speaker",
                violation_error_message="Name the organisation or the person who made it.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.speaker}"

    @property
    def speaker(self) -> str:
        parts = [self.person, self.organisation.name if self.organisation_id else ""]
        return ", ".join(part for part in parts if part)

    @property
    def date_display(self):
        return dates.display(self.date, self.date_precision, unknown="undated")
