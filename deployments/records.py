"""Read-side helpers shared by the public pages: named prefetches, citations, figures.

Each query shape lives here once so the number of queries per page stays constant however
many records a page shows (pinned in tests).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from . import timeline
from .models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
)

# What a listing row shows: technologies, organisations with roles (the operator), costs
# (the headline one). Three extra queries whatever the number of rows.
LISTING_PREFETCH = (
    "technologies",
    Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
    Prefetch("costs", queryset=Cost.objects.order_by("id")),
)


def for_listing(queryset):
    return queryset.prefetch_related(*LISTING_PREFETCH)


def for_record_page(queryset):
    return queryset.prefetch_related(
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


def timeline_for(queryset, **options) -> timeline.Timeline:
    """The timeline of these deployments in three queries, as plain rows (no model objects),
    so thousands of records stay cheap; past timeline's row limit it aggregates and the
    events are not fetched at all."""
    from .exports import technology_names

    rows = list(queryset.values(*TIMELINE_FIELDS))
    names = technology_names(queryset)
    for row in rows:
        row["technology_names"] = names.get(row["id"], [])
    events: dict[int, list[dict]] = {}
    max_rows = options.get("max_rows", 300)
    if sum(max(len(row["technology_names"]), 1) for row in rows) <= max_rows:
        labels = dict(Event.Kind.choices)
        for event in Event.objects.filter(deployment__in=queryset.values("pk")).values(
            *EVENT_FIELDS
        ):
            event["kind_label"] = labels[event["kind"]]
            events.setdefault(event["deployment_id"], []).append(event)
    return timeline.build(rows, events, today=timezone.localdate(), **options)


@dataclass
class Cited:
    """The record's sources, numbered in order of first use, and which claims cite which."""

    sources: list = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # source id -> citation number
    claims: dict[str, list[int]] = field(default_factory=dict)  # claim -> citation numbers
    quotes: dict[int, list[str]] = field(default_factory=dict)  # number -> quotes used

    def number(self, source, quote: str = "") -> int:
        if source.pk not in self.numbers:
            self.sources.append(source)
            self.numbers[source.pk] = len(self.sources)
        number = self.numbers[source.pk]
        if quote and quote not in self.quotes.setdefault(number, []):
            self.quotes[number].append(quote)
        return number


def cite(deployment) -> Cited:
    """Number every source the record uses, in reading order (uses prefetched relations)."""
    cited = Cited()
    for citation in deployment.citations.all():
        number = cited.number(citation.source, citation.quote)
        numbers = cited.claims.setdefault(citation.claim, [])
        if number not in numbers:
            numbers.append(number)
    for items in (
        deployment.involvements.all(),
        deployment.costs.all(),
        deployment.events.all(),
        deployment.legal_bases.all(),
        deployment.impact_assessments.all(),
    ):
        for item in items:
            if item.source_id is not None:
                item.citation_number = cited.number(item.source, getattr(item, "quote", ""))
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


# Fields whose changes the public change log names (never values, never who made them).
PUBLIC_FIELDS = [
    f.name
    for f in Deployment._meta.concrete_fields
    if f.editable and f.name not in {"id", "publication"}
]
CHILD_HISTORIES = {
    "organisation role": Involvement,
    "location": Location,
    "cost": Cost,
    "event": Event,
    "legal basis": LegalBasis,
    "impact assessment": ImpactAssessment,
    "citation": Citation,
}
_VERBS = {"+": "added", "~": "changed", "-": "removed"}


def public_change_log(deployment) -> list[dict]:
    """What changed since publication, newest first: [{"date", "what"}].

    Edits made while the record was a draft are not public, so only snapshots taken while it
    was published are listed.
    """
    history = list(deployment.history.order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in history:
        if record.publication == Deployment.Publication.PUBLISHED:
            if previous is None or previous.publication != Deployment.Publication.PUBLISHED:
                entries.append({"date": record.history_date, "what": "Published"})
            else:
                delta = record.diff_against(previous, included_fields=PUBLIC_FIELDS)
                labels = [
                    str(Deployment._meta.get_field(name).verbose_name)
                    for name in delta.changed_fields
                    if name != "end_latest"
                ]
                if labels:
                    entries.append({"date": record.history_date, "what": _changed(labels)})
        previous = record
    if deployment.published_at:
        for label, model in CHILD_HISTORIES.items():
            changes = model.history.filter(
                deployment_id=deployment.pk, history_date__gt=deployment.published_at
            ).values_list("history_date", "history_type")
            for date, kind in changes:
                entries.append({"date": date, "what": f"{label.capitalize()} {_VERBS[kind]}"})
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries


def _changed(labels: list[str]) -> str:
    return "Changed: " + ", ".join(label[:1].upper() + label[1:] for label in labels)
