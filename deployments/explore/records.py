"""Read-side helpers shared by the public pages: named prefetches, citations, figures.

Each query shape lives here once so the number of queries per page stays constant however
many records a page shows (pinned in tests).
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Sum, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone

from deployments.core import versions
from deployments.explore import facets, timeline
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Response,
    Source,
    Technology,
)

# What a listing row shows: technologies, organisations with roles (the operator), costs
# (the headline one). Three extra queries whatever the number of rows.
LISTING_PREFETCH = (
    "technologies",
    Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
    Prefetch("costs", queryset=Cost.objects.order_by("id")),
)


# Never shown, and the biggest columns of a row: the search document and its tsvector.
UNSHOWN = ("search_text", "search_refs", "search_vector")


def for_listing(queryset):
    return queryset.defer(*UNSHOWN).prefetch_related(*LISTING_PREFETCH)


# An organisation's or a technology's page lists this many of its records; the list view it
# links to has them all, paginated. Unbounded, a busy police force would be a page of
# thousands of cards.
COLLECTION_LIMIT = 50


def latest(queryset):
    """The COLLECTION_LIMIT latest records by start date, unknown starts last, for listing:
    the list view's default order ("-start"), so its first page begins with the same ones."""
    ordered = queryset.order_by(F("start_date").desc(nulls_last=True), "title", "pk")
    return for_listing(ordered[:COLLECTION_LIMIT])


def for_record_page(queryset):
    return queryset.defer(*UNSHOWN).prefetch_related(
        "technologies",
        Prefetch(
            "involvements",
            queryset=Involvement.objects.select_related("organisation", "source"),
        ),
        Prefetch("locations", queryset=Location.objects.order_by("id")),
        Prefetch("costs", queryset=Cost.objects.select_related("source")),
        Prefetch("events", queryset=Event.objects.select_related("source")),
        Prefetch("legal_bases", queryset=LegalBasis.objects.select_related("source")),
        Prefetch("impact_assessments", queryset=ImpactAssessment.objects.select_related("source")),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        Prefetch("responses", queryset=Response.objects.select_related("organisation", "source")),
    )


TIMELINE_FIELDS = (
    "id",
    "slug",
    "title",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
)
EVENT_FIELDS = ("deployment_id", "kind", "date", "date_precision", "description")


def timeline_for(
    queryset,
    *,
    group_by_technology: bool = True,
    dom_id: str = "timeline",
    max_rows=None,
    filterset=None,
    compact: bool = False,
) -> timeline.Timeline:
    """The timeline of these deployments in a few queries, whatever their number.

    A first count of the records, capped at max_rows + 1 so it stops reading as soon as the
    answer is known, decides the path. More records than rows allowed: the counts per year
    come from the database (a few GROUP BYs) and no record is read, so a million records cost
    what a hundred do in memory. Otherwise the rows, their technologies and their events as
    plain values (no model objects), drawn one row each.

    filterset: the filter the queryset came from, whose from/to set the axis and whose `when`
    the counts follow.
    """
    from deployments.opendata.geojson import technology_names

    max_rows = timeline.MAX_ROWS if max_rows is None else max_rows
    data = filterset.form.cleaned_data if filterset is not None else {}
    options = {
        "group_by_technology": group_by_technology,
        "dom_id": dom_id,
        "period_from": data.get("from"),
        "period_to": data.get("to"),
        "when": data.get("when") or "",
    }
    # The filter's cleaned dates are (first, last) days; the timeline's periods end the day
    # after (half-open), like its own.
    for name in ("period_from", "period_to"):
        if options[name] is not None:
            first, last = options[name]
            options[name] = (first, last + dt.timedelta(days=1))
    today = timezone.localdate()
    if queryset.order_by()[: max_rows + 1].count() > max_rows:
        totals, by_technology = _counted(queryset, group_by_technology, options["when"])
        return timeline.build_aggregate(totals, by_technology, today=today, **options)

    rows = list(queryset.values(*TIMELINE_FIELDS))
    names = technology_names(queryset)
    for row in rows:
        row["technology_names"] = names.get(row["id"], [])
    events: dict[int, list[dict]] = {}
    labels = dict(Event.Kind.choices)
    for event in Event.objects.filter(deployment__in=queryset.values("pk")).values(*EVENT_FIELDS):
        event["kind_label"] = labels[event["kind"]]
        events.setdefault(event["deployment_id"], []).append(event)
    return timeline.build(rows, events, today=today, max_rows=max_rows, compact=compact, **options)


