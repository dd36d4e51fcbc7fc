"""The one FilterSet. Every listing page, facet, map, timeline and export reads it.

django-filter drops invalid filters silently, which would widen results (STACK_NOTES), so
callers must check `is_valid()` and answer 400 with `errors` when it is not. Every value is
validated by a form field, never inside a filter method (an error raised there is a 500).
Filters use EXISTS subqueries rather than joins, so no DISTINCT is ever needed and counts stay
cheap.
"""

import difflib
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.http import QueryDict
from django_countries import countries

from deployments.core import dates, freshness, search
from deployments.models import (
    Cost,
    Deployment,
    Event,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Technology,
)

SORTS = {
    "start": "Start date, earliest first",
    "-start": "Start date, latest first",
    "end": "End date, earliest first",
    "-end": "End date, latest first",
    # Amounts are compared as reported: choose a currency to compare like with like.
    "cost": "Cost, lowest first",
    "-cost": "Cost, highest first",
    "title": "Title, A to Z",
    "-title": "Title, Z to A",
    "updated": "Least recently updated",
    "-updated": "Most recently updated",
    "relevance": "Best match (with a search)",
}
DEFAULT_SORT = "-start"
SINGLE_VALUED = (
    "q",
    "role",
    "from",
    "to",
    "cost_min",
    "cost_max",
    "currency",
    "bbox",
    "sort",
    "page",
    "when",
)
# What from/to ask about. By default a record is in a period when it may have been running
# then or when something dated happened to it then (a contract, an announcement): "what
# happened in 2022?" must find the 2022 contracts of records whose start nobody reported.
WHEN = {
    "active": "Running in the period",
    "events": "With a dated event in the period",
}
# Parameters that links pick up on the way (campaign tags from newsletters and social sites).
# They say nothing about the filter, so ignoring them cannot widen a result.
TRACKING = {"fbclid", "gclid", "msclkid"}
TRACKING_PREFIX = "utm_"
# A legal-status value for the records nobody has researched yet: they have no legal-basis
# row at all, unlike a researched "none stated" (LegalBasis.Status.NOT_STATED).
UNRESEARCHED = "unresearched"
LEGAL_STATUSES = [*LegalBasis.Status.choices, (UNRESEARCHED, "Not researched yet")]


class UpperMultipleChoiceField(forms.MultipleChoiceField):
    """Accepts "gb" as well as "GB" for codes such as countries."""

    def to_python(self, value):
        return [v.upper() for v in super().to_python(value)]


class ImpreciseDateField(forms.CharField):
    """A date as precise as typed ("2022", "July 2022", "2022-07", "14 October 2024"...: what
    the admin accepts), cleaned to (first day, last day) of that period."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            first, precision = dates.parse_typed(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return first, dates.latest(first, precision)


class CurrencyField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value).strip().upper()
        if value and not re.fullmatch(r"[A-Z]{3}", value):
            raise ValidationError(f"“{value}” is not a currency code: use three letters, e.g. GBP.")
        return value


class BBoxField(forms.CharField):
    """minlon,minlat,maxlon,maxlat in WGS84 degrees."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise ValidationError(
                "Give four numbers separated by commas: minlon,minlat,maxlon,maxlat."
            ) from None
        if not all(abs(v) != float("inf") and v == v for v in (west, south, east, north)):
            raise ValidationError("The bounding box must be finite numbers.")
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise ValidationError("Longitudes must be between -180 and 180.")
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise ValidationError("Latitudes must be between -90 and 90.")
        if south > north:
            raise ValidationError("minlat is greater than maxlat: give the south edge first.")
        return west, south, east, north


class PageField(forms.IntegerField):
    default_error_messages = {"invalid": "The page must be a whole number, e.g. page=2."}


# django-filter takes a custom form field as a class attribute of the filter.
class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperMultipleChoiceField


class CurrencyFilter(django_filters.CharFilter):
    field_class = CurrencyField


class BBoxFilter(django_filters.CharFilter):
    field_class = BBoxField


class PageFilter(django_filters.NumberFilter):
    field_class = PageField


class ImpreciseDateFilter(django_filters.CharFilter):
    field_class = ImpreciseDateField


