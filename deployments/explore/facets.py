"""Facet counts: for each filter option, how many records it would give with the OTHER active
filters applied. One or two queries per facet, whatever the number of records or options.

Counts come from a GROUP BY over the rows whose deployment is IN the filtered set (a semi-join),
never from COUNT(...) FILTER (WHERE ... IN subquery): PostgreSQL runs the latter as a hashed
subplan only while the set fits in work_mem, and past that re-scans it for every row, which
took minutes at a million records.
"""

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django_countries import countries

from deployments.core import filters, freshness
from deployments.models import (
    Deployment,
    Event,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Technology,
)

ORGANISATION_LIMIT = 25  # the busiest organisations, plus any the reader selected


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


def _base(filterset, *excluded):
    # Ordering and pagination never change a count; dropping them keeps the subquery lean.
    return filterset.filter_queryset(
        filterset.queryset, exclude={*excluded, "sort", "page"}
    ).values("pk")


def _selected(filterset, name) -> set[str]:
    value = filterset.form.cleaned_data.get(name) or []
    return {getattr(v, "slug", v) for v in value}


def technology(filterset) -> list[Option]:
    base = _base(filterset, "technology")
    chosen = _selected(filterset, "technology")
    links = Deployment.technologies.through.objects.filter(deployment__in=base)
    counts = dict(links.order_by().values_list("technology").annotate(n=Count("deployment")))
    return [
        Option(t.slug, t.name, counts.get(t.pk, 0), t.slug in chosen)
        for t in Technology.objects.public().order_by("name")
    ]


def status(filterset) -> list[Option]:
    base = filterset.filter_queryset(filterset.queryset, exclude={"status", "sort", "page"})
    counts = dict(base.order_by().values_list("status").annotate(n=Count("pk")))
    chosen = _selected(filterset, "status")
    return [
        Option(value, label, counts.get(value, 0), value in chosen)
        for value, label in Deployment.Status.choices
    ]


def country(filterset) -> list[Option]:
    base = _base(filterset, "country")
    chosen = _selected(filterset, "country")
    alone = Location.objects.exclude(country="").order_by()
    counts = Counter(
        dict(
            alone.filter(deployment__in=base)
            .values_list("country")
            .annotate(n=Count("deployment", distinct=True))
        )
    )
    # A location across several countries counts once in each it names, unless its record
    # is already counted there. Such locations are few, so they are read whole.
    among = Location.objects.exclude(countries="").order_by()
    several = list(among.filter(deployment__in=base).values_list("deployment", "countries"))
    counted = set(
        alone.filter(deployment__in={d for d, _codes in several}).values_list(
            "deployment", "country"
        )
    )
    for deployment, code in {(d, c) for d, codes in several for c in codes.split(",")}:
        if (deployment, code) not in counted:
            counts[code] += 1
    # Every country of a published record stays an option, at zero if the filter excludes it.
    present = freshness.cached("countries-present", "", _countries_present)
    options = [
        Option(c, countries.name(c), counts.get(c, 0), c in chosen) for c in present | chosen
    ]
    return sorted(options, key=lambda o: o.label)


def _countries_present() -> set[str]:
    """The countries of the published register: the same for every query, so computed once
    per register state (two scans of the locations)."""
    public = {"deployment__publication": Deployment.Publication.PUBLISHED}
    located = Location.objects.order_by()
    present = set(
        located.exclude(country="").filter(**public).values_list("country", flat=True).distinct()
    )
    several = located.exclude(countries="").filter(**public)
    for codes in several.values_list("countries", flat=True).distinct():
        present.update(codes.split(","))
    return present


def organisation(filterset) -> list[Option]:
    base = _base(filterset, "organisation")
    chosen = _selected(filterset, "organisation")
    role = filterset.form.cleaned_data.get("role")
    involved = Involvement.objects.filter(deployment__in=base, **({"role": role} if role else {}))
    counts = dict(
        involved.order_by()
        .values_list("organisation")
        .annotate(n=Count("deployment", distinct=True))
    )
    named = Organisation.objects.public().order_by().values_list("pk", "slug", "name")
    ranked = sorted(named, key=lambda o: (-counts.get(o[0], 0), o[2]))
    options = [
        Option(slug, name, counts.get(pk, 0), slug in chosen)
        for rank, (pk, slug, name) in enumerate(ranked)
        if rank < ORGANISATION_LIMIT or slug in chosen
    ]
    return sorted(options, key=lambda o: (-o.count, o.label))


def legal_status(filterset) -> list[Option]:
    base = _base(filterset, "legal_status")
    rows = LegalBasis.objects.filter(deployment__in=base).values_list("status")
    counts = dict(rows.annotate(n=Count("deployment", distinct=True)))
    # A record with no legal-basis row has not been researched: that is not "none stated".
    counts[filters.UNRESEARCHED] = base.exclude(
        Exists(LegalBasis.objects.filter(deployment=OuterRef("pk")))
    ).count()
    chosen = _selected(filterset, "legal_status")
    return [
        Option(value, label, counts.get(value, 0), value in chosen)
        for value, label in filters.LEGAL_STATUSES
    ]


def _year(y: int) -> tuple[tuple, tuple]:
    """from=Y&to=Y as the date fields clean them: (first day, last day) of each end."""
    first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
    return (first, last), (first, last)


def _year_bounds(published, when: str) -> dict:
    """The first and last dates the year facet spans: of the records' spans, their events, or
    both, as `when` reads them."""
    # Dates, not their years: an index answers MIN/MAX of a column, not of an expression.
    bounds = published.aggregate(first=Min("start_date"), last=Max("end_latest"))
    if when == "active":
        return bounds
    dated = Event.objects.filter(deployment__in=published.values("pk"))
    events = dated.aggregate(first=Min("date"), last=Max("date"))
    if when == "events":
        return events
    return {
        "first": min(filter(None, (bounds["first"], events["first"])), default=None),
        "last": max(filter(None, (bounds["last"], events["last"])), default=None),
    }


def event_years(base, when: str, *, by: str | None = None) -> Counter:
    """How many records an event alone places in each year, for the year facet and the
    aggregate timeline: one GROUP BY over the events, each record once per year it has an
    event in, left out where its span already counts it (when="", so that span and events
    make a union, never a sum of the two) or everywhere (when="events", events alone).

    Keyed by year, or with `by` (a path from a deployment, "technologies__name") by (its
    value, year), a record counting under each value it has (None when it has none).
    """
    events = Event.objects.filter(deployment__in=base.values("pk")).annotate(
        year=ExtractYear("date"),
        start_year=ExtractYear("deployment__start_date"),
        end_year=ExtractYear("deployment__end_latest"),
    )
    if when != "events":
        events = events.filter(
            Q(start_year__isnull=True) | Q(start_year__gt=F("year")) | Q(end_year__lt=F("year"))
        )
    keys = ["year"]
    if by is not None:
        events = events.annotate(group=F(f"deployment__{by}"))
        keys = ["group", "year"]
    rows = events.order_by().values(*keys).annotate(n=Count("deployment", distinct=True))
    # int(): some backends return the extracted year as a decimal.
    if by is None:
        return Counter({int(row["year"]): row["n"] for row in rows})
    return Counter({(row["group"], int(row["year"])): row["n"] for row in rows})


def year(filterset, today: dt.date | None = None) -> list[Option]:
    """Records each year would list (from=Y&to=Y, with the `when` asked): those whose possible
    span touches it, or with a dated event in it, each counted once."""
    today = today or timezone.localdate()
    published = filterset.queryset
    when = filterset.form.cleaned_data.get("when") or ""
    # The same for every query on this queryset, so computed once per register state.
    key = hashlib.sha256(f"{when}|{published.query}".encode()).hexdigest()
    bounds = freshness.cached("year-bounds", key, lambda: _year_bounds(published, when))
    if bounds["first"] is None:
        return []
    first_year = bounds["first"].year
    last = max(bounds["last"].year if bounds["last"] else today.year, today.year)
    base = filterset.filter_queryset(published, exclude={"date", "sort", "page"})
    years = range(first_year, last + 1)
    counts = Counter()
    if when != "events":
        spans = base.aggregate(
            **{f"y{y}": Count("pk", filter=filters.active_in(*_year(y))) for y in years}
        )
        counts.update({y: spans[f"y{y}"] for y in years})
    if when != "active":
        counts.update(event_years(base, when))
    start, end = filterset.form.cleaned_data.get("from"), filterset.form.cleaned_data.get("to")
    return [
        Option(
            str(y),
            str(y),
            counts[y],
            bool(start and end and start[0].year == y and end[1].year == y),
        )
        for y in years
    ]


def all_facets(filterset) -> dict[str, list[Option]]:
    """Every facet, counted once per query and register state (six GROUP BYs over the whole
    register are the costliest part of an explore page; the same filter asked again, by the
    next reader or on the map after the list, reuses them until something public changes)."""

    def count_all():
        return {
            "technology": technology(filterset),
            "status": status(filterset),
            "country": country(filterset),
            "organisation": organisation(filterset),
            "legal_status": legal_status(filterset),
            "year": year(filterset),
        }

    return freshness.cached("facets", freshness.params_key(filterset.data), count_all)


def total(filterset) -> int:
    """How many records the filter gives, reused like the facets."""
    # Counted without the sort: ordering by relevance joins the search index (search.ranked).
    return freshness.cached(
        "total", freshness.params_key(filterset.data), lambda: _base(filterset).count()
    )
