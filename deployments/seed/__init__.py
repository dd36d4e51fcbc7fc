"""The seed register: the deployments described in the five documents the project started from.

The documents are in ../shared/seeds (scraped pages). The records, in register.py, say only
what they say: figures, dates, organisations and roles are as written there, each pinned to
its source, and each citation quotes the source word for word (core/tests/test_seed.py checks
the quotes against the files). What the documents leave out stays unknown: no dates or
countries are filled in from elsewhere, and no point is drawn on the map that they do not
give. A source's address is given only once the page at it has been checked to read as the
document does. The only general knowledge used is the technology descriptions and the two
government departments' one-line descriptions.

`load_seed_register()` creates or updates the records and can be run any number of times. A row
the register no longer has (a fact since corrected away) is deleted, unless an editor has
touched it: the register's corrections reach a database loaded before them.
"""

import datetime as dt
from collections import Counter, defaultdict

from deployments.core import dates, edits, versions
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

from .register import DEPLOYMENTS, ORGANISATIONS, SOURCES, TECHNOLOGIES

# The reason on the loader's edits, by which it knows the rows it wrote.
SEED_REASON = "Loaded from the seed register."


# Deployment fields copied as they are from the records (blank when absent).
TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "planned_duration",
    "scale",
    "affected_groups",
    "data_retention",
    "data_sharing",
)


def _date(text: str) -> tuple[dt.date | None, str]:
    """(date, precision) from "", "2002", "2021-08" or "2024-10-14"."""
    if not text:
        return None, dates.Precision.UNKNOWN
    return dates.parse(text)


