"""Obviously synthetic deployments at scale, for benchmarks: `manage.py generate_synthetic N`.

generate() yields the rows of N made-up deployments and everything they refer to, as plain
dicts in batches; write() inserts a batch with one COPY (PostgreSQL) or one executemany
(SQLite) per table. The rows are a pure function of (N, seed, first ids): `random.Random(seed)`
decides everything and timestamps are derived from it, never read from the clock, so a
benchmark run is repeatable byte for byte.

Per deployment: 1-3 technologies, 1-4 organisations in distinct roles, 1-3 locations, 0-3
costs, 1-3 events, 1-2 legal bases, an impact assessment for about 30%, 1-4 citations. Every
claim cites one of the record's 1-5 sources, drawn from about N/3 sources shared by all records.

Known selectors a benchmark can rely on (see BENCH_* below): technology BENCH_TECHNOLOGY_SLUG
in about 20% of records, status BENCH_STATUS in about 20%, BENCH_SEARCH_WORD in the summary of
exactly every 50th record (2%), locations in BENCH_COUNTRY for about 20%.
"""

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from deployments.core import dates, geo
from deployments.core.dates import Precision
from deployments.dev.vocabulary import (
    AFFECTED,
    ASSESSMENT_KINDS,
    AVAILABILITIES,
    BENCH_COUNTRY,
    BENCH_COUNTRY_SHARE,
    BENCH_SEARCH_EVERY,
    BENCH_TECHNOLOGY_SHARE,
    BENCH_TECHNOLOGY_SLUG,
    CLAIMS,
    COST_PERIODS,
    COUNTRIES,
    COUNTRY_CODES,
    COVERS,
    DURATIONS,
    END_KNOWN,
    EVENT_KINDS,
    EVENT_NOTES,
    FORMULA_SUMMARIES,
    INSTRUMENT_TYPES,
    INSTRUMENTS,
    LEGAL_STATUSES,
    LOCATION_PRECISIONS,
    LOCATORS,
    ORGANISATION_TEMPLATES,
    OTHER_COUNTRIES,
    PARAGRAPHS,
    PRECISIONS,
    PUBLIC_KINDS,
    PUBLICATIONS,
    PUBLISHERS,
    QUOTES,
    REGIONS,
    RETENTIONS,
    ROLES,
    SCALES,
    SHARING,
    SITES,
    SOURCE_TOPICS,
    SOURCE_TYPES,
    STATUSES,
    SUMMARIES,
    TECHNOLOGIES,
    TITLE_WORDS,
    VISIBILITIES,
    WATCHLIST_SENTENCE,
)
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
    Source,
    Technology,
)

# How synthetic rows are recognised, and removed by --replace.
SLUG_PREFIX = "synthetic-"
SOURCE_TITLE_PREFIX = "Synthetic source "

BATCH_SIZE = 5000

TechnologyLink = Deployment.technologies.through

# Every table written, parents first: the order rows are inserted in.
MODELS = [
    Technology,
    Organisation,
    Source,
    Deployment,
    TechnologyLink,
    Involvement,
    Location,
    Cost,
    Event,
    LegalBasis,
    ImpactAssessment,
    Citation,
]
CHILD_MODELS = MODELS[4:]

EPOCH = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
FIRST_START = dt.date(2008, 1, 1)


