# ruff: noqa: S608 - this module writes SQL from the models' table names and fixed fragments;
# every value (the filter's, the request's host) is a bound parameter of the queryset.
"""Each deployment's CSV line: the row defined once (CELLS), and the SQL statement that writes
it, generated from that definition for each database.

The columns and their order are the data dictionary's (dictionary.EXPORT_COLUMNS); CELLS says
how each one is made, as one of three kinds of Cell:
- own: a column of the deployment itself;
- joined: a value of each of its related rows, escaped and joined with "; " in an order
  (cells.join_multi), optionally only the rows a condition picks;
- first: a value of its first related row in an order, or nothing.
Text cells are neutralised (cells.neutralise); numbers, dates and times never need it.

export_rows.py stores each record's line ahead and an export reads those; this module writes
them: for the store, in bulk or after an edit, and for any line an export finds missing. One
statement, built on the queryset's own SQL (so it holds its rows in its order), selects every
cell already written out, and Python passes the text on, FETCH_ROWS at a time.

PostgreSQL (_postgresql): each relation is read once for all the exported records and
    aggregated per record, joined by hash or merge (a subquery per record was over twice as
    slow); the rows are sorted by the queryset's order last. Python's csv.writer quotes the
    cells (None and "" alike as nothing).
SQLite (_sqlite): no hash joins, so each group of neighbouring cells from one relation is a
    subquery run per record, as the record is read: rows start as soon as the sort (on the
    deployments' own columns) is done. Fewer subqueries is the speed, so the cells come
    back already quoted for CSV and joined, except the floats: Python's repr() is their
    format, and SQLite's printf() cannot write every float exactly so.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Value, Window
from django.db.models.functions import Concat, RowNumber

from deployments.core import search
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
from deployments.models.deployment import UNKNOWN_END, UNKNOWN_END_OTHERWISE
from deployments.opendata import cells, dictionary, exports

# Rows per fetch: a few hundred KB of CSV, so the cost per fetch vanishes and memory stays
# small.
FETCH_ROWS = 1000


@dataclass(frozen=True)
class Cell:
    """How one column's cell is made. `value`, `order` and `where` are SQL: on the deployment
    for an own cell (`value` is its field's name), on a row of `rows` (alias r) otherwise."""

    how: str  # own, joined or first
    value: str
    rows: str = ""  # a key of RELATIONS
    order: str = ""
    where: str = ""
    distinct: bool = False  # joined: each value once, in code point order (Python's sorted())
    # text, integer, decimal, float, timestamp, date:<precision field>, or (joined) floats
    format: str = "text"


def _own(field: str, format: str = "text") -> Cell:
    return Cell("own", field, format=format)


def _literal(text: str) -> str:
    # "%%": the statement always has parameters, so both backends read "%" as a placeholder.
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _case(expr: str, pairs, default: str = "NULL") -> str:
    """CASE expr WHEN a THEN b ... ELSE default END, from constants of the code (choices),
    written inline."""
    whens = " ".join(f"WHEN {_literal(a)} THEN {b}" for a, b in pairs)
    return f"CASE {expr} {whens} ELSE {default} END"


# What cells are made from: each relation as a FROM clause whose rows, alias r, belong to the
# deployment r.deployment_id. "{of}" inside one is where each database says which deployments
# are exported; {names} are the tables of TABLES.
CITING = [
    # The relations that cite a record's sources, in the order its page numbers them
    # (records.cite, exports.fetch_records), each with its own order: (kind, term) pairs.
    (Citation, [("id", "t.id")], ""),
    (Involvement, [("text", "t.role"), ("id", "t.id")], ""),
    (Cost, [("id", "t.id")], ""),
    (Event, [("date", 't."date"'), ("id", "t.id")], ""),
    (LegalBasis, [("id", "t.id")], ""),
    (ImpactAssessment, [("date", 't."date"'), ("id", "t.id")], ""),
    (Response, [("date", 't."date"'), ("id", "t.id")], ""),
]
# The same relations as the search document's (search.CITING), which lists them without an
# order: a relation that cites a source must be in both.
if {model for model, _order, _join in CITING} != {
    Deployment._meta.get_field(name).related_model for name in search.CITING
}:
    raise ValueError("csv_export.CITING and search.CITING name different relations")


def _cited() -> str:
    """Every citation of a source as (deployment_id, source_id, place): where it comes, as one
    value that sorts like (its relation's place in CITING, then its relation's order), in the
    database's own collation and NULL order, as the page's."""
    postgresql = connection.vendor == "postgresql"

    def place(group: int, order: list[tuple[str, str]]) -> str:
        if postgresql:  # a number: the group, then the row's rank in its relation
            terms = ", ".join(term for _kind, term in order)
            rank = (
                "t.id"
                if terms == "t.id"
                else (f"ROW_NUMBER() OVER (PARTITION BY t.deployment_id ORDER BY {terms})")
            )
            return f"CAST({group} AS bigint) * 1000000000000000 + {rank}"
        # SQLite, where a window function per record is slow: text, the parts split by char(1)
        # (below any letter), ids zero-padded, an empty date first (as SQLite sorts NULL).
        parts = [f"'{group}'"]
        for kind, term in order:
            parts.append(f"printf('%%020d', {term})" if kind == "id" else f"COALESCE({term}, '')")
        return " || char(1) || ".join(parts)

    return " UNION ALL ".join(
        f"""SELECT t.deployment_id, t.source_id, {place(group, order)} AS place
            FROM {{{model._meta.model_name}}} t {join}
            WHERE t.deployment_id {{of}} AND t.source_id IS NOT NULL"""
        for group, (model, order, join) in enumerate(CITING)
    )


RELATIONS = {
    "technologies": "{technologies} r JOIN {technology} t ON t.id = r.technology_id",
    "involvements": "{involvement} r JOIN {organisation} o ON o.id = r.organisation_id",
    "locations": "{location} r",
    # Each country a record's locations lie in: a location's one country, or each of several
    # ({each_country}: the codes of "DE,FR" as rows c.value).
    "countries": """(SELECT deployment_id, country FROM {location}
            WHERE deployment_id {of} AND country <> ''
        UNION SELECT l.deployment_id, c.value FROM {location} l {each_country}
            WHERE l.deployment_id {of} AND l.countries <> '') AS r""",
    "costs": "{cost} r",
    "events": "{event} r",
    "legal_bases": "{legalbasis} r",
    # Each cited source once, where it is first cited.
    "sources": """(SELECT deployment_id, source_id, MIN(place) AS first FROM ({cited}) AS c
        GROUP BY deployment_id, source_id) AS r JOIN {source} s ON s.id = r.source_id""",
}
TABLES = {
    "deployment": Deployment,
    "technologies": Deployment.technologies.through,
    **{
        model._meta.model_name: model
        for model in (Involvement, Organisation, Location, Cost, LegalBasis, Source, Technology)
    },
    **{model._meta.model_name: model for model, _order, _join in CITING},
}

OTHER_ROLES = "r.role NOT IN ('operator', 'supplier')"
ROLES = "r.role, r.id"  # as the record page lists them (Involvement.Meta.ordering)
# The headline cost, as the JSON's (exports.headline): disclosed amounts first, then by what
# they cover, the largest amount, the first entered.
HEADLINE = (
    "r.amount IS NULL, "
    + _case("r.covers", ((c, i) for i, c in enumerate(Deployment.HEADLINE_COST_ORDER)))
    + ", r.amount DESC, r.id"
)
# As the JSON's (exports.legal_label): the instrument, or its type's name; then ", provision".
LEGAL_LABEL = (
    "CASE WHEN r.instrument <> '' THEN r.instrument ELSE "
    + _case(
        "r.instrument_type",
        ((value, _literal(name)) for value, name in LegalBasis.Instrument.choices),
        "r.instrument_type",
    )
    + " END || CASE WHEN r.provision <> '' THEN ', ' || r.provision ELSE '' END"
)
# A source: its address, or "Publisher: Title" when it has none.
SOURCE_LABEL = "CASE WHEN s.url <> '' THEN s.url ELSE s.publisher || ': ' || s.title END"
# An organisation's role and what the source says of it.
ROLE_NOTE = "o.name || ' (' || r.role || '): ' || r.note"
# A location's country, or the countries it spans ("DE,FR").
LOCATION_COUNTRIES = "CASE WHEN r.countries <> '' THEN r.countries ELSE r.country END"

# The one definition of a row: each column of dictionary.EXPORT_COLUMNS, and its cell.
CELLS = {
    "id": _own("id", "integer"),
    "slug": _own("slug"),
    "url": _own("url"),  # the record's address, made from the slug and the request's host
    "title": _own("title"),
    "summary": _own("summary"),
    "status": _own("status"),
    "technologies": Cell("joined", "t.name", "technologies", order="t.name, t.id"),
    "operators": Cell("joined", "o.name", "involvements", ROLES, "r.role = 'operator'"),
    "suppliers": Cell("joined", "o.name", "involvements", ROLES, "r.role = 'supplier'"),
    "other_organisations": Cell(
        "joined", "o.name || ' (' || r.role || ')'", "involvements", ROLES, OTHER_ROLES
    ),
    "countries": Cell("joined", "r.country", "countries", distinct=True),
    "start_date": _own("start_date", "date:start_precision"),
    "start_precision": _own("start_precision"),
    "end_date": _own("end_date", "date:end_precision"),
    "end_precision": _own("end_precision"),
    "cost_amount": Cell("first", "r.amount", "costs", HEADLINE, format="decimal"),
    "cost_currency": Cell("first", "r.currency", "costs", HEADLINE),
    "cost_covers": Cell("first", "r.covers", "costs", HEADLINE),
    "cost_qualifier": Cell("first", "r.qualifier", "costs", HEADLINE),
    "legal_basis": Cell("joined", LEGAL_LABEL, "legal_bases", "r.id"),
    "legal_status": Cell("joined", "r.status", "legal_bases", "r.id"),
    # The first location with a point; the precision of that one, else of the first location.
    "latitude": Cell(
        "first", "r.latitude", "locations", "r.id", "r.latitude IS NOT NULL", format="float"
    ),
    "longitude": Cell(
        "first", "r.longitude", "locations", "r.id", "r.latitude IS NOT NULL", format="float"
    ),
    "location_precision": Cell("first", "r.precision", "locations", "r.latitude IS NULL, r.id"),
    "locations": Cell("joined", "r.name", "locations", "r.id"),
    "sources": Cell("joined", SOURCE_LABEL, "sources", "r.first"),
    "last_updated": _own("updated", "timestamp"),
    # Added after the first release, so at the end (dictionary.EXPORT_COLUMNS).
    "organisation_notes": Cell("joined", ROLE_NOTE, "involvements", ROLES, "r.note <> ''"),
    "scale": _own("scale"),
    "cost_note": Cell("first", "r.period", "costs", HEADLINE),
    "legal_basis_types": Cell("joined", "r.instrument_type", "legal_bases", "r.id"),
    "legal_basis_notes": Cell("joined", "r.note", "legal_bases", "r.id"),
    "location_precisions": Cell("joined", "r.precision", "locations", "r.id"),
    "location_countries": Cell("joined", LOCATION_COUNTRIES, "locations", "r.id"),
    "source_titles": Cell("joined", "s.title", "sources", "r.first"),
    "source_publishers": Cell("joined", "s.publisher", "sources", "r.first"),
    "source_dates": Cell(
        "joined", "s.published", "sources", "r.first", format="date:s.published_precision"
    ),
    "end_text": _own("end_date", "end_text"),
    # "2022-05 contract: Contract awarded to …", in date order.
    "events": Cell("joined", "r.kind", "events", 'r."date", r.id', format="event"),
    "location_latitudes": Cell("joined", "r.latitude", "locations", "r.id", format="floats"),
    "location_longitudes": Cell("joined", "r.longitude", "locations", "r.id", format="floats"),
}
ROW = [CELLS[column] for column in exports.EXPORT_HEADER]
# The cells that show shared entries' names (technologies, organisations): neighbours, so a
# rename rewrites only this run of each line it reaches (export_rows.write_names). Except
# organisation_notes, added at the end later: the few lines with a role note are written
# whole on a rename (NOTED).
NOTED = "organisation_notes"
NAMES = [
    column
    for column, cell in CELLS.items()
    if cell.rows in ("technologies", "involvements") and column != NOTED
]
if NAMES != exports.EXPORT_HEADER[exports.EXPORT_HEADER.index(NAMES[0]) :][: len(NAMES)]:
    raise ValueError(f"CELLS' names are not neighbours: {NAMES}")
if list(CELLS) != exports.EXPORT_HEADER:  # one column list: the dictionary's
    raise ValueError(f"CELLS does not follow dictionary.EXPORT_COLUMNS: {list(CELLS)}")
if {c for c, cell in CELLS.items() if cell.format in ("integer", "decimal", "float")} != set(
    dictionary.NUMERIC_COLUMNS
):
    raise ValueError("CELLS' numbers are not the dictionary's numeric columns")
# The formats each kind of cell is written in by both generators ("integer": never NULL).
FORMATS = {
    "own": {"text", "integer", "timestamp", "date", "end_text"},
    "joined": {"text", "date", "event", "floats"},
}
FORMATS["first"] = {"text", "decimal", "float"}
for _column, _cell in CELLS.items():
    if _cell.format.split(":")[0] not in FORMATS[_cell.how]:
        raise ValueError(f"CELLS[{_column!r}]: a {_cell.how} cell cannot be {_cell.format}")


def lines(deployments, base_url: str, columns: list[str] | None = None) -> Iterator[str]:
    """Each deployment's CSV line, ending in CRLF, in the queryset's order: one statement,
    read FETCH_ROWS at a time through a server-side cursor, so memory stays flat. `columns`:
    only these cells, in this order (every column by default)."""
    postgresql = connection.vendor == "postgresql"
    row = ROW if columns is None else [CELLS[column] for column in columns]
    try:
        sql, params, write = (_postgresql if postgresql else _sqlite)(deployments, base_url, row)
    except EmptyResultSet:  # a filter that can match nothing (queryset.none()): no query
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from map(write, rows)


# Cells in SQL, for both databases -------------------------------------------------------------


def _from(relation: str, of: str) -> str:
    """RELATIONS[relation] with its tables named and its records picked by `of`."""
    names = {
        name: connection.ops.quote_name(model._meta.db_table) for name, model in TABLES.items()
    }
    if connection.vendor == "postgresql":
        each_country = "CROSS JOIN LATERAL unnest(string_to_array(l.countries, ',')) AS c(value)"
    else:  # SQLite's JSON1 reads "DE,FR" as the array ["DE","FR"]
        each_country = """, json_each('["' || replace(l.countries, ',', '","') || '"]') AS c"""
    return (
        RELATIONS[relation]
        .replace("{cited}", _cited())
        .format(of=of, each_country=each_country, **names)
    )


def _char(code: int) -> str:
    # A character by its code point: no backslash or control character inside SQL literals.
    return f"chr({code})" if connection.vendor == "postgresql" else f"char({code})"


def _neutralised(expr: str) -> str:
    """cells.neutralise(): an apostrophe before text a spreadsheet would run."""
    triggers = ", ".join(_char(ord(c)) for c in (*cells.FORMULA_TRIGGERS, "'"))
    return (
        f"CASE WHEN substr({expr}, 1, 1) IN ({triggers}) THEN {_char(39)} || {expr} ELSE {expr} END"
    )


def _escaped(expr: str) -> str:
    """cells.join_multi()'s escaping: a backslash before each "\\" and ";"."""
    slash = _char(92)
    return f"replace(replace({expr}, {slash}, {slash} || {slash}), ';', {slash} || ';')"


def _date(column: str, precision: str) -> str:
    """dates.iso(): only as precise as known, NULL when unknown. It starts with a digit, so it
    is never neutralised."""
    if connection.vendor == "postgresql":
        year, month, day = (f"to_char({column}, '{f}')" for f in ("YYYY", "YYYY-MM", "YYYY-MM-DD"))
    else:  # SQLite keeps a date as YYYY-MM-DD text
        year, month, day = f"substr({column}, 1, 4)", f"substr({column}, 1, 7)", column
    return (
        f"CASE {precision} WHEN 'unknown' THEN NULL WHEN 'year' THEN {year} "
        f"WHEN 'month' THEN {month} ELSE {day} END"
    )


def _timestamp(column: str) -> str:
    """cells.timestamp(): UTC, to the second."""
    if connection.vendor == "postgresql":
        return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
    # SQLite keeps a UTC time as "YYYY-MM-DD HH:MM:SS[.ffffff]" text.
    return f"substr({column}, 1, 10) || 'T' || substr({column}, 12, 8) || 'Z'"


def _item(cell: Cell) -> str:
    """One value of a joined cell, never NULL: a list parallel to another (source_dates to
    sources) must keep an empty value in its place, where string_agg() and group_concat()
    would skip a NULL."""
    if cell.format.startswith("date:"):
        return f"COALESCE({_date(cell.value, cell.format.removeprefix('date:'))}, '')"
    if cell.format == "floats":  # each as repr() writes it: _float(), or _sqlite()'s writer
        if connection.vendor == "postgresql":
            number = _float(cell.value)
        else:  # 17 significant digits give the float back exactly; Python shortens them
            number = f"printf('%%!.17g', {cell.value})"
        return f"CASE WHEN {cell.value} IS NULL THEN '' ELSE {number} END"
    if cell.format == "event":  # an event's date is always known (Event's constraint)
        note = "CASE WHEN r.description <> '' THEN ': ' || r.description ELSE '' END"
        return f"""{_date('r."date"', "r.date_precision")} || ' ' || {cell.value} || {note}"""
    return cell.value


def _float(column: str) -> str:
    """PostgreSQL: a float8 as repr() writes it. float8's text is the shortest exact form, as
    repr(), but "2" where repr() writes "2.0" (and "1e+15" where it writes
    "1000000000000000.0", beyond any longitude)."""
    t = f"{column}::text"
    return f"CASE WHEN strpos({t}, '.') + strpos({t}, 'e') = 0 THEN {t} || '.0' ELSE {t} END"


def _own_value(cell: Cell, own) -> str:
    """An own cell's text (NULL for nothing): `own(field)` is the field's column here."""
    if cell.format.startswith("date:"):
        return _date(own(cell.value), own(cell.format.removeprefix("date:")))
    if cell.format == "timestamp":
        return _timestamp(own(cell.value))
    if cell.format == "end_text":
        # The end as the page says it (deployment.end_text): the date in the CSV's own form
        # (end_date), else what the status says of an end nobody reported.
        known = _date(own("end_date"), own("end_precision"))
        said = _case(
            own("status"),
            ((status, _literal(text)) for status, text in UNKNOWN_END.items()),
            _literal(UNKNOWN_END_OTHERWISE),
        )
        return f"COALESCE({known}, {said})"
    if cell.format == "integer":
        return own(cell.value)
    return _neutralised(own(cell.value))


def _groups(row: list[Cell]):
    """The row's cells in runs that one query writes: neighbouring cells from the same rows,
    the same kind and, for `first`, the same order, condition and whether they are floats
    (which SQLite returns apart); for `joined`, the same order and whether they are floats.
    An own or distinct cell is a run of its own."""

    def key(cell: Cell):
        if cell.how == "own" or cell.distinct:
            return ("alone", id(cell))
        if cell.how == "first":
            return ("first", cell.rows, cell.order, cell.where, cell.format == "float")
        return ("joined", cell.rows, cell.order, cell.format == "floats")

    for _key, run in groupby(enumerate(row), key=lambda item: key(item[1])):
        yield list(run)


def _address(base_url: str):
    """The record's address, as an expression on the deployment (exports.Urls)."""
    before, after = exports.Urls(base_url).record("__slug__").split("__slug__")
    return Concat(Value(before), "slug", Value(after), output_field=CharField())


# PostgreSQL -----------------------------------------------------------------------------------


def _postgresql(deployments, base_url: str, row: list[Cell]):
    """(SQL, params, write a fetched row) selecting the cells of each deployment, in the
    queryset's order; csv.writer quotes them."""

    def related(cell: Cell) -> str:
        if cell.how == "joined":
            only = f" FILTER (WHERE {cell.where})" if cell.where else ""
            value = _escaped(_item(cell))
            return _neutralised(f"string_agg({value}, '; ' ORDER BY {cell.order}){only}")
        if cell.format == "decimal":  # numeric(16, 2): always two places, as f"{Decimal:f}"
            return f"{cell.value}::text"
        if cell.format == "float":
            return _float(cell.value)
        return _neutralised(cell.value)

    # The list's order as a number, from the queryset's own ORDER BY, so it survives joins.
    order = deployments.query.order_by or deployments.model._meta.ordering
    picked = deployments.annotate(csv_position=Window(RowNumber(), order_by=list(order)))
    picked = picked.order_by().values("csv_position", csv_id=F("pk"), csv_url=_address(base_url))
    picked_sql, params = picked.query.sql_with_params()

    def own(field: str) -> str:
        return "picked.csv_url" if field == "url" else f"d.{field}"

    columns, joins = [], []
    for number_, run in enumerate(_groups(row)):
        first = run[0][1]
        if first.how == "own":
            columns.append(_own_value(first, own))
            continue
        # A relation's rows of the exported records only: a join rather than IN, so the
        # planner knows how many there are (and hashes them for a whole export).
        relation = _from(first.rows, "IN (SELECT csv_id FROM picked)")
        rows = f"picked JOIN {relation} ON r.deployment_id = picked.csv_id"
        values = ", ".join(f"{related(cell)} AS c{i}" for i, cell in run)
        if first.distinct:  # each value once, sorted by code point as Python's sorted()
            where = f"WHERE {first.where}" if first.where else ""
            joined = f"""string_agg({_escaped("r.value")}, '; ' ORDER BY r.value COLLATE "C")"""
            sql = f"""SELECT r.deployment_id, {_neutralised(joined)} AS c{run[0][0]}
                FROM (SELECT DISTINCT r.deployment_id, {first.value} AS value
                      FROM {rows} {where}) AS r
                GROUP BY r.deployment_id"""
        elif first.how == "joined":
            sql = f"SELECT r.deployment_id, {values} FROM {rows} GROUP BY r.deployment_id"
        else:
            where = f"WHERE {first.where}" if first.where else ""
            sql = f"""SELECT DISTINCT ON (r.deployment_id) r.deployment_id, {values}
                FROM {rows} {where} ORDER BY r.deployment_id, {first.order}"""
        joins.append(f"LEFT JOIN ({sql}) AS g{number_} ON g{number_}.deployment_id = d.id")
        columns += [f"g{number_}.c{i}" for i, _cell in run]
    sql = f"""
        WITH picked AS ({picked_sql})
        SELECT {", ".join(columns)}
        FROM picked JOIN {connection.ops.quote_name(Deployment._meta.db_table)} d
            ON d.id = picked.csv_id
        {" ".join(joins)}
        ORDER BY picked.csv_position
    """
    return sql, params, cells.csv_writer().writerow


# SQLite ---------------------------------------------------------------------------------------


def _quoted(expr: str) -> str:
    """A text cell as csv.writer writes it: neutralised; in quotes, its quotes doubled, when
    it holds a comma, a quote, CR or LF; "" for NULL."""
    value = f"COALESCE({expr}, '')"
    needs_quotes = " OR ".join(f"instr({value}, {_char(ord(c))})" for c in ',"\r\n')
    cell = _neutralised(value)
    quoted = f"""'"' || replace({cell}, '"', '""') || '"'"""
    return f"CASE WHEN {needs_quotes} THEN {quoted} ELSE {cell} END"


def _sqlite(deployments, base_url: str, row: list[Cell]):
    """(SQL, params, write a fetched row): each deployment's line in the queryset's order, as
    text already quoted and joined, with each float between as a number."""
    own_fields = (
        {cell.value for cell in row if cell.how == "own" and cell.value != "url"}
        | {
            cell.format.removeprefix("date:")
            for cell in row
            if cell.how == "own" and cell.format.startswith("date:")
        }
        | ({"status", "end_precision"} if any(c.format == "end_text" for c in row) else set())
        | {"id"}
    )  # what the related rows are found by
    inner = deployments.values(
        **{f"csv_{name}": F(name) for name in sorted(own_fields)}, csv_url=_address(base_url)
    )
    inner_sql, params = inner.query.sql_with_params()

    def own(field: str) -> str:
        return f"f.csv_{field}"

    def rows(cell: Cell) -> str:
        return f"FROM {_from(cell.rows, '= f.csv_id')} WHERE r.deployment_id = f.csv_id"

    def text(expr: str, format: str) -> str:
        if format == "decimal":  # two places, as Django's Decimal; printf() writes NULL as 0.00
            return f"CASE WHEN {expr} IS NULL THEN '' ELSE printf('%%.2f', {expr}) END"
        return _quoted(expr)

    # The line as outputs: runs of text cells joined into one, each float on its own.
    outputs, pending = [], []
    floats = set()  # the outputs that are lists of floats
    for run in _groups(row):
        first = run[0][1]
        if first.how == "own":
            # Only text can need quotes; a date or time may be NULL.
            if first.format == "text":
                pending.append(_quoted(own(first.value)))
            elif first.format == "end_text":  # "ended, date unknown" holds a comma
                pending.append(_quoted(_own_value(first, own)))
            elif first.format == "integer":
                pending.append(_own_value(first, own))
            else:
                pending.append(f"COALESCE({_own_value(first, own)}, '')")
        elif first.format == "floats":  # each on its own, for the writer to shorten
            if pending:
                outputs.append(" || ',' || ".join(pending))
                pending = []
            for _i, cell in run:
                floats.add(len(outputs))
                outputs.append(
                    f"COALESCE((SELECT group_concat(v, '; ') FROM (SELECT {_item(cell)} AS v "
                    f"{rows(cell)} ORDER BY {cell.order})), '')"
                )
        elif first.how == "joined":
            # group_concat() follows the order of an ORDER BY subquery (SQLite before 3.44
            # has no ORDER BY inside it).
            picked = ", ".join(
                f"{_item(cell)} AS v{i}" + (f", {cell.where} AS w{i}" if cell.where else "")
                for i, cell in run
            )
            distinct = "DISTINCT " if first.distinct else ""
            # DISTINCT: by the value, in SQLite's own collation, which is code point order.
            order = f"v{run[0][0]}" if first.distinct else first.order
            joined = " || ',' || ".join(
                _quoted(
                    f"group_concat({_escaped(f'v{i}')}, '; ')"
                    + (f" FILTER (WHERE w{i})" if cell.where else "")
                )
                for i, cell in run
            )
            pending.append(
                f"(SELECT {joined} FROM (SELECT {distinct}{picked} {rows(first)} ORDER BY {order}))"
            )
        elif first.format == "float":
            if pending:
                outputs.append(" || ',' || ".join(pending))
                pending = []
            where = f"AND {first.where}" if first.where else ""
            outputs += [
                f"COALESCE((SELECT {cell.value} {rows(cell)} {where} "
                f"ORDER BY {cell.order} LIMIT 1), '')"
                for _i, cell in run
            ]
        else:
            where = f"AND {first.where}" if first.where else ""
            values = " || ',' || ".join(text(cell.value, cell.format) for _i, cell in run)
            nothing = _literal("," * (len(run) - 1))
            pending.append(
                f"COALESCE((SELECT {values} {rows(first)} {where} "
                f"ORDER BY {first.order} LIMIT 1), {nothing})"
            )
    if pending:
        outputs.append(" || ',' || ".join(pending))
    # No ORDER BY out here: the rows come in the inner query's order, as SQLite keeps it for
    # a lone subquery in FROM (it drops it only in a join or under another ORDER BY), and the
    # subqueries then run on each row as it is read instead of all before a sort.
    sql = f"SELECT {', '.join(outputs)} FROM ({inner_sql}) AS f"
    # The outputs' text, then a comma between them: str() of a float is repr().
    template = ",".join(["%s"] * len(outputs)) + "\r\n"
    if not floats:
        return sql, params, template.__mod__

    def write(values):
        return template % tuple(
            _shortest(value) if i in floats else value for i, value in enumerate(values)
        )

    return sql, params, write


def _shortest(joined: str) -> str:
    """A list of floats at 17 significant digits, each as repr() writes it, neutralised."""
    return cells.neutralise("; ".join(repr(float(v)) if v else "" for v in joined.split("; ")))