class DeploymentFilterForm(forms.Form):
    """Checks between parameters; each parameter's own check is its field's."""

    def clean(self):
        data = super().clean()
        for name in SINGLE_VALUED:
            if len(self.data.getlist(name)) > 1:
                # Keeping only the last value would widen the result behind the reader's back.
                self.add_error(name, f"Give {name} once: it takes a single value.")
        low, high = data.get("cost_min"), data.get("cost_max")
        if low is not None and high is not None and low > high:
            self.add_error("cost_max", "cost_max is below cost_min.")
        if (low is not None or high is not None) and not data.get("currency"):
            # Amounts in different currencies are not comparable, and converting them would
            # invent figures no source gave. With one currency in the register there is
            # nothing to choose.
            held = currencies()
            if len(held) == 1:
                data["currency"] = held[0]
            else:
                listed = " or ".join(held) or "none yet"
                self.add_error(
                    "currency",
                    f"Choose the currency to compare costs in: the register holds {listed}.",
                )
        start, end = data.get("from"), data.get("to")
        if start and end and start[0] > end[1]:
            self.add_error("to", "“to” is before “from”.")
        return data


class DeploymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    technology = django_filters.ModelMultipleChoiceFilter(
        queryset=Technology.objects.public(), to_field_name="slug", method="filter_technology"
    )
    status = django_filters.MultipleChoiceFilter(choices=Deployment.Status.choices)
    country = CountryFilter(choices=list(countries), method="filter_country")
    organisation = django_filters.ModelMultipleChoiceFilter(
        queryset=Organisation.objects.public(),
        to_field_name="slug",
        method="filter_organisation",
    )
    role = django_filters.ChoiceFilter(
        choices=Involvement.Role.choices, method="filter_role", label="Organisation's role"
    )
    # "from" and "to" are Python keywords, so they are added to base_filters below the class.
    cost_min = django_filters.NumberFilter(method="filter_nothing", min_value=0, label="Cost from")
    cost_max = django_filters.NumberFilter(method="filter_nothing", min_value=0, label="Cost to")
    currency = CurrencyFilter(method="filter_nothing")
    legal_status = django_filters.MultipleChoiceFilter(
        choices=LEGAL_STATUSES, method="filter_legal_status", label="Legal status"
    )
    bbox = BBoxFilter(method="filter_bbox", label="Map area")
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="filter_nothing", empty_label=None
    )
    when = django_filters.ChoiceFilter(
        choices=list(WHEN.items()),
        method="filter_nothing",
        empty_label="Running or with an event in the period",
        label="Dates match",
        error_messages={
            "invalid_choice": "when takes active (running in the period) or events (with a "
            "dated event in it); leave it out for either."
        },
    )
    # Validated here like every other parameter; the views paginate with it.
    page = PageFilter(method="filter_nothing", min_value=1)

    class Meta:
        model = Deployment
        fields = []
        form = DeploymentFilterForm

    def filter_queryset(self, queryset, exclude=()):
        """Apply every valid filter except those named in `exclude` (for facet counts)."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        if not {"cost_min", "cost_max", "currency"} & set(exclude):
            queryset = self._filter_cost(queryset, data)
        if "date" not in exclude:
            queryset = queryset.filter(
                period_match(data.get("from"), data.get("to"), data.get("when") or "")
            )
        if "sort" not in exclude:
            queryset = self._sort(queryset, data)
        return queryset

    # Filters ------------------------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        # Parameters that act together (cost range, sort, page) are applied in
        # filter_queryset; this keeps django-filter from acting on them alone.
        return queryset

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return search.search(queryset, value)

    def filter_technology(self, queryset, name, value):
        if not value:
            return queryset
        through = Deployment.technologies.through.objects.filter(
            deployment=OuterRef("pk"), technology__in=value
        )
        return queryset.filter(Exists(through))

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        located = Location.objects.filter(Location.in_countries(value), deployment=OuterRef("pk"))
        return queryset.filter(Exists(located))

    def filter_organisation(self, queryset, name, value):
        if not value:
            return queryset
        involved = Involvement.objects.filter(deployment=OuterRef("pk"), organisation__in=value)
        role = self.form.cleaned_data.get("role")
        if role:
            involved = involved.filter(role=role)
        return queryset.filter(Exists(involved))

    def filter_role(self, queryset, name, value):
        # With organisations, the role narrows them (see filter_organisation); alone, it asks
        # for deployments where some organisation is known in that role.
        if not value or self.form.cleaned_data.get("organisation"):
            return queryset
        return queryset.filter(
            Exists(Involvement.objects.filter(deployment=OuterRef("pk"), role=value))
        )

    def filter_legal_status(self, queryset, name, value):
        if not value:
            return queryset
        bases = LegalBasis.objects.filter(deployment=OuterRef("pk"))
        matches = Exists(bases.filter(status__in=value))
        if UNRESEARCHED in value:
            matches |= ~Exists(bases)
        return queryset.filter(matches)

    def filter_bbox(self, queryset, name, value):
        if not value:
            return queryset
        west, south, east, north = value
        inside = Location.objects.filter(
            deployment=OuterRef("pk"), latitude__gte=south, latitude__lte=north
        )
        if west <= east:
            inside = inside.filter(longitude__gte=west, longitude__lte=east)
        else:  # the box crosses the antimeridian
            inside = inside.filter(Q(longitude__gte=west) | Q(longitude__lte=east))
        return queryset.filter(Exists(inside))

    # Filters that read several parameters -------------------------------------------------

    def _cost_rows(self, data):
        costs = Cost.objects.filter(amount__isnull=False)
        if data.get("currency"):
            costs = costs.filter(currency=data["currency"])
        return costs

    def _filter_cost(self, queryset, data):
        low, high = data.get("cost_min"), data.get("cost_max")
        if low is None and high is None and not data.get("currency"):
            return queryset
        # One cost must satisfy the whole range and currency together.
        costs = self._cost_rows(data).filter(deployment=OuterRef("pk"))
        if low is not None:
            costs = costs.filter(amount__gte=low)
        if high is not None:
            costs = costs.filter(amount__lte=high)
        return queryset.filter(Exists(costs))

    def _sort(self, queryset, data):
        sort = data.get("sort") or ("relevance" if data.get("q") else DEFAULT_SORT)
        if sort == "relevance":
            if not data.get("q"):
                sort = DEFAULT_SORT
            else:
                ranked = search.ranked(queryset, data["q"])
                return ranked.order_by(F("rank").desc(), "title", "pk")
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        if key == "cost":
            # Highest disclosed amount (in the asked currency, if one is given).
            amounts = self._cost_rows(data).filter(deployment=OuterRef("pk"))
            top = amounts.values("deployment").annotate(top=Max("amount")).values("top")
            queryset = queryset.annotate(sort_cost=Subquery(top))
            column = F("sort_cost")
        else:
            column = F({"start": "start_date", "end": "end_latest"}.get(key, key))
        ordered = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
        return queryset.order_by(ordered, "title", "pk")

    # For views ----------------------------------------------------------------------------

    # Parameters it has no filter for, or that do not apply where it is used (filtered()).
    unknown: list[tuple[str, str]] = []

    def is_valid(self) -> bool:
        return not self.unknown and super().is_valid()

    @property
    def active(self) -> dict:
        """The cleaned parameters that narrow the result (for chips and filenames)."""
        if not self.is_valid():
            return {}
        skip = {"sort", "page"}
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in skip and value not in (None, "") and not _is_empty(value)
        }

    def error_list(self) -> list[tuple[str, str]]:
        """[(parameter, message)] for the 400 page and JSON errors."""
        return self.unknown + [
            (name, message) for name, messages in self.form.errors.items() for message in messages
        ]


def _is_empty(value) -> bool:
    # Multiple-choice values are lists or querysets; `not qs` would run a query.
    return (
        isinstance(value, list | tuple)
        and not value
        or (hasattr(value, "exists") and not len(value))
    )


def active_in(start, end) -> Q:
    """Deployments whose possible span overlaps the period from the first day of `start` to
    the last day of `end` ((first, last) pairs, as the date fields clean them; None: open).

    A span runs from the first day its start could mean to the last day its end could mean
    ("2024" ends on 31 December 2024); an unknown end is open. A record whose start is unknown
    cannot be placed in any period.
    """
    q = Q(start_date__isnull=False)
    if end is not None:
        q &= Q(start_date__lte=end[1])
    if start is not None:
        q &= Q(end_latest__isnull=True) | Q(end_latest__gte=start[0])
    return q


def event_in(start, end) -> Q:
    """Events whose possible period overlaps the asked one: one dated "2022" is in July 2022,
    as a span's imprecise start is. An event's date is the first day of its period, so its
    last day reaches `start` when its year (or month) does."""
    q = Q()
    if end is not None:
        q &= Q(date__lte=end[1])
    if start is not None:
        first = start[0]
        q &= (
            Q(date_precision=dates.Precision.DAY, date__gte=first)
            | Q(date_precision=dates.Precision.MONTH, date__gte=first.replace(day=1))
            | Q(date_precision=dates.Precision.YEAR, date__gte=first.replace(month=1, day=1))
        )
    return q


def period_match(start, end, when: str) -> Q:
    """The one rule of from/to (and `when`) for every list, count, chart and download."""
    if start is None and end is None:
        return Q()
    events = Exists(Event.objects.filter(event_in(start, end), deployment=OuterRef("pk")))
    if when == "active":
        return active_in(start, end)
    if when == "events":
        return Q(events)
    return active_in(start, end) | Q(events)


DeploymentFilter.base_filters["from"] = ImpreciseDateFilter(method="filter_nothing", label="From")
DeploymentFilter.base_filters["to"] = ImpreciseDateFilter(method="filter_nothing", label="To")


def currencies() -> list[str]:
    """The currencies of the published register's costs, kept until the register changes."""

    def held():
        published = Cost.objects.filter(deployment__in=Deployment.objects.published())
        return sorted(published.order_by().values_list("currency", flat=True).distinct())

    return freshness.cached("currencies", "", held)


