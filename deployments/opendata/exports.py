"""The JSON list's records, and the batching the JSON and GeoJSON exports share (the CSV:
csv_export.py and export_rows.py; register.zip: register_zip.py).

Plain functions over plain rows: values() queries, never a model instance per record, so a
whole export runs in a fixed number of queries per batch of BATCH_SIZE records and in memory
that does not grow with the register (measured by `make bench`). The views in api.py only add
HTTP around them.
"""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.urls import reverse

from deployments.core import dates, freshness
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Response,
    Source,
)
from deployments.models.deployment import end_text
from deployments.opendata import dictionary
from deployments.opendata.cells import (
    cell,
    timestamp,
)

# Records fetched together: big enough that per-batch queries cost nothing per row, small
# enough that a batch (~1 MB of CSV) never matters for memory.
BATCH_SIZE = 2000

# Bumped when an export's format changes, so cached copies (ETag) are not reused and the
# CSV lines stored ahead are written again (export_rows.FORMAT).
FORMAT_VERSION = "3"


# Batches of records --------------------------------------------------------------------------


def ordered_ids(deployments) -> Iterator[int]:
    """Ids in the queryset's own order (the list's sort), read from the cursor in chunks."""
    return deployments.values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE)


def batched(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


RECORD_FIELDS = (
    "id",
    "slug",
    "title",
    "summary",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "scale",
    "updated",
)


def fetch_records(ids: list[int]) -> list[dict]:
    """What one JSON item needs for each of these deployments, in the order of `ids`.

    Ten queries whatever the number of ids: the deployments, then each relation for all of them.
    """
    records = {
        row["id"]: {
            **row,
            "technologies": [],
            "involvements": [],
            "locations": [],
            "costs": [],
            "legal_bases": [],
            "events": [],
            "source_ids": [],
        }
        for row in Deployment.objects.filter(pk__in=ids).order_by().values(*RECORD_FIELDS)
    }
    through = Deployment.technologies.through.objects.filter(deployment_id__in=ids)
    for deployment_id, slug, name in through.order_by("technology__name").values_list(
        "deployment_id", "technology__slug", "technology__name"
    ):
        records[deployment_id]["technologies"].append({"slug": slug, "name": name})

    relations = {
        "involvements": Involvement.objects.order_by("role", "id").values(
            "deployment_id",
            "role",
            "note",
            "organisation__slug",
            "organisation__name",
            "source_id",
        ),
        "locations": Location.objects.order_by("id").values(
            "deployment_id", "name", "country", "countries", "precision", "longitude", "latitude"
        ),
        "costs": Cost.objects.order_by("id").values(
            "id",
            "deployment_id",
            "amount",
            "currency",
            "covers",
            "qualifier",
            "period",
            "source_id",
        ),
        "events": Event.objects.order_by("date", "id").values(
            "deployment_id", "kind", "date", "date_precision", "description", "source_id"
        ),
        "legal_bases": LegalBasis.objects.order_by("id").values(
            "deployment_id",
            "instrument_type",
            "instrument",
            "provision",
            "status",
            "note",
            "source_id",
        ),
    }
    for key, rows in relations.items():
        for row in rows.filter(deployment_id__in=ids):
            records[row["deployment_id"]][key].append(row)

    # Sources in the order the record page numbers them (records.cite): citations first,
    # then organisation roles, costs, events, legal bases, assessments, responses.
    cited = {deployment_id: [] for deployment_id in records}
    citing = [
        Citation.objects.order_by("id"),
        [(r["deployment_id"], r["source_id"]) for r in _rows(records, "involvements")],
        [(r["deployment_id"], r["source_id"]) for r in _rows(records, "costs")],
        [(r["deployment_id"], r["source_id"]) for r in _rows(records, "events")],
        [(r["deployment_id"], r["source_id"]) for r in _rows(records, "legal_bases")],
        ImpactAssessment.objects.order_by("date", "id"),
        Response.objects.order_by("date", "id"),
    ]
    for pairs in citing:
        if not isinstance(pairs, list):
            pairs = pairs.filter(deployment_id__in=ids).values_list("deployment_id", "source_id")
        for deployment_id, source_id in pairs:
            if source_id is not None and source_id not in cited[deployment_id]:
                cited[deployment_id].append(source_id)
    wanted = {source_id for ids_ in cited.values() for source_id in ids_}
    sources = {
        row["id"]: row
        for row in Source.objects.filter(pk__in=wanted).values(
            "id", "title", "publisher", "url", "published", "published_precision"
        )
    }
    for deployment_id, source_ids in cited.items():
        records[deployment_id]["sources"] = [sources[pk] for pk in source_ids]
    return [records[pk] for pk in ids if pk in records]


def _rows(records: dict, key: str) -> Iterator[dict]:
    for record in records.values():
        yield from record[key]


def headline(costs: list[dict]) -> dict | None:
    """The cost a listing shows: the same rule as Deployment.headline_cost, over plain rows."""
    if not costs:
        return None
    disclosed = [c for c in costs if c["amount"] is not None] or costs
    order = Deployment.HEADLINE_COST_ORDER
    return min(disclosed, key=lambda c: (order.index(c["covers"]), -(c["amount"] or 0), c["id"]))


def legal_label(basis: dict) -> str:
    name = basis["instrument"] or dict(LegalBasis.Instrument.choices)[basis["instrument_type"]]
    return f"{name}, {basis['provision']}" if basis["provision"] else name


class Urls:
    """Absolute record addresses without a reverse() per row."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.page = reverse("deployment_detail", args=["__slug__"])
        self.json = reverse("deployment_json", args=["__slug__"])

    def record(self, slug: str) -> str:
        return self.base + self.page.replace("__slug__", slug)

    def record_json(self, slug: str) -> str:
        return self.base + self.json.replace("__slug__", slug)


# The CSV export's columns (its cells: csv_export.CELLS).
EXPORT_HEADER = [column.name for column in dictionary.EXPORT_COLUMNS]


def filename(active: dict, params, extension: str) -> str:
    """deployments-technology-anpr-from-2024.csv: the filter, readable, in a safe name."""
    from django.utils.text import slugify

    parts = ["deployments"]
    for name in active:
        if name == "bbox":
            parts.append("map-area")
            continue
        values = [slugify(value) for value in params.getlist(name) if value != ""]
        parts.append("-".join([name.replace("_", "-"), *values]))
    stem = "-".join(p for p in parts if p)[:150].rstrip("-")
    return f"{stem}.{extension}"


# JSON list -----------------------------------------------------------------------------------


def _date_json(value, precision) -> dict:
    return {"date": dates.iso(value, precision) or None, "precision": precision}


def json_item(record: dict, urls: Urls) -> dict:
    """One deployment in the JSON list: the CSV row's facts, as structured values."""
    cost = headline(record["costs"])
    return {
        "id": record["id"],
        "slug": record["slug"],
        "url": urls.record(record["slug"]),
        "api_url": urls.record_json(record["slug"]),
        "title": record["title"],
        "summary": record["summary"],
        "status": record["status"],
        "technologies": record["technologies"],
        "organisations": [
            {
                "slug": r["organisation__slug"],
                "name": r["organisation__name"],
                "role": r["role"],
                "note": r["note"],
            }
            for r in record["involvements"]
        ],
        "countries": sorted(
            {loc["country"] for loc in record["locations"]}.union(
                *(loc["countries"].split(",") for loc in record["locations"])
            ).difference({""})
        ),
        "start": _date_json(record["start_date"], record["start_precision"]),
        "end": {
            **_date_json(record["end_date"], record["end_precision"]),
            "text": end_text(record["status"], record["end_date"], record["end_precision"]),
        },
        "scale": record["scale"],
        "headline_cost": cost
        and {
            "amount": cell(cost["amount"]) or None,
            "currency": cost["currency"],
            "covers": cost["covers"],
            "qualifier": cost["qualifier"],
            "note": cost["period"],
        },
        "legal_bases": [
            {
                "label": legal_label(b),
                "status": b["status"],
                "type": b["instrument_type"],
                "note": b["note"],
            }
            for b in record["legal_bases"]
        ],
        "locations": [
            {
                **{k: loc[k] for k in ("name", "country", "precision", "longitude", "latitude")},
                "countries": loc["countries"].split(",") if loc["countries"] else [],
            }
            for loc in record["locations"]
        ],
        "events": [
            {
                "date": _date_json(e["date"], e["date_precision"]),
                "kind": e["kind"],
                "description": e["description"],
            }
            for e in record["events"]
        ],
        "sources": [
            {
                "title": s["title"],
                "publisher": s["publisher"],
                "url": s["url"],
                "published": _date_json(s["published"], s["published_precision"]),
            }
            for s in record["sources"]
        ],
        "last_updated": timestamp(record["updated"]),
    }


def _source_json(number: int, source) -> dict:
    return {
        "number": number,
        "id": source.pk,
        "title": source.title,
        "publisher": source.publisher,
        "type": source.source_type,
        "url": source.url or None,
        "archive_url": source.archive_url or None,
        "published": _date_json(source.published, source.published_precision),
        "accessed": cell(source.accessed) or None,
        "notes": source.notes,
    }


def record_json(deployment, cited, changes, urls: Urls, citation: str) -> dict:
    """Everything the record page shows (expects records.for_record_page and records.cite)."""
    d = deployment
    return {
        "id": d.pk,
        "slug": d.slug,
        "url": urls.record(d.slug),
        "title": d.title,
        "summary": d.summary,
        "description": d.description,
        "status": d.status,
        "technologies": [{"slug": t.slug, "name": t.name} for t in d.technologies.all()],
        "start": _date_json(d.start_date, d.start_precision),
        "end": {**_date_json(d.end_date, d.end_precision), "text": d.end_display},
        "planned_duration": d.planned_duration,
        "scale": d.scale,
        "affected_groups": d.affected_groups,
        "data_retention": d.data_retention,
        "data_sharing": d.data_sharing,
        "visibility": d.visibility,
        "organisations": [
            {
                "slug": i.organisation.slug,
                "name": i.organisation.name,
                "role": i.role,
                "note": i.note,
                "citation": getattr(i, "citation_number", None),
            }
            for i in d.involvements.all()
        ],
        "locations": [
            {
                "name": loc.name,
                "country": loc.country.code or None,
                "countries": [c.code for c in loc.countries],
                "precision": loc.precision,
                "geometry": loc.geometry,
                "longitude": loc.longitude,
                "latitude": loc.latitude,
            }
            for loc in d.locations.all()
        ],
        "costs": [
            {
                "amount": cell(c.amount) or None,
                "currency": c.currency,
                "covers": c.covers,
                "qualifier": c.qualifier,
                "period": c.period,
                "display": c.display(),
                "quote": c.quote,
                "citation": c.citation_number,
            }
            for c in d.costs.all()
        ],
        "events": [
            {
                "kind": e.kind,
                **_date_json(e.date, e.date_precision),
                "description": e.description,
                "citation": e.citation_number,
            }
            for e in d.events.all()
        ],
        "legal_bases": [
            {
                "instrument_type": b.instrument_type,
                "instrument": b.instrument,
                "provision": b.provision,
                "url": b.url or None,
                "status": b.status,
                "note": b.note,
                "citation": b.citation_number,
            }
            for b in d.legal_bases.all()
        ],
        "impact_assessments": [
            {
                "kind": a.kind,
                **_date_json(a.date, a.date_precision),
                "availability": a.availability,
                "obtained_by": a.obtained_by,
                "url": a.url or None,
                "citation": a.citation_number,
            }
            for a in d.impact_assessments.all()
        ],
        "responses": [
            {
                "kind": r.kind,
                "organisation": r.organisation
                and {
                    "slug": r.organisation.slug,
                    "name": r.organisation.name,
                },
                "person": r.person,
                **_date_json(r.date, r.date_precision),
                "summary": r.summary,
                "quote": r.quote,
                "citation": r.citation_number,
            }
            for r in d.responses.all()
        ],
        # Each citation of the record's own fields: the claim, the number of its source (as
        # the page's mark) and the source's words, in the order the page reads them.
        "citations": [
            {"claim": claim, "citation": m.number, "quote": m.quote, "locator": m.locator}
            for claim, marks in cited.marks.items()
            for m in marks
        ],
        "sources": [_source_json(n, s) for n, s in enumerate(cited.sources, start=1)],
        "published_at": timestamp(d.published_at) or None,
        "last_updated": timestamp(d.updated),
        "changes": [
            {
                "date": timestamp(c["date"]),
                "version": c["version"],
                "what": c["what"],
                "changes": c["changes"],
            }
            for c in changes
        ],
        "cite_as": citation,
    }


# When the data last changed ------------------------------------------------------------------


def last_changed() -> dt.datetime | None:
    """When the public register last changed (freshness.py; one primary-key lookup).

    Deployment.updated alone would miss a withdrawal (the record leaves the set) and edits to
    its costs, sources or organisations, which do not touch the deployment's own row; edits to
    drafts and withdrawn records do not count, so this does not reveal when they are worked on.
    """
    return freshness.current().changed