def organisation_count(n: int) -> int:
    return max(50, n // 500)


def source_count(n: int) -> int:
    return max(10, n // 3)


def source_title(i: int) -> str:
    """The title of source number i (0-based): a pure function, so no source is kept in memory.

    The zero-padded number right after the prefix makes titles sort the same in any collation.
    """
    topic = SOURCE_TOPICS[(i // len(PUBLISHERS)) % len(SOURCE_TOPICS)]
    return f"{SOURCE_TITLE_PREFIX}{i + 1:07d}: {topic}"


def source_publisher(i: int) -> str:
    return PUBLISHERS[i % len(PUBLISHERS)]


@dataclass
class World:
    """What every deployment draws from: ids of the shared rows written before them."""

    technologies: list[tuple[int, str]]  # (id, title noun), the bench technology excluded
    bench_technology: int
    organisation_names: dict[int, str]
    public_bodies: dict[str, list[int]]  # by country
    all_public_bodies: list[int]
    companies: list[int]
    organisations: list[int]
    first_source_id: int
    source_count: int


# Generation ------------------------------------------------------------------------------------


def generate(
    n: int, seed: int = 1, first_ids: dict | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[dict]:
    """Yield batches {model: [row dicts keyed by field attname]}, parents before children.

    first_ids gives each model's first id (default 1). Rows hold Python values (dates,
    Decimals, GeoJSON dicts), so `model(**row)` is a valid unsaved instance.
    """
    rng = random.Random(seed)  # noqa: S311 (made-up data, not security)
    ids = {model: itertools.count((first_ids or {}).get(model, 1)) for model in MODELS}

    technology_rows, technologies, bench_technology = [], [], None
    for slug, name, noun, description in TECHNOLOGIES:
        pk = next(ids[Technology])
        technology_rows.append({"id": pk, "name": name, "slug": slug, "description": description})
        if slug == BENCH_TECHNOLOGY_SLUG:
            bench_technology = pk
        else:
            technologies.append((pk, noun))
    yield {Technology: technology_rows}

    organisation_rows = [
        _organisation(rng, i, next(ids[Organisation])) for i in range(organisation_count(n))
    ]
    yield {Organisation: organisation_rows}

    first_source_id = next(ids[Source])
    sources = source_count(n)
    for first in range(0, sources, batch_size):
        yield {
            Source: [
                _source(rng, i, first_source_id + i)
                for i in range(first, min(first + batch_size, sources))
            ]
        }

    public_bodies = {code: [] for code in COUNTRY_CODES}
    for row in organisation_rows:
        if row["kind"] in PUBLIC_KINDS:
            public_bodies[row["country"]].append(row["id"])
    world = World(
        technologies=technologies,
        bench_technology=bench_technology,
        organisation_names={row["id"]: row["name"] for row in organisation_rows},
        public_bodies=public_bodies,
        all_public_bodies=[r["id"] for r in organisation_rows if r["kind"] in PUBLIC_KINDS],
        companies=[r["id"] for r in organisation_rows if r["kind"] == "company"],
        organisations=[r["id"] for r in organisation_rows],
        first_source_id=first_source_id,
        source_count=sources,
    )
    for first in range(0, n, batch_size):
        batch = {model: [] for model in [Deployment, *CHILD_MODELS]}
        for number in range(first, min(first + batch_size, n)):
            _deployment(rng, number, world, ids, batch)
        yield batch


def _organisation(rng: random.Random, i: int, pk: int) -> dict:
    country = COUNTRY_CODES[i % len(COUNTRY_CODES)]
    nation, _currency, cities = COUNTRIES[country]
    if i < len(COUNTRY_CODES):
        # One police force per country first, so every country has an operator to choose.
        kind, name = "police", f"Synthetic Police of {cities[0][0]}"
    else:
        kind, template = ORGANISATION_TEMPLATES[
            (i - len(COUNTRY_CODES)) % len(ORGANISATION_TEMPLATES)
        ]
        name = template.format(city=cities[0][0], nation=nation)
    return {
        "id": pk,
        "name": f"{name} {i + 1}",  # the number keeps names unique
        "slug": f"{SLUG_PREFIX}organisation-{i + 1}",
        "kind": kind,
        "country": country,
        "website": f"https://example.org/synthetic/organisations/{i + 1}"
        if rng.random() < 0.5
        else "",
        "description": rng.choice(["", "Made up for the synthetic register.\nNot a real body."]),
    }


def _source(rng: random.Random, i: int, pk: int) -> dict:
    has_url = rng.random() < 0.75
    if rng.random() < 0.05:
        published, precision = None, Precision.UNKNOWN
    else:
        published, precision = _imprecise(rng, dt.date(2005, 1, 1), 7300)
    return {
        "id": pk,
        "title": source_title(i),
        "publisher": source_publisher(i),
        "source_type": rng.choice(SOURCE_TYPES),
        "url": f"https://example.org/synthetic/sources/{i + 1}" if has_url else "",
        "archive_url": f"https://example.org/synthetic/archive/{i + 1}"
        if has_url and rng.random() < 0.3
        else "",
        "published": published,
        "published_precision": precision,
        "accessed": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600))
        if has_url
        else None,
        "notes": "" if has_url else "Print edition; no URL. Shelf mark SYN\\B7, page 4.",
    }


def _imprecise(rng: random.Random, first: dt.date, days: int) -> tuple[dt.date, str]:
    """A day in [first, first + days), kept only as precisely as a random precision says."""
    day = first + dt.timedelta(days=rng.randrange(days))
    precision = rng.choice(PRECISIONS)
    return dates.normalise(day, precision), precision


def _deployment(rng: random.Random, number: int, world: World, ids: dict, batch: dict) -> None:
    """Append deployment number `number` (0-based) and all its rows to batch."""
    pk = next(ids[Deployment])
    rows = {model: [] for model in CHILD_MODELS}
    country = BENCH_COUNTRY if rng.random() < BENCH_COUNTRY_SHARE else rng.choice(OTHER_COUNTRIES)
    nation, currency, cities = COUNTRIES[country]
    city, city_lon, city_lat = rng.choice(cities)

    technologies = []
    if rng.random() < BENCH_TECHNOLOGY_SHARE:
        technologies.append((world.bench_technology, "facial recognition"))
        technologies += rng.sample(world.technologies, rng.choice((0, 1, 1)))
    else:
        technologies += rng.sample(world.technologies, rng.choice((1, 1, 2)))
    for technology_id, _noun in technologies:
        rows[TechnologyLink].append(
            {"id": next(ids[TechnologyLink]), "deployment_id": pk, "technology_id": technology_id}
        )
    noun = technologies[0][1]

    status = rng.choice(STATUSES)
    if rng.random() < 0.03:
        start, start_precision = None, Precision.UNKNOWN
    else:
        start, start_precision = _imprecise(rng, FIRST_START, 6570)  # up to the end of 2025
    end, end_precision = None, Precision.UNKNOWN  # open: ongoing, or not known
    if rng.random() < END_KNOWN.get(status, 0):
        # Counted from the (truncated) start, so the last day the end can mean is never
        # before the start: the database's end_not_before_start constraint holds.
        end, end_precision = _imprecise(rng, start or dt.date(2012, 1, 1), 2500)

    # The record's few sources: every claim below cites one of them.
    pool = [
        world.first_source_id + i
        for i in rng.sample(range(world.source_count), min(rng.randint(1, 5), world.source_count))
    ]

    # Distinct roles, so the order of a record's organisations in its CSV line (role, then
    # name as the database collates it) never depends on the database's collation.
    for role in ["operator", *rng.sample(ROLES[1:], rng.randint(0, 3))]:
        if role == "operator":
            organisation = rng.choice(world.public_bodies[country] or world.all_public_bodies)
        elif role == "commissioner":
            organisation = rng.choice(world.all_public_bodies)
        elif role == "supplier":
            organisation = rng.choice(world.companies)
        else:
            organisation = rng.choice(world.organisations)
        rows[Involvement].append(
            {
                "id": next(ids[Involvement]),
                "deployment_id": pk,
                "organisation_id": organisation,
                "role": role,
                "note": "Named in the contract, page 3." if rng.random() < 0.1 else "",
                "source_id": rng.choice(pool),
            }
        )
    operator = world.organisation_names[rows[Involvement][0]["organisation_id"]]

    rows[Location].append(_location(rng, pk, ids, country, nation, city, city_lon, city_lat))
    if rng.random() < 0.10:
        other_city = rng.choice(cities)
        rows[Location].append(_location(rng, pk, ids, country, nation, *other_city))
    if rng.random() < 0.05:
        name, box = rng.choice(REGIONS)
        rows[Location].append(
            {
                "id": next(ids[Location]),
                "deployment_id": pk,
                "name": name,
                "country": "",
                "precision": "multi",
                **_geometry(_box(*box)),
            }
        )

    for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
        rows[Cost].append(_cost(rng, pk, ids, currency, pool))
    for _ in range(rng.randint(1, 3)):
        first = start - dt.timedelta(days=400) if start else dt.date(2010, 1, 1)
        day, precision = _imprecise(rng, first, 1900)
        rows[Event].append(
            {
                "id": next(ids[Event]),
                "deployment_id": pk,
                "kind": rng.choice(EVENT_KINDS),
                "date": day,
                "date_precision": precision,
                "description": rng.choice(EVENT_NOTES),
                "source_id": rng.choice(pool),
            }
        )
    for _ in range(rng.choice((1, 1, 1, 2))):
        rows[LegalBasis].append(_legal_basis(rng, pk, ids, pool))
    if rng.random() < 0.30:
        rows[ImpactAssessment].append(_assessment(rng, pk, ids, start, operator, pool))
    # Distinct sources, so (deployment, source, claim) is unique whatever the claims are.
    for k, source_id in enumerate(pool[: rng.randint(1, min(4, len(pool)))]):
        rows[Citation].append(
            {
                "id": next(ids[Citation]),
                "deployment_id": pk,
                "source_id": source_id,
                "claim": "general" if k == 0 else rng.choice(CLAIMS),
                "quote": rng.choice(QUOTES),
                "locator": rng.choice(LOCATORS),
            }
        )

    Noun = noun[0].upper() + noun[1:]
    summary = rng.choice(SUMMARIES).format(
        operator=operator,
        noun=noun,
        Noun=Noun,
        city=city,
        start=dates.display(start, start_precision, unknown="an unknown date"),
    )
    # Fixed slots rather than chance, so even a small run has every case.
    summary = FORMULA_SUMMARIES.get(number % 100, "") + summary
    if number % BENCH_SEARCH_EVERY == 0:
        summary += WATCHLIST_SENTENCE
    publication = rng.choice(PUBLICATIONS)
    created = EPOCH + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
    published_at = None
    if publication in ("published", "withdrawn"):  # a withdrawn record was published once
        published_at = created + dt.timedelta(seconds=rng.randrange(3600, 30 * 86400))
    updated = (published_at or created) + dt.timedelta(seconds=rng.randrange(90 * 86400))
    title = f"[Synthetic] {Noun} {rng.choice(TITLE_WORDS)} in {city}"
    deployment = {
        "id": pk,
        "title": title + (' ("Safe City")' if rng.random() < 0.1 else ""),
        "slug": f"{SLUG_PREFIX}{number + 1}",
        "summary": summary,
        "description": "\n\n".join(rng.sample(PARAGRAPHS, rng.choice((0, 1, 2, 3)))),
        "status": status,
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        "end_latest": dates.latest(end, end_precision),  # as Deployment.save() sets it
        "planned_duration": rng.choice(DURATIONS),
        "scale": rng.choice(SCALES),
        "affected_groups": rng.choice(AFFECTED),
        "data_retention": rng.choice(RETENTIONS),
        "data_sharing": rng.choice(SHARING),
        "visibility": rng.choice(VISIBILITIES),
        "publication": publication,
        "published_at": published_at,
        "created": created,
        "updated": updated,
    }
    batch[Deployment].append(deployment)
    for model, model_rows in rows.items():
        batch[model] += model_rows


def _location(
    rng: random.Random,
    pk: int,
    ids: dict,
    country: str,
    nation: str,
    city: str,
    lon: float,
    lat: float,
) -> dict:
    precision = rng.choice(LOCATION_PRECISIONS)
    if precision == "exact":
        name = f"{rng.choice(SITES)}, {city}"
        geometry = _point(lon + rng.uniform(-0.05, 0.05), lat + rng.uniform(-0.03, 0.03))
    elif precision == "approximate":
        name = f"Around the {rng.choice(SITES).lower()}, {city}"
        x, y = lon + rng.uniform(-0.05, 0.05), lat + rng.uniform(-0.03, 0.03)
        geometry = _box(x - 0.01, y - 0.01, x + 0.01, y + 0.01)
    elif precision == "city":
        name = city
        geometry = (
            _point(lon, lat)
            if rng.random() < 0.5
            else _box(lon - 0.08, lat - 0.05, lon + 0.08, lat + 0.05)
        )
    else:
        name, geometry = nation, None  # a country is not drawn on the map
    return {
        "id": next(ids[Location]),
        "deployment_id": pk,
        "name": name,
        "country": country,
        "precision": precision,
        **_geometry(geometry),
    }


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}


def _box(west: float, south: float, east: float, north: float) -> dict:
    west, south, east, north = (round(v, 5) for v in (west, south, east, north))
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _geometry(geometry: dict | None) -> dict:
    """The geometry with the representative point Location.save() would store."""
    if geometry is None:
        return {"geometry": None, "longitude": None, "latitude": None}
    lon, lat = geo.representative_point(geometry)
    return {"geometry": geometry, "longitude": lon, "latitude": lat}


def _cost(rng: random.Random, pk: int, ids: dict, currency: str, pool: list[int]) -> dict:
    if rng.random() < 0.15:
        currency = rng.choice(("EUR", "GBP", "USD"))
    if rng.random() < 0.15:
        amount, qualifier, quote = None, "undisclosed", "The figure was redacted."
    else:
        amount = Decimal(rng.randrange(100_000, 2_000_000_000)).scaleb(-2)  # two decimals
        qualifier = rng.choice(("exact", "up_to", "approx", "at_least"))
        quote = rng.choice(("", f'The contract is worth "about {currency} {amount:,.0f}".'))
    return {
        "id": next(ids[Cost]),
        "deployment_id": pk,
        "amount": amount,
        "currency": currency,
        "covers": rng.choice(COVERS),
        "qualifier": qualifier,
        "period": rng.choice(COST_PERIODS),
        "source_id": rng.choice(pool),
        "quote": quote,
    }


def _legal_basis(rng: random.Random, pk: int, ids: dict, pool: list[int]) -> dict:
    instrument_type = rng.choice(INSTRUMENT_TYPES)
    instrument, provision = INSTRUMENTS[instrument_type]
    has_url = instrument and rng.random() < 0.4
    return {
        "id": next(ids[LegalBasis]),
        "deployment_id": pk,
        "instrument_type": instrument_type,
        "instrument": instrument,
        "provision": provision,
        "url": f"https://example.org/synthetic/law/{instrument_type}" if has_url else "",
        "status": rng.choice(LEGAL_STATUSES),
        "note": "Challenged by synthetic campaigners; hearing due." if rng.random() < 0.1 else "",
        "source_id": rng.choice(pool),
    }


def _assessment(
    rng: random.Random, pk: int, ids: dict, start: dt.date | None, operator: str, pool: list[int]
) -> dict:
    if rng.random() < 0.2:
        day, precision = None, Precision.UNKNOWN
    else:
        first = (start or dt.date(2012, 1, 1)) - dt.timedelta(days=200)
        day, precision = _imprecise(rng, first, 900)
    availability = rng.choice(AVAILABILITIES)
    obtained_by = {"published": operator, "foi": "Synthetic Rights Group of Wien"}
    has_url = availability in ("published", "foi") and rng.random() < 0.7
    return {
        "id": next(ids[ImpactAssessment]),
        "deployment_id": pk,
        "kind": rng.choice(ASSESSMENT_KINDS),
        "date": day,
        "date_precision": precision,
        "availability": availability,
        "obtained_by": obtained_by.get(availability, ""),
        "url": f"https://example.org/synthetic/assessments/{pk}" if has_url else "",
        "source_id": rng.choice(pool),
    }