def unknown_parameters(names, known) -> list[tuple[str, str]]:
    """[(name, message)] for each parameter not in `known`, with the closest known name: a
    misspelt filter left out would give more records than asked for, not fewer."""
    by_lower = {name.lower(): name for name in known}
    unknown = []
    for name in names:
        if name in known or name in TRACKING or name.startswith(TRACKING_PREFIX):
            continue
        close = difflib.get_close_matches(name.lower(), by_lower, n=1, cutoff=0.6)
        hint = (
            f"did you mean {by_lower[close[0]]}?"
            if close
            else "the filters are " + ", ".join(sorted(known)) + "."
        )
        unknown.append((name, f"The register has no filter called “{name}”: {hint}"))
    return unknown


# Why an endpoint refuses one of the filter's parameters it does not read (filtered(without=)):
# ignored, page=2 of a download would quietly give every record, not the list's second page.
DOES_NOT_APPLY = {
    "page": "This address does not come in pages: only the list and deployments.json do. "
    "Leave page out.",
}


def filtered(params, *, queryset=None, also=(), without=()) -> DeploymentFilter:
    """The FilterSet over published deployments for these query parameters; `also` names the
    endpoint's own parameters besides the filter's (the map's zoom, say), and `without` the
    filter's parameters the endpoint does not read (DOES_NOT_APPLY), refused like unknown ones."""
    if queryset is None:
        queryset = Deployment.objects.published()
    # An empty value means "not set" (a blank form field), never "match the empty string".
    present = QueryDict(mutable=True)
    lists = params.lists() if hasattr(params, "lists") else params.items()
    for name, values in lists:
        values = values if isinstance(values, list | tuple) else [values]
        present.setlist(name, [v for v in values if str(v).strip() != ""])
    given = [n for n in present if present.getlist(n)]
    refused = [(name, DOES_NOT_APPLY[name]) for name in without if name in given]
    for name, _message in refused:
        # Its value does not matter here, so it is not checked as well.
        del present[name]
    filterset = DeploymentFilter(present, queryset=queryset)
    known = {*DeploymentFilter.base_filters, *also}
    filterset.unknown = refused + unknown_parameters([n for n in given if n not in without], known)
    return filterset
