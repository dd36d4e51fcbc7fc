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
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from . import dates, derived, geo
from .dates import Precision
from .models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ExportRow,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Source,
    Technology,
)

# Selectors for benchmarks --------------------------------------------------------------------

BENCH_TECHNOLOGY_SLUG = "synthetic-facial-recognition"
BENCH_TECHNOLOGY_SHARE = 0.20
BENCH_STATUS = "active"
BENCH_STATUS_SHARE = 0.20
# A real English word that PostgreSQL's english stemmer keeps as it is ("watchlist"), so the
# same query finds it with full-text search and with SQLite's LIKE. No other text contains it.
BENCH_SEARCH_WORD = "watchlist"
BENCH_SEARCH_EVERY = 50  # every 50th record: 2%
BENCH_COUNTRY = "DE"
BENCH_COUNTRY_SHARE = 0.20

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

# Reference data -------------------------------------------------------------------------------

TECHNOLOGIES = [
    # slug, name, what a title calls it, description
    ("synthetic-anpr-cameras", "Synthetic ANPR cameras", "ANPR cameras", "Read number plates."),
    (
        BENCH_TECHNOLOGY_SLUG,
        "Synthetic facial recognition",
        "facial recognition",
        "Compares faces in images with stored faces.",
    ),
    ("synthetic-cctv-network", "Synthetic CCTV network", "CCTV network", "Linked cameras."),
    ("synthetic-police-drones", "Synthetic police drones", "police drones", "Flying cameras."),
    (
        "synthetic-predictive-policing",
        "Synthetic predictive policing",
        "predictive policing software",
        'Scores places or people for "risk".',
    ),
    ("synthetic-imsi-catchers", "Synthetic IMSI catchers", "IMSI catchers", "Fake phone masts."),
    (
        "synthetic-body-worn-cameras",
        "Synthetic body-worn cameras",
        "body-worn cameras",
        "Cameras worn by officers.",
    ),
    (
        "synthetic-gunshot-detection",
        "Synthetic gunshot detection",
        "gunshot detection sensors",
        "Microphones that locate loud bangs.",
    ),
    (
        "synthetic-social-media-monitoring",
        "Synthetic social media monitoring",
        "social media monitoring",
        "Collects and searches public posts.",
    ),
    (
        "synthetic-emotion-recognition",
        "Synthetic emotion recognition",
        "emotion recognition",
        "Claims to read feelings from faces; the science is disputed.",
    ),
    (
        "synthetic-electronic-tagging",
        "Synthetic electronic tagging",
        "GPS ankle tags",
        "Tracks people on bail or probation.",
    ),
    (
        "synthetic-smart-streetlights",
        "Synthetic smart streetlights",
        "smart streetlights",
        "Lamp posts with cameras,\nmicrophones and sensors.",
    ),
]

# code: (name in its own language, currency, [(city, longitude, latitude)])
COUNTRIES = {
    "AT": ("Österreich", "EUR", [("Wien", 16.3738, 48.2082), ("Graz", 15.4395, 47.0707)]),
    "BE": ("België / Belgique", "EUR", [("Bruxelles", 4.3517, 50.8503)]),
    "CH": ("Schweiz", "CHF", [("Zürich", 8.5417, 47.3769), ("Genève", 6.1432, 46.2044)]),
    "CZ": ("Česko", "CZK", [("Praha", 14.4378, 50.0755), ("Třebíč", 15.882, 49.2148)]),
    "DE": (
        "Deutschland",
        "EUR",
        [
            ("Berlin", 13.405, 52.52),
            ("München", 11.582, 48.1351),
            ("Köln", 6.9603, 50.9375),
            ("Hamburg", 9.9937, 53.5511),
        ],
    ),
    "DK": ("Danmark", "DKK", [("København", 12.5683, 55.6761)]),
    "ES": ("España", "EUR", [("Madrid", -3.7038, 40.4168), ("Barcelona", 2.1734, 41.3851)]),
    "FI": ("Suomi", "EUR", [("Helsinki", 24.9384, 60.1699)]),
    "FR": ("France", "EUR", [("Paris", 2.3522, 48.8566), ("Marseille", 5.3698, 43.2965)]),
    "GB": (
        "United Kingdom",
        "GBP",
        [("London", -0.1276, 51.5072), ("Manchester", -2.2426, 53.4808)],
    ),
    "GR": ("Ελλάδα", "EUR", [("Αθήνα", 23.7275, 37.9838), ("Θεσσαλονίκη", 22.9444, 40.6401)]),
    "HU": ("Magyarország", "HUF", [("Budapest", 19.0402, 47.4979)]),
    "IE": ("Éire / Ireland", "EUR", [("Dublin", -6.2603, 53.3498)]),
    "IT": ("Italia", "EUR", [("Roma", 12.4964, 41.9028), ("Milano", 9.19, 45.4642)]),
    "NL": ("Nederland", "EUR", [("Amsterdam", 4.9041, 52.3676), ("Rotterdam", 4.4777, 51.9244)]),
    "NO": ("Norge", "NOK", [("Oslo", 10.7522, 59.9139)]),
    "PL": (
        "Polska",
        "PLN",
        [("Łódź", 19.456, 51.7592), ("Kraków", 19.945, 50.0647), ("Warszawa", 21.0122, 52.2297)],
    ),
    "PT": ("Portugal", "EUR", [("Lisboa", -9.1393, 38.7223)]),
    "RS": ("Србија", "RSD", [("Београд", 20.4489, 44.7866)]),
    "SE": ("Sverige", "SEK", [("Stockholm", 18.0686, 59.3293), ("Malmö", 13.0038, 55.605)]),
}
COUNTRY_CODES = sorted(COUNTRIES)
OTHER_COUNTRIES = [code for code in COUNTRY_CODES if code != BENCH_COUNTRY]

