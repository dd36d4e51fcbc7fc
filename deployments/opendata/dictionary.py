"""The data dictionary: every exported file and column, described once.

The /data/ page, /data/datapackage.json (Frictionless Table Schema) and the importer's column
checks all read these definitions, so the documentation cannot drift from the files.
"""

from dataclasses import dataclass, field

from deployments.core.dates import Precision
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
)

# Imprecise dates: as precisely as known, never padded with a made-up month or day.
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE_FORMAT = "YYYY, YYYY-MM or YYYY-MM-DD: only as precise as known"
DATETIME_FORMAT = "YYYY-MM-DDThh:mm:ssZ (UTC)"
MULTI_FORMAT = "a list joined with “; ” (see “Lists in one cell”)"
PARALLEL_FORMAT = (
    "a list joined with “; ”, one value for each item of {of}, in the same order; "
    "an empty value (nothing between two “; ”) is that item's nothing"
)


def _values(choices) -> tuple[str, ...]:
    return tuple(value for value, _label in choices)


def _list_pattern(values) -> str:
    """A Table Schema pattern for a "; "-joined list of allowed values."""
    one = "(" + "|".join(values) + ")"
    return f"^{one}(; {one})*$"


def _list_pattern_of(one: str) -> str:
    """A Table Schema pattern for a "; "-joined list of values matching `one`."""
    return f"^({one})(; ({one}))*$"


# A float as Python's repr() writes one (and PostgreSQL's float8 text, csv_export._float).
FLOAT_PATTERN = r"-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?"


def _parallel_pattern(one: str) -> str:
    """A Table Schema pattern for a parallel list (PARALLEL_FORMAT) of values matching `one`,
    each of which may be empty."""
    return f"^({one})?(; ?({one})?)*$"


# A parallel list of floats, as a text cell: an apostrophe before a first value that is
# negative (cells.neutralise).
NEUTRALISED_FLOATS = "^'?" + _parallel_pattern(FLOAT_PATTERN).removeprefix("^")


def _parallel(name, description, example, of, **kwargs) -> "Column":
    return Column(
        name, "string", description, example, format_note=PARALLEL_FORMAT.format(of=of), **kwargs
    )


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: integer, number, string, datetime
    description: str
    example: str
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    format_note: str = ""  # the human description of the format, for the data page
    choices: tuple[tuple[str, str], ...] = ()  # (value, meaning) shown on the data page

    def field(self) -> dict:
        """This column as a Table Schema field descriptor."""
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        descriptor["example"] = self.example
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor

    @property
    def allowed(self) -> str:
        """Allowed values in words, for the data page."""
        if self.choices:
            return "; ".join(f"{value} ({label})" for value, label in self.choices)
        if self.enum:
            return ", ".join(self.enum)
        return ""


def _enum(name, description, choices, example, **kwargs) -> Column:
    return Column(
        name,
        "string",
        description,
        example,
        enum=_values(choices),
        choices=tuple((str(v), str(label)) for v, label in choices),
        **kwargs,
    )


def _date(name, description, example) -> Column:
    return Column(
        name, "string", description, example, pattern=DATE_PATTERN, format_note=DATE_FORMAT
    )


def _precision(name, of) -> Column:
    return _enum(name, f"How much of {of} is known.", Precision.choices, "month", required=True)


def _key(name="id", what="row") -> Column:
    return Column(
        name,
        "integer",
        f"The {what}'s number in this register (the table's key).",
        "17",
        required=True,
    )


def _ref(name, table) -> Column:
    return Column(name, "integer", f"The id of the row in {table}.csv.", "17", required=True)


def _source_ref(required=True) -> Column:
    return Column(
        "source_id",
        "integer",
        "The id of the source (sources.csv) that says so.",
        "4",
        required=required,
    )


ROLE_VALUES = _values(Involvement.Role.choices)
OTHER_ROLES = tuple(r for r in ROLE_VALUES if r not in ("operator", "supplier"))

