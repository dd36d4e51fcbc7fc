"""The words and proportions synthetic records are made of (synthetic.py): plain data, all
obviously made up."""

from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    LegalBasis,
    Source,
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
# PostgreSQL collation, so every listing sorted by source reads the same on both databases.
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
