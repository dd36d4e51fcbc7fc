"""What every model of the register shares: URL and currency validators, reserved slugs, and
imprecise dates with their precision."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Q

from deployments.core import dates
from deployments.core.dates import Precision

http_url = URLValidator(schemes=["http", "https"])
currency_code = RegexValidator(
    r"^[A-Z]{3}$", "Use the three-letter ISO 4217 code in capitals, e.g. GBP or EUR."
)
# How long a descriptive field may be (a scale, a retention period, a role's note): real
# reporting ("up to 2,500 tags across England and Wales, with ...") runs past 200 characters.
DESCRIPTIVE = 1000
_http_only = Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://")

# Words the site's addresses use where a slug could go (/deployments/map/ beside
# /deployments/<slug>/), now or in pages planned: a record, organisation or technology with
# one of these slugs could never be opened. core/tests/test_models.py checks that every fixed
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

    def before_save(self):
        """What save() fills in before writing; bulk writes, which bypass save(), call it."""
        self._normalise_dates()

    def save(self, *args, **kwargs):
        self.before_save()
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