# The CSV export, /deployments.csv: one row per deployment, in the list's order.
EXPORT_COLUMNS = [
    _key(what="deployment"),
    Column(
        "slug",
        "string",
        "Stable short name, used in the record's web address.",
        "synthetic-anpr-trial",
        required=True,
        pattern=r"^[-a-zA-Z0-9_]+$",
    ),
    Column(
        "url",
        "string",
        "The record's page on this register.",
        "https://register.example/deployments/synthetic-anpr-trial/",
        required=True,
    ),
    Column(
        "title",
        "string",
        "What the deployment is called here.",
        "Synthetic ANPR trial",
        required=True,
    ),
    Column(
        "summary",
        "string",
        "One or two sentences: what, who, where, since when.",
        "A made-up trial of number plate cameras.",
        required=True,
    ),
    _enum(
        "status",
        "Where the deployment stands, as last reported.",
        Deployment.Status.choices,
        "trial",
        required=True,
    ),
    Column(
        "technologies",
        "string",
        "Names of the technologies used (see /technologies/).",
        "ANPR; CCTV",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "operators",
        "string",
        "Names of the organisations that run it.",
        "Synthetic Police",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "suppliers",
        "string",
        "Names of the organisations that supply it.",
        "Synthetic Devices Ltd",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "other_organisations",
        "string",
        "Other organisations, each followed by its role in brackets: "
        + ", ".join(OTHER_ROLES)
        + ".",
        "Home Office (commissioner)",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "countries",
        "string",
        "ISO 3166-1 alpha-2 codes of the countries of its locations, in alphabetical order.",
        "GB; FR",
        pattern=r"^[A-Z]{2}(; [A-Z]{2})*$",
        format_note=MULTI_FORMAT,
    ),
    _date("start_date", "When it started (or was first reported to run).", "2024-10"),
    _precision("start_precision", "the start date"),
    _date("end_date", "When it ended. Empty when it has not ended or the end is unknown.", "2025"),
    _precision("end_precision", "the end date"),
    Column(
        "cost_amount",
        "number",
        "The headline cost: a contract value before a budget, "
        "then initial cost, spend to date, annual cost, estimate. All costs are in "
        "register.zip's costs.csv. Empty when there is none or it was not disclosed.",
        "80000.00",
        format_note="decimal with a point and two places, no thousands separator",
    ),
    Column(
        "cost_currency",
        "string",
        "ISO 4217 currency of the headline cost. Amounts are never converted.",
        "GBP",
        pattern=r"^[A-Z]{3}$",
    ),
    _enum("cost_covers", "What the headline cost covers.", Cost.Covers.choices, "budget"),
    _enum("cost_qualifier", "How exact the headline cost is.", Cost.Qualifier.choices, "up_to"),
    Column(
        "legal_basis",
        "string",
        "Each stated legal basis: the instrument, then its "
        "provision after a comma (or the instrument type when none is named).",
        "Synthetic Act 2020, s. 4",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "legal_status",
        "string",
        "The status of each legal basis, in the same order: "
        + ", ".join(_values(LegalBasis.Status.choices))
        + ". Empty, with legal_basis empty, when the legal basis has not been researched yet; "
        "“not_stated” when it was researched and no one states one.",
        "asserted",
        pattern=_list_pattern(_values(LegalBasis.Status.choices)),
        format_note=MULTI_FORMAT,
        choices=tuple(LegalBasis.Status.choices),
    ),
    Column(
        "latitude",
        "number",
        "WGS84 latitude of the first location that has a geometry "
        "(its point, or the centre of its area). Approximate unless location_precision is "
        "exact.",
        "51.5",
    ),
    Column("longitude", "number", "WGS84 longitude of the same point.", "-0.1"),
    _enum(
        "location_precision",
        "How precise that location is (the first location's when none has a geometry).",
        Location.Precision.choices,
        "city",
    ),
    Column(
        "locations",
        "string",
        "Names of all its locations, as reported.",
        "Synthetic City; Synthetic Port",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "sources",
        "string",
        "Every source the record cites, in the order its page numbers "
        "them: the URL, or “Publisher: Title” when there is none.",
        "https://example.org/synthetic-report",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "last_updated",
        "datetime",
        "When the record was last changed.",
        "2025-01-31T09:30:00Z",
        required=True,
        format_note=DATETIME_FORMAT,
    ),
    # Added after the first release, so at the end: a column never moves.
    Column(
        "organisation_notes",
        "string",
        "What the sources say of an organisation's role, for each role that has a note: "
        "the name, its role in brackets, a colon and the note.",
        "Synthetic Devices Ltd (supplier): supplies the cameras",
        format_note=MULTI_FORMAT,
    ),
    Column(
        "scale",
        "string",
        "How big it is, as reported (cameras, people, places), in words.",
        "about 40 cameras",
    ),
    Column(
        "cost_note",
        "string",
        "The headline cost's period or note, as reported.",
        "six-month trial",
    ),
    Column(
        "legal_basis_types",
        "string",
        "The type of each legal basis, in the same order: "
        + ", ".join(_values(LegalBasis.Instrument.choices))
        + ".",
        "statute",
        pattern=_list_pattern(_values(LegalBasis.Instrument.choices)),
        format_note=MULTI_FORMAT,
        choices=tuple(LegalBasis.Instrument.choices),
    ),
    _parallel(
        "legal_basis_notes",
        "What the sources say of each legal basis, beyond its name.",
        "Synthetic note on the Act",
        "legal_basis",
    ),
    _parallel(
        "location_precisions",
        "How precise each location is.",
        "city; national",
        "locations",
        pattern=_list_pattern(_values(Location.Precision.choices)),
        choices=tuple(Location.Precision.choices),
    ),
    _parallel(
        "location_countries",
        "The country of each location as an ISO 3166-1 alpha-2 code, or the codes of each "
        "country it spans joined with commas; empty when not stated.",
        "GB; FR,BE",
        "locations",
        pattern=_parallel_pattern(r"[A-Z]{2}(,[A-Z]{2})*"),
    ),
    _parallel("source_titles", "The title of each source.", "Synthetic report", "sources"),
    _parallel("source_publishers", "Who published each source.", "Synthetic Gazette", "sources"),
    _parallel(
        "source_dates",
        "When each source was published, only as precisely as known; empty when unknown.",
        "2024-10; 2023",
        "sources",
        pattern=_parallel_pattern(DATE_PATTERN.removeprefix("^").removesuffix("$")),
    ),
    Column(
        "end_text",
        "string",
        "The end as the record's page says it: end_date when known, else what the status says "
        "of an end nobody reported: “no end reported” (active or trial), “ended, date unknown” "
        "(ended), nothing (announced) or “unknown”.",
        "no end reported",
    ),
    Column(
        "events",
        "string",
        "Each dated event, earliest first: its date (only as precise as known), its kind, and "
        "after a colon what the source says of it. Kinds: "
        + ", ".join(_values(Event.Kind.choices))
        + ".",
        "2022-05 contract: Contract awarded",
        pattern=_list_pattern_of(
            DATE_PATTERN.removeprefix("^").removesuffix("$")
            + " ("
            + "|".join(_values(Event.Kind.choices))
            + ")(: .*)?"
        ),
        format_note=MULTI_FORMAT,
    ),
    # latitude and longitude above are one point per record; these are every location's, so
    # a file this export wrote imports back with each site where it was.
    _parallel(
        "location_latitudes",
        "The latitude of each location's point (WGS84 decimal degrees: the pin, or a point "
        "inside its area); empty for a location without one.",
        "51.5072; ",
        "locations",
        pattern=NEUTRALISED_FLOATS,
    ),
    _parallel(
        "location_longitudes",
        "The longitude of each location's point, as location_latitudes.",
        "-0.1276; ",
        "locations",
        pattern=NEUTRALISED_FLOATS,
    ),
]
# Written as numbers: never prefixed against spreadsheet formulas (a negative longitude must
# stay a number).
EXPORT_BY_NAME = {c.name: c for c in EXPORT_COLUMNS}
NUMERIC_COLUMNS = {c.name for c in EXPORT_COLUMNS if c.type in ("integer", "number")}
MULTI_VALUED = {c.name for c in EXPORT_COLUMNS if c.format_note == MULTI_FORMAT}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    primary_key: tuple[str, ...] = ("id",)
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> table

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def schema(self) -> dict:
        schema = {"fields": [c.field() for c in self.columns], "primaryKey": list(self.primary_key)}
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": table, "fields": "id"}}
                for column, table in self.foreign_keys.items()
            ]
        return schema