# Areas across borders: (name, (west, south, east, north)). Small boxes, all inside Europe.
REGIONS = [
    ("Across the Øresund region", (12.3, 55.4, 13.2, 56.1)),
    ('The "Brenner corridor", Austria and Italy', (11.3, 46.9, 11.6, 47.3)),
    ("Benelux motorways; several countries", (4.0, 50.5, 6.0, 52.0)),
    ("Ελλάδα–Türkiye land border", (26.0, 40.6, 26.7, 41.8)),
    ("Baltic Sea ferry ports", (18.0, 54.3, 21.0, 57.0)),
]

SITES = ["Central station", "Market square", "Ring road, junction 4", "Harbour gate; east quay"]

# Publishers differ at their first letter after "Synthetic ", all capitals, and none is the
# start of another: then ordering by (publisher, title) is the same in Python, SQLite and any
# PostgreSQL collation, which the search document (sources in that order) depends on.
PUBLISHERS = [
    "Synthetic Courts Service",
    "Synthetic Freedom of Information Desk",
    "Synthetic Gazette",
    "Synthetic Herald, Zürich edition",
    "Synthetic Interior Ministry",
    "Synthetic Journal of Łódź",
    "Synthetic Nordic Broadcaster (Øresund)",
    "Synthetic Observatory for Civil Liberties",
    "Synthetic Press Agency",
    'Synthetic Tribune "Ελλάδα"',
    "Synthetic Vendor Brochures",
]
SOURCE_TOPICS = [
    "council approves cameras",
    '"Safe city" contract, annex B',
    "Answer to FOI request 2023\\114",
    "Øresund checks: the first year",
    "Ελλάδα border report, part 2",
    "Łódź council minutes; item 7",
    "Zürich police annual report",
    "Procurement notice, lot 3 of 5",
    "Court hearing notes",
    'Vendor brochure: "99% accuracy"',
]

# Organisations after the first police force of each country cycle through these. The awkward
# names are on purpose: exports must survive ";", "\", quotes and formula-looking cells.
ORGANISATION_TEMPLATES = [
    ("company", "Synthetic Vision; Sensors Ltd"),
    ("government", "Synthetic Interior Ministry of {nation}"),
    ("company", "Synthetic Data\\Systems AG"),
    ("agency", "Synthetic Data Protection Authority, {city}"),
    ("company", "=Synthetic Formula Analytics"),
    ("ngo", "Synthetic Rights Group of {city}"),
    ("company", "+Synthetic Plus Security"),
    ("police", "Synthetic {city} Police"),
    ("company", "-Synthetic Minus Drones"),
    ("other", "Synthetic University of {city}"),
    ("company", "@Synthetic Handle Networks"),
    ("government", "Synthetic City Council of {city}"),
    ("company", 'Synthetic "Secure" Borders GmbH'),
    ("agency", "Synthetic Border Agency of {nation}"),
    ("company", "Synthetic Øresund Bridge Consortium"),
    ("company", "Synthetic Ελλάδα Systems"),
    ("police", "Synthetic Transport Police, {city}"),
    ("company", "Synthetic Łódź Optics, sp. z o.o."),
    ("company", "Synthetic Zürich Cloud AG"),
]
PUBLIC_KINDS = {"police", "government", "agency"}

# Choice values, read once: TextChoices.values builds a new list on every access.
SOURCE_TYPES = Source.Type.values
EVENT_KINDS = Event.Kind.values
INSTRUMENT_TYPES = LegalBasis.Instrument.values
AVAILABILITIES = ImpactAssessment.Availability.values
ASSESSMENT_KINDS = ImpactAssessment.Kind.values
CLAIMS = Citation.Claim.values
COVERS = Cost.Covers.values
VISIBILITIES = Deployment.Visibility.values
ROLES = ["operator", "commissioner", "supplier", "partner", "recipient"]


def _weighted(weights: dict[str, int]) -> list[str]:
    """Each value as many times as its weight (in percent): rng.choice() on the list is then a
    weighted choice, and three times faster than rng.choices()."""
    return [value for value, weight in weights.items() for _ in range(weight)]


STATUSES = _weighted(
    {
        BENCH_STATUS: 20,  # BENCH_STATUS_SHARE
        "trial": 15,
        "ended": 25,
        "announced": 10,
        "suspended": 8,
        "cancelled": 7,
        "unknown": 15,
    }
)
PUBLICATIONS = _weighted({"published": 95, "draft": 2, "review": 2, "withdrawn": 1})
PRECISIONS = _weighted({"day": 50, "month": 30, "year": 20})
# How often the end is known, by status; active, trial and announced records stay open.
END_KNOWN = {"ended": 0.85, "cancelled": 0.85, "suspended": 0.5, "unknown": 0.2}
LOCATION_PRECISIONS = _weighted({"exact": 25, "approximate": 20, "city": 35, "national": 20})

TITLE_WORDS = ["trial", "programme", "pilot", "roll-out", "network", "contract"]
SUMMARIES = [
    "{operator} uses {noun} in {city} since {start}.",
    'A trial of {noun} in {city} by {operator}, covering the centre and "hot spots".',
    "Plans for {noun} in {city}, announced by {operator}; details are scarce.",
    "{Noun} in {city}, run by {operator}, with data kept for an unknown time.",
]
# Summaries of a few records start with a character a spreadsheet reads as a formula.
FORMULA_SUMMARIES = {
    7: '=HYPERLINK("https://example.org/synthetic") was pasted here by mistake. ',
    31: "+44 hotline advertised on the posters; ",
    58: "-12% crime, the operator claims; ",
    83: "@SyntheticPolice announced it: ",
}
WATCHLIST_SENTENCE = f" Faces are compared against a {BENCH_SEARCH_WORD} of wanted people."
PARAGRAPHS = [
    'The operator says the system "only alerts, never decides".',
    "Minutes of the council meeting list three objections; the vote passed 23 to 4.",
    "Footage is kept on a server at C:\\Synthetic\\CCTV\\archive, according to the contract.",
    "Campaigners in Zürich, Łódź and Øresund asked for the impact assessment.\nNo answer yet.",
    "Coverage: the station, the market square, and the ring road.",
    "Ελλάδα: the same supplier equips the border posts; see the contract notice.",
]
SCALES = ["", "", "~1,200 cameras", "12 vans; 40 officers", '+300 sensors ("phase 2")', "3 drones"]
AFFECTED = [
    "",
    "Everyone passing the station",
    "Drivers, cyclists and pedestrians",
    "@risk youths, as the operator labels them",
    "Protesters; journalists",
]
RETENTIONS = ["", "31 days", "up to six years", "-", "not stated", "24 hours for non-matches"]
SHARING = [
    "",
    'Shared with the national "hotlist" database.',
    "None stated.",
    "Shared with national police; see the contract, annex C\\2.",
]
DURATIONS = ["", "", "six months", "12 weeks", "two years, renewable"]
COST_PERIODS = ["", "2021–2024", "per year", "six-month trial", "phase 1; phase 2 unpriced"]
EVENT_NOTES = [
    "",
    "Council vote, 23 to 4.",
    'Reported by the "Synthetic Gazette".',
    "Appeal lodged.",
]
INSTRUMENTS = {
    "statute": ("Synthetic Police Act 2015", "s. 12"),
    "regulation": ("Synthetic Data Protection Regulation", "Article 6(1)(e)"),
    "code": ("Synthetic Code of Practice; surveillance cameras", "principle 3"),
    "contract": ("Contract no. SYN\\2021\\07", "clause 4.2"),
    "ruling": ('Synthetic Court ruling 12/2022 ("Łódź cameras")', "para. 85"),
    "none": ("", ""),
}
LEGAL_STATUSES = _weighted(
    {"asserted": 40, "disputed": 20, "unlawful": 8, "lawful": 12, "not_stated": 20}
)
QUOTES = [
    'The cameras "will be switched on in spring", the council said.',
    "Line one of the minutes;\nline two of the minutes.",
    "Die Kameras in München bleiben bis Ende des Jahres.",
    "Τα συστήματα λειτουργούν από το 2021.",
    "-- as the annex puts it, at C:\\Synthetic\\annex.pdf",
    "",
]
LOCATORS = ["", "p. 4", "para. 12", "annex B, row 7"]

# Timestamps (created, published_at, updated) fall in the three years after this.
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

    # Distinct roles, so the order of the search document's organisations (role, then name as
    # the database collates it) never depends on the database's collation.
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


# Writing ---------------------------------------------------------------------------------------


def synthetic_rows() -> dict:
    """Querysets of the synthetic rows already in the database, by model (parents only)."""
    return {
        Deployment: Deployment.objects.filter(slug__startswith=SLUG_PREFIX),
        Technology: Technology.objects.filter(slug__startswith=SLUG_PREFIX),
        Organisation: Organisation.objects.filter(slug__startswith=SLUG_PREFIX),
        Source: Source.objects.filter(title__startswith=SOURCE_TITLE_PREFIX),
    }


def delete_existing() -> None:
    """Delete every synthetic row, children first, in one transaction.

    Plain DELETE statements: QuerySet.delete() would load every row, send the search and
    history signals and write a history row per deleted record, for up to millions of rows.
    """
    synthetic = synthetic_rows()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in CHILD_MODELS:
            _delete_where(cursor, model, "deployment_id", synthetic[Deployment])
        for model in (Deployment, Technology, Organisation, Source):
            _delete_where(cursor, model, model._meta.pk.column, synthetic[model])


def _delete_where(cursor, model, column: str, queryset) -> None:
    quote = connection.ops.quote_name
    sql, params = queryset.values("pk").query.sql_with_params()
    table, column = quote(model._meta.db_table), quote(column)
    # Table and column names come from the models; values travel as parameters.
    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({sql})", params)  # noqa: S608


def next_ids() -> dict:
    """Each table's first free id: synthetic rows go after whatever is already there."""
    return {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in MODELS}


def write(batch: dict) -> int:
    """Insert one batch from generate() in one transaction; return the number of rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows in batch.items():
            if rows:
                _insert(cursor, model, rows)
    return sum(len(rows) for rows in batch.values())


def _insert(cursor, model, rows: list[dict]) -> None:
    """One COPY (PostgreSQL) or one executemany (others) for all rows of one table.

    Not bulk_create: it stamps `created`/`updated` with the clock (auto_now), which would make
    two runs differ, and its per-object work is most of the time at a million records.
    """
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    plan = [(field.attname, field.get_default(), _adapter(field)) for field in fields]
    values = []
    for row in rows:
        line = []
        for name, default, adapt in plan:
            value = row.get(name, default)
            line.append(value if adapt is None or value is None else adapt(value))
        values.append(line)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for line in values:
                copy.write_row(line)
    else:
        marks = ", ".join(["%s"] * len(plan))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608


def _adapter(field):
    """How a Python value of this field becomes a database value, where the driver needs help."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value  # naive UTC text on SQLite
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "JSONField":
        return json.dumps  # jsonb parses the text on PostgreSQL
    return None


def finish() -> None:
    """After writing: on PostgreSQL move the id sequences past the ids written here (they
    were chosen, not drawn from the sequences) and refresh the planner's statistics; then
    tell derived.py that every synthetic record changed, which writes their search documents
    and CSV lines (plain inserts send no signals)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
                cursor.execute(sql)
            _analyze(cursor, MODELS)  # the lines' one big statement is planned on them
    with transaction.atomic():
        derived.changed(synthetic_rows()[Deployment], touch=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _analyze(cursor, [ExportRow, Deployment])


def _analyze(cursor, models) -> None:
    for model in models:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