def _upsert(model, lookup: dict, values: dict, tally: Counter):
    """Find by `lookup`, create or bring up to date with `values`; save only when different.

    Saving only real changes keeps a second run silent: no new history rows, no timestamps.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        action = "created"
    else:
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not changed:
            return obj
        for key, value in changed.items():
            setattr(obj, key, value)
        action = "updated"
    obj.full_clean()
    obj.save()
    tally[action] += 1
    return obj


def _written_by_the_loader(row) -> bool:
    """Whether every version of the row came from the loader. A version outside any edit counts
    as the loader's: its loads wrote those before edits were recorded, and an editor's save
    always has its edit. A row an editor saved, or one with no history at all, is not."""
    made_in = {h.edit for h in row.history.select_related("edit")}
    return bool(made_in) and all(edit is None or edit.reason == SEED_REASON for edit in made_in)


def _prune(deployment, kept: dict, tally: Counter) -> None:
    """Delete the deployment's rows that the register no longer has and only the loader wrote.

    Rows are found again by their lookup, so a corrected key (a location renamed, a claim
    moved) leaves its old row behind: without this, a database loaded before a correction
    would go on showing what it corrected.
    """
    for kind in versions.CHILDREN:  # every kind of row a deployment holds
        for row in getattr(deployment, kind).exclude(pk__in=kept.get(kind, ())):
            if _written_by_the_loader(row):
                row.delete()
                tally["removed"] += 1


def _load_deployment(data: dict, sources: dict, orgs: dict, techs: dict, tally: Counter):
    start, start_precision = _date(data["start"])
    values = {field: data.get(field, "") for field in TEXT_FIELDS}
    values |= {
        "status": data["status"],
        "start_date": start,
        "start_precision": start_precision,
        "visibility": data.get("visibility", Deployment.Visibility.UNKNOWN),
    }
    deployment = _upsert(Deployment, {"slug": data["slug"]}, values, tally)

    wanted = {techs[slug].pk for slug in data["technologies"]}
    current = set(deployment.technologies.values_list("pk", flat=True))
    if current != wanted:
        deployment.technologies.set(wanted)
        if current:  # an empty set means the deployment was just created
            tally["updated"] += 1

    kept = defaultdict(list)
    for org_name, role, source, note in data.get("involvements", []):
        row = _upsert(
            Involvement,
            {"deployment": deployment, "organisation": orgs[org_name], "role": role},
            {"note": note, "source": sources[source]},
            tally,
        )
        kept["involvements"].append(row.pk)
    for place in data.get("locations", []):
        row = _upsert(
            Location,
            {"deployment": deployment, "name": place["name"]},
            {
                "country": place["country"],
                "precision": place["precision"],
                "geometry": place.get("geometry"),
            },
            tally,
        )
        kept["locations"].append(row.pk)
    for cost in data.get("costs", []):
        row = _upsert(
            Cost,
            {"deployment": deployment, "covers": cost["covers"], "source": sources[cost["source"]]},
            {
                "amount": cost["amount"],
                "currency": "GBP",
                "qualifier": cost["qualifier"],
                "period": cost["period"],
                "quote": cost["quote"],
            },
            tally,
        )
        kept["costs"].append(row.pk)
    for event in data.get("events", []):
        date, precision = _date(event["date"])
        row = _upsert(
            Event,
            {"deployment": deployment, "kind": event["kind"], "source": sources[event["source"]]},
            {"date": date, "date_precision": precision, "description": event["description"]},
            tally,
        )
        kept["events"].append(row.pk)
    for basis in data.get("legal_bases", []):
        row = _upsert(
            LegalBasis,
            {
                "deployment": deployment,
                "instrument": basis["instrument"],
                "source": sources[basis["source"]],
            },
            {
                "instrument_type": basis["instrument_type"],
                "status": basis["status"],
                "note": basis["note"],
            },
            tally,
        )
        kept["legal_bases"].append(row.pk)
    for assessment in data.get("assessments", []):
        date, precision = _date(assessment["date"])
        row = _upsert(
            ImpactAssessment,
            {
                "deployment": deployment,
                "kind": assessment["kind"],
                "source": sources[assessment["source"]],
            },
            {
                "date": date,
                "date_precision": precision,
                "availability": assessment["availability"],
                "obtained_by": assessment["obtained_by"],
            },
            tally,
        )
        kept["impact_assessments"].append(row.pk)
    for response in data.get("responses", []):
        row = _upsert(
            Response,
            {
                "deployment": deployment,
                "kind": response["kind"],
                "organisation": orgs.get(response["organisation"]),
                "person": response["person"],
                "source": sources[response["source"]],
            },
            {"summary": response["summary"], "quote": response["quote"]},
            tally,
        )
        kept["responses"].append(row.pk)
    for source, claim, quote in data["citations"]:
        row = _upsert(
            Citation,
            {"deployment": deployment, "source": sources[source], "claim": claim},
            {"quote": quote},
            tally,
        )
        kept["citations"].append(row.pk)

    _prune(deployment, kept, tally)

    # Publish what the loader itself created (still a draft); a seed deployment an editor has
    # since sent back to review or withdrawn stays as the editor left it.
    if deployment.publication == Deployment.Publication.DRAFT:
        problems = deployment.publication_problems()
        if problems:
            raise ValueError(f"Seed deployment {data['slug']} cannot be published: {problems}")
        deployment.publication = Deployment.Publication.PUBLISHED
        deployment.full_clean()
        deployment.save()
        tally["published"] += 1
    return deployment


def load_seed_register() -> Counter:
    """Create or update the seed register.

    Returns counts of records "created" and "updated", of rows "removed" because the register no
    longer has them, of deployments "published" by this run, and of seed "deployments" in all.

    Run it inside a transaction (the management command does): a failure half-way through
    should leave nothing behind.
    """
    tally = Counter()
    techs = {
        t["slug"]: _upsert(
            Technology, {"slug": t["slug"]}, {k: t[k] for k in ("name", "description")}, tally
        )
        for t in TECHNOLOGIES
    }
    orgs = {
        o["name"]: _upsert(
            Organisation,
            {"name": o["name"]},
            {k: o[k] for k in ("slug", "kind", "country", "description")},
            tally,
        )
        for o in ORGANISATIONS
    }
    sources = {}
    for key, s in SOURCES.items():
        published, precision = _date(s["published"])
        sources[key] = _upsert(
            Source,
            {"title": s["title"], "publisher": s["publisher"]},
            {
                "source_type": s["source_type"],
                "url": s["url"],
                "published": published,
                "published_precision": precision,
                "notes": s["notes"],
            },
            tally,
        )
    # One change in each record's history: the record with all its rows, as the seed says.
    with edits.recording(reason=SEED_REASON):
        for data in DEPLOYMENTS:
            _load_deployment(data, sources, orgs, techs, tally)
            tally["deployments"] += 1
    return tally