def _text(name, description, example="", required=False) -> Column:
    return Column(name, "string", description, example, required=required)


def _link(name, description) -> Column:
    return Column(
        name,
        "string",
        description,
        "https://example.org/synthetic",
        pattern=r"^https?://.+",
        format_note="http(s) address",
    )


# register.zip: the whole published register, one table per kind of row, keyed by id.
TABLES = [
    Table(
        "deployments",
        "Deployments",
        "Each published deployment's own fields.",
        [
            _key(what="deployment"),
            EXPORT_BY_NAME["slug"],
            _text("title", "What the deployment is called here.", "Synthetic ANPR trial", True),
            _text(
                "summary", "One or two sentences: what, who, where, since when.", "A trial.", True
            ),
            _text("description", "The longer account."),
            _enum(
                "status",
                "Where the deployment stands.",
                Deployment.Status.choices,
                "trial",
                required=True,
            ),
            _date("start_date", "When it started.", "2024-10"),
            _precision("start_precision", "the start date"),
            _date("end_date", "When it ended.", "2025"),
            _precision("end_precision", "the end date"),
            _text("planned_duration", "As reported.", "six months"),
            _text("scale", "As reported.", "~10,000 cameras"),
            _text("affected_groups", "Who it watches, as reported."),
            _text("data_retention", "As reported.", "up to six years"),
            _text("data_sharing", "Who the data goes to, as reported."),
            _enum(
                "visibility",
                "Covert or overt.",
                Deployment.Visibility.choices,
                "overt",
                required=True,
            ),
            Column(
                "published_at",
                "datetime",
                "When it was first published.",
                "2025-01-31T09:30:00Z",
                format_note=DATETIME_FORMAT,
            ),
            EXPORT_BY_NAME["last_updated"],
        ],
    ),
    Table(
        "technologies",
        "Technologies",
        "Kinds of surveillance technology.",
        [
            _key(what="technology"),
            _text("slug", "Stable short name, used in addresses and filters.", "anpr", True),
            _text("name", "Its name.", "ANPR", True),
            _text("description", "What it is and does.", "", True),
        ],
    ),
    Table(
        "deployment_technologies",
        "Technologies of each deployment",
        "Which technologies each deployment uses.",
        [
            _ref("deployment_id", "deployments"),
            _ref("technology_id", "technologies"),
        ],
        primary_key=("deployment_id", "technology_id"),
        foreign_keys={"deployment_id": "deployments", "technology_id": "technologies"},
    ),
    Table(
        "organisations",
        "Organisations",
        "Organisations named in a published deployment.",
        [
            _key(what="organisation"),
            _text("slug", "Stable short name.", "synthetic-police", True),
            _text(
                "name",
                "Its name (unique: the importer matches organisations by it).",
                "Synthetic Police",
                True,
            ),
            _enum(
                "kind",
                "What sort of body it is.",
                Organisation.Kind.choices,
                "police",
                required=True,
            ),
            Column("country", "string", "ISO 3166-1 alpha-2 code.", "GB", pattern=r"^[A-Z]{2}$"),
            _link("website", "Its website."),
            _text("description", "What it is."),
        ],
    ),
    Table(
        "involvements",
        "Organisation roles",
        "Each organisation's role in a deployment.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _ref("organisation_id", "organisations"),
            _enum("role", "Its role.", Involvement.Role.choices, "operator", required=True),
            _text("note", "A note on the role."),
            _source_ref(required=False),
        ],
        foreign_keys={
            "deployment_id": "deployments",
            "organisation_id": "organisations",
            "source_id": "sources",
        },
    ),
    Table(
        "locations",
        "Locations",
        "Where each deployment is.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _text("name", "As reported.", "Synthetic City", True),
            Column(
                "country",
                "string",
                "ISO 3166-1 alpha-2 code; empty when it spans several.",
                "GB",
                pattern=r"^[A-Z]{2}$",
            ),
            Column(
                "countries",
                "string",
                "Across several countries: the ISO 3166-1 alpha-2 code of each one named, "
                "in alphabetical order, joined by commas.",
                "DE,FR",
                pattern=r"^[A-Z]{2}(,[A-Z]{2})+$",
            ),
            _enum(
                "precision",
                "How precise the place is.",
                Location.Precision.choices,
                "city",
                required=True,
            ),
            Column(
                "geometry",
                "string",
                "An RFC 7946 GeoJSON geometry (WGS84, [longitude, latitude]) as JSON text.",
                '{"coordinates":[-0.1,51.5],"type":"Point"}',
                format_note="GeoJSON text",
            ),
            Column("longitude", "number", "Representative point (computed from geometry).", "-0.1"),
            Column("latitude", "number", "Representative point (computed from geometry).", "51.5"),
        ],
        foreign_keys={"deployment_id": "deployments"},
    ),
    Table(
        "sources",
        "Sources",
        "Every source a published record cites.",
        [
            _key(what="source"),
            _text("title", "Its title.", "Synthetic report", True),
            _text("publisher", "Who published it.", "Synthetic Gazette", True),
            _enum(
                "source_type", "What kind of source.", Source.Type.choices, "news", required=True
            ),
            _link("url", "Where to read it (empty for print or unpublished documents)."),
            _link("archive_url", "An archived copy."),
            _date("published", "When it was published.", "2024-10-14"),
            _precision("published_precision", "the publication date"),
            Column(
                "accessed",
                "string",
                "When it was last read (YYYY-MM-DD).",
                "2025-01-31",
                pattern=r"^\d{4}-\d{2}-\d{2}$",
            ),
            _text("notes", "How to find it without a URL, or what to know about it."),
        ],
    ),
    Table(
        "costs",
        "Costs",
        "Every reported cost.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            Column("amount", "number", "The amount (empty when not disclosed).", "80000.00"),
            Column(
                "currency", "string", "ISO 4217 code.", "GBP", required=True, pattern=r"^[A-Z]{3}$"
            ),
            _enum("covers", "What it covers.", Cost.Covers.choices, "contract", required=True),
            _enum("qualifier", "How exact it is.", Cost.Qualifier.choices, "exact", required=True),
            _text("period", "Period or note.", "six-month trial"),
            _source_ref(),
            _text("quote", "The source's words."),
        ],
        foreign_keys={"deployment_id": "deployments", "source_id": "sources"},
    ),
    Table(
        "events",
        "Events",
        "Dated events: announced, contract awarded, ruling...",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _enum("kind", "What happened.", Event.Kind.choices, "contract", required=True),
            Column(
                "date",
                "string",
                "When.",
                "2024-10",
                required=True,
                pattern=DATE_PATTERN,
                format_note=DATE_FORMAT,
            ),
            _precision("date_precision", "the date"),
            _text("description", "What happened, briefly."),
            _source_ref(),
        ],
        foreign_keys={"deployment_id": "deployments", "source_id": "sources"},
    ),
    Table(
        "legal_bases",
        "Legal bases",
        "The legal basis claimed or found for each deployment.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _enum(
                "instrument_type",
                "Kind of instrument.",
                LegalBasis.Instrument.choices,
                "statute",
                required=True,
            ),
            _text("instrument", "Its name.", "Synthetic Act 2020"),
            _text("provision", "Section or article.", "s. 4"),
            _link("url", "Where to read it."),
            _enum("status", "Its status.", LegalBasis.Status.choices, "asserted", required=True),
            _text("note", "A note."),
            _source_ref(),
        ],
        foreign_keys={"deployment_id": "deployments", "source_id": "sources"},
    ),
    Table(
        "impact_assessments",
        "Impact assessments",
        "DPIAs and other assessments.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _enum(
                "kind", "Kind of assessment.", ImpactAssessment.Kind.choices, "dpia", required=True
            ),
            _date("date", "When it was made.", "2024"),
            _precision("date_precision", "the date"),
            _enum(
                "availability",
                "Whether it can be read.",
                ImpactAssessment.Availability.choices,
                "foi",
                required=True,
            ),
            _text("obtained_by", "Who published or obtained it."),
            _link("url", "Where to read it."),
            _source_ref(),
        ],
        foreign_keys={"deployment_id": "deployments", "source_id": "sources"},
    ),
    Table(
        "responses",
        "Responses",
        "Sourced, dated statements about a deployment by named organisations or people: "
        "objections, the operator's replies, regulators' statements, refusals to comment.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _enum(
                "kind", "What kind of statement.", Response.Kind.choices, "objection", required=True
            ),
            Column(
                "organisation_id",
                "integer",
                "The id of the organisation (organisations.csv) that made it, or that the "
                "person speaks for; empty when none is named.",
                "9",
            ),
            _text("person", "The person speaking, as reported.", "Synthetic Name, lawyer"),
            _date("date", "When it was made (or reported).", "2022-08"),
            _precision("date_precision", "the date"),
            _text("summary", "What was said, briefly.", required=True),
            _text("quote", "The words of the statement, as reported."),
            _source_ref(),
        ],
        foreign_keys={
            "deployment_id": "deployments",
            "organisation_id": "organisations",
            "source_id": "sources",
        },
    ),
    Table(
        "citations",
        "Citations",
        "Sources supporting a claim about a deployment's own fields.",
        [
            _key(),
            _ref("deployment_id", "deployments"),
            _source_ref(),
            _enum(
                "claim",
                "Which claim it supports.",
                Citation.Claim.choices,
                "general",
                required=True,
            ),
            _text("quote", "The source's words."),
            _text("locator", "Page or paragraph.", "p. 4"),
        ],
        foreign_keys={"deployment_id": "deployments", "source_id": "sources"},
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}

EXPORT_TABLE = Table(
    "deployments-export",
    "Deployments (CSV export)",
    "One row per published deployment matching the filters, in the list's order "
    "(/deployments.csv). The related tables of register.zip hold everything else.",
    EXPORT_COLUMNS,
)