def _counted(queryset, group_by_technology: bool, when: str):
    """(totals, by technology) for timeline.build_aggregate, counted in the database.

    A date is stored as the first day of its period, and no period (a day, a month, a year)
    crosses a new year, so the year of end_date is the year of the last day the end could
    mean, exactly what timeline.year_span reads from a record. The events are counted by
    facets.event_years, as the year facet counts them.
    """
    # By primary key, so a filter's joins, annotations (a search rank) and ordering cannot
    # reach the GROUP BY.
    deployments = Deployment.objects.filter(pk__in=queryset.values("pk")).order_by()
    if when == "active":
        has_events = Value(False)
    else:
        has_events = Exists(Event.objects.filter(deployment=OuterRef("pk")))
    span = {"first": ExtractYear("start_date"), "last": ExtractYear("end_date")}
    totals = timeline.Counted(spans=Counter(), events=Counter())
    by_technology: dict[str, timeline.Counted] = {}

    def group(name):
        return by_technology.setdefault(name, timeline.Counted(spans=Counter(), events=Counter()))

    if when != "active":
        totals.events.update(facets.event_years(deployments, when))
    if not group_by_technology:
        for row in deployments.values(**span, has_events=has_events).annotate(n=Count("pk")):
            totals.spans[_span_key(row)] += row["n"]
        return totals, by_technology
    through = Deployment.technologies.through
    has_technology = Exists(through.objects.filter(deployment=OuterRef("pk")))
    for row in deployments.values(
        **span, has_events=has_events, has_technology=has_technology
    ).annotate(n=Count("pk")):
        totals.spans[_span_key(row)] += row["n"]
        if not row["has_technology"]:
            group(timeline.NO_TECHNOLOGY).spans[_span_key(row)] += row["n"]
    if when == "active":
        has_events = Value(False)
    else:
        has_events = Exists(Event.objects.filter(deployment=OuterRef("deployment")))
    per_technology = (
        through.objects.filter(deployment__in=queryset.values("pk"))
        .values(
            name=F("technology__name"),
            first=ExtractYear("deployment__start_date"),
            last=ExtractYear("deployment__end_date"),
            has_events=has_events,
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in per_technology:
        group(row["name"]).spans[_span_key(row)] += row["n"]
    if when != "active":
        counted = facets.event_years(deployments, when, by="technologies__name")
        for (name, year), n in counted.items():
            group(name or timeline.NO_TECHNOLOGY).events[year] += n
    return totals, by_technology


def _span_key(row: dict) -> tuple[int | None, int | None, bool]:
    # int(): some backends return the extracted year as a decimal.
    first, last = (None if row[k] is None else int(row[k]) for k in ("first", "last"))
    return first, last, bool(row["has_events"])


@dataclass(frozen=True)
class Mark:
    """One citation mark on the record page: the numbered source and the passage it quotes."""

    number: int  # the source's place in the Sources list
    source: Source
    quote: str = ""
    locator: str = ""


@dataclass
class Cited:
    """The record's sources, numbered in order of first use, and which claims cite which."""

    sources: list = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # source id -> citation number
    claims: dict[str, list[int]] = field(default_factory=dict)  # claim -> citation numbers
    marks: dict[str, list[Mark]] = field(default_factory=dict)  # claim -> its marks

    def mark(self, source, quote: str = "", locator: str = "") -> Mark:
        if source.pk not in self.numbers:
            self.sources.append(source)
            self.numbers[source.pk] = len(self.sources)
        return Mark(self.numbers[source.pk], source, quote, locator)


def cite(deployment) -> Cited:
    """Number every source the record uses, in reading order (uses prefetched relations).

    Each claim's marks and each item's `citation_mark` carry the quoted passage, which the
    page shows behind the mark (templatetags/register.py) and the record's JSON lists.
    """
    cited = Cited()
    for citation in deployment.citations.all():
        mark = cited.mark(citation.source, citation.quote, citation.locator)
        cited.marks.setdefault(citation.claim, []).append(mark)
        numbers = cited.claims.setdefault(citation.claim, [])
        if mark.number not in numbers:
            numbers.append(mark.number)
    for items in (
        deployment.involvements.all(),
        deployment.costs.all(),
        deployment.events.all(),
        deployment.legal_bases.all(),
        deployment.impact_assessments.all(),
        deployment.responses.all(),
    ):
        for item in items:
            if item.source_id is not None:
                item.citation_mark = cited.mark(item.source, getattr(item, "quote", ""))
                item.citation_number = item.citation_mark.number
    return cited


def headline_figures(published) -> dict:
    return {
        "deployments": published.count(),
        "organisations": Organisation.objects.filter(involvements__deployment__in=published)
        .distinct()
        .count(),
        "spend": spend_by_currency(published),
    }


def spend_by_currency(published) -> list[dict]:
    """Reported amounts summed per currency: never converted, never added across currencies.

    The deployments are taken as a subquery so an organisation with two roles in one
    deployment does not count its costs twice.
    """
    return list(
        Cost.objects.filter(deployment__in=published.values("pk"), amount__isnull=False)
        .values("currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("currency")
    )


def withdrawn_or_moved(slug: str) -> tuple[str, Deployment] | None:
    """What a slug that no published record holds means to the public.

    ("withdrawn", record) when a withdrawn record holds it; ("moved", record) when it is a
    public record's former slug, which its history keeps; ("deleted", its historical row)
    when a record published under it was deleted since; None when it was never public.
    """
    public_states = [Deployment.Publication.PUBLISHED, Deployment.Publication.WITHDRAWN]
    # published_at: a record set to withdrawn before it was ever published stays unknown.
    withdrawn = (
        Deployment.objects.filter(
            slug=slug, publication=Deployment.Publication.WITHDRAWN, published_at__isnull=False
        )
        .select_related("replaced_by")
        .defer(*UNSHOWN)
        .first()
    )
    if withdrawn is not None:
        return "withdrawn", withdrawn
    # Only a slug the record had while published: a draft's working slug was never a link.
    former = Deployment.history.filter(slug=slug, publication=Deployment.Publication.PUBLISHED)
    moved = (
        Deployment.objects.filter(pk__in=former.values("id"), publication__in=public_states)
        .exclude(slug=slug)
        .only("slug")
        .first()
    )
    if moved is not None:
        return "moved", moved
    # A published record deleted since: its address still says what happened to it.
    gone = (
        Deployment.history.filter(slug=slug, history_type="-", id__in=former.values("id"))
        .exclude(id__in=Deployment.objects.values("pk"))
        .order_by("-history_date")
        .first()
    )
    return ("deleted", gone) if gone is not None else None


def replacement(withdrawn: Deployment) -> Deployment | None:
    """The record a withdrawn one points readers to, when the public can open it."""
    replaced_by = withdrawn.replaced_by
    public = {Deployment.Publication.PUBLISHED, Deployment.Publication.WITHDRAWN}
    return replaced_by if replaced_by is not None and replaced_by.publication in public else None


def public_change_log(deployment) -> list[dict]:
    """Each published version, newest first, with what changed old → new (core/versions.py)."""
    return versions.public_change_log(deployment.pk)


def version_number(text: str) -> int | None:
    """A ?version= value as a number, or None when it is not one. str.isdigit() is true of
    "²" and of 5,000 nines, both of which int() refuses with a ValueError."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def as_published(deployment, number: int):
    """The record as its public version `number` said it, in the shape the record page reads
    (a Deployment with its related rows prefetched), or None when there is no such version.
    Organisations, sources and technologies are named as they are now."""
    state = next(
        (s for s in versions.published_versions(deployment.pk) if s.number == number), None
    )
    if state is None:
        return None, None
    fields = {f.attname for f in Deployment._meta.concrete_fields}
    record = Deployment(**{k: v for k, v in state.record.items() if k in fields})
    shared = {
        "organisation": Organisation.objects.in_bulk(
            {row["organisation_id"] for row in state.children.get("involvements", {}).values()}
        ),
        "source": Source.objects.in_bulk(
            {
                row["source_id"]
                for rows in state.children.values()
                for row in rows.values()
                if row.get("source_id")
            }
        ),
    }
    cache = {
        "technologies": _cached(Technology, Technology.objects.filter(pk__in=state.technologies))
    }
    for relation, (model, _label) in versions.CHILDREN.items():
        rows = []
        for values in state.children.get(relation, {}).values():
            row = model(**{k: v for k, v in values.items() if k != "deployment_id"})
            row.deployment = record
            named = {name: getattr(row, f"{name}_id", None) for name in shared}
            if any(pk is not None and pk not in shared[name] for name, pk in named.items()):
                continue  # it names an entry deleted since: nothing left to show of it
            for name, pk in named.items():
                if pk is not None:
                    setattr(row, name, shared[name][pk])
            rows.append(row)
        rows.sort(key=_VERSION_ORDER.get(relation, lambda row: row.pk))
        cache[relation] = _cached(model, rows)
    record._prefetched_objects_cache = cache
    return record, state


# As the record page orders each kind of row (the models' Meta.ordering).
_VERSION_ORDER = {
    "involvements": lambda row: (
        row.role,
        row.organisation.name if row.organisation else "",
        row.pk,
    ),
    "events": lambda row: (row.date, row.pk),
    "impact_assessments": lambda row: (row.date is None, row.date, row.pk),
}


def _cached(model, rows):
    """A queryset that yields these rows without asking the database, as prefetching leaves."""
    queryset = model.objects.all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset
