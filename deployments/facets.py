"""Facet counts: for each filter option, how many records it would give with the OTHER active
filters applied. One query per facet, whatever the number of records or options."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django_countries import countries

from .models import Deployment, Involvement, LegalBasis, Location, Technology

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
    rows = Technology.objects.filter(pk__in=Technology.objects.public().values("pk")).annotate(
        n=Count("deployments", filter=Q(deployments__in=base))
    )
    return [Option(t.slug, t.name, t.n, t.slug in chosen) for t in rows.order_by("name")]


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
    rows = (
        Location.objects.filter(deployment__publication=Deployment.Publication.PUBLISHED)
        .exclude(country="")
        .values_list("country")
        .annotate(n=Count("deployment", distinct=True, filter=Q(deployment__in=base)))
    )
    counts = dict(rows)
    for code in chosen:
        counts.setdefault(code, 0)
    options = [Option(code, countries.name(code), n, code in chosen) for code, n in counts.items()]
    return sorted(options, key=lambda o: o.label)


def organisation(filterset) -> list[Option]:
    base = _base(filterset, "organisation")
    chosen = _selected(filterset, "organisation")
    role = filterset.form.cleaned_data.get("role")
    in_base = Q(deployment__in=base) & (Q(role=role) if role else Q())
    rows = (
        Involvement.objects.filter(deployment__publication=Deployment.Publication.PUBLISHED)
        .values_list("organisation__slug", "organisation__name")
        .annotate(n=Count("deployment", distinct=True, filter=in_base))
        .order_by("-n", "organisation__name")
    )
    options = []
    for slug, name, n in rows:
        if len(options) < ORGANISATION_LIMIT or slug in chosen:
            options.append(Option(slug, name, n, slug in chosen))
    return sorted(options, key=lambda o: (-o.count, o.label))


def legal_status(filterset) -> list[Option]:
    base = _base(filterset, "legal_status")
    rows = LegalBasis.objects.filter(deployment__in=base).values_list("status")
    counts = dict(rows.annotate(n=Count("deployment", distinct=True)))
    chosen = _selected(filterset, "legal_status")
    return [
        Option(value, label, counts.get(value, 0), value in chosen)
        for value, label in LegalBasis.Status.choices
    ]


def year(filterset, today: dt.date | None = None) -> list[Option]:
    """Records whose possible span touches each year (the same overlap rule as from/to)."""
    today = today or timezone.localdate()
    published = filterset.queryset
    bounds = published.aggregate(
        first=Min(ExtractYear("start_date")), last=Max(ExtractYear("end_latest"))
    )
    if bounds["first"] is None:
        return []
    last = max(bounds["last"] or today.year, today.year)
    base = filterset.filter_queryset(published, exclude={"date", "sort", "page"})
    years = range(bounds["first"], last + 1)
    counts = base.aggregate(
        **{
            f"y{y}": Count(
                "pk",
                filter=Q(start_date__lte=dt.date(y, 12, 31))
                & (Q(end_latest__isnull=True) | Q(end_latest__gte=dt.date(y, 1, 1))),
            )
            for y in years
        }
    )
    start, end = filterset.form.cleaned_data.get("from"), filterset.form.cleaned_data.get("to")
    return [
        Option(
            str(y),
            str(y),
            counts[f"y{y}"],
            bool(start and end and start[0].year == y and end[1].year == y),
        )
        for y in years
    ]


def all_facets(filterset) -> dict[str, list[Option]]:
    return {
        "technology": technology(filterset),
        "status": status(filterset),
        "country": country(filterset),
        "organisation": organisation(filterset),
        "legal_status": legal_status(filterset),
        "year": year(filterset),
    }
