# ruff: noqa: S608 - this module writes SQL from the models' table names and fixed fragments;
# every value (the filter's, the request's host) is a bound parameter.
"""Each deployment's CSV line, written from the tables by one SQL statement.

exports.csv_row() defines a row. export_rows.py stores each record's line ahead and an export
reads those; this module writes them: for the store, in bulk or after an edit, and for any
line an export finds missing. The first way (exports.csv_lines) fetched ids in batches, ran
ten queries a batch and built each cell in Python. Here one statement, built on the
queryset's own SQL (so it holds its rows in its order), selects every cell already written
out (dates at their precision, lists escaped and joined with "; " in their order,
formula-looking text neutralised), and Python passes the text on, FETCH_ROWS at a time.

PostgreSQL: the statement reads each related table once, aggregated per deployment and joined
    by hash or merge (a subquery per record was over twice as slow), and sorts by the
    queryset's order last. Python's csv.writer quotes the cells (None and "" alike as
    nothing), so the quoting is the definition's own.
SQLite: no hash joins, so each related table is a subquery run per record, as the record is
    read: rows start as soon as the sort (on the deployments' own columns) is done.
    Fewer subqueries is the speed, so one subquery writes several neighbouring cells, already
    quoted for CSV, and a row comes back as four values: the line up to the coordinates, the
    latitude, the longitude and the rest. The coordinates stay floats because Python's repr()
    is their format, and SQLite's printf() cannot write every float exactly so.

opendata/tests/test_csv_export.py checks both against exports.csv_lines, byte for byte.
"""

from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Value, Window
from django.db.models.functions import Concat, RowNumber

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
from deployments.opendata import cells, exports

# Rows per fetch: a few hundred KB of CSV, so the cost per fetch vanishes and memory stays
# small.
FETCH_ROWS = 1000


def lines(deployments, base_url: str) -> Iterator[str]:
    """Each deployment's CSV line, ending in CRLF, in the queryset's order: one statement,
    read FETCH_ROWS at a time through a server-side cursor, so memory stays flat."""
    postgresql = connection.vendor == "postgresql"
    try:
        sql, params = (postgresql_statement if postgresql else sqlite_statement)(
            deployments, base_url
        )
    except EmptyResultSet:  # a filter that can match nothing (queryset.none()): no query
        return
    # PostgreSQL gives cells, which csv.writer quotes (so the line is the definition's own
    # writer's); SQLite gives the line already quoted, in SQLITE_ROW's four parts.
    write = cells.csv_writer().writerow if postgresql else SQLITE_ROW.__mod__
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from map(write, rows)


# (line up to the coordinates, latitude, longitude, the rest): str() of a float is repr(),
# and SQLite gives "" for no point.
SQLITE_ROW = "%s%s,%s%s"


# Cells in SQL, for both databases -------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


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


def _legal_label(basis: str) -> tuple[str, list]:
    """exports.legal_label(): the instrument, or its type's name; then ", provision"."""
    names = LegalBasis.Instrument.choices
    sql = (
        f"CASE WHEN {basis}.instrument <> '' THEN {basis}.instrument "
        f"ELSE CASE {basis}.instrument_type {'WHEN %s THEN %s ' * len(names)}"
        f"ELSE {basis}.instrument_type END END "
        f"|| CASE WHEN {basis}.provision <> '' THEN ', ' || {basis}.provision ELSE '' END"
    )
    return sql, [item for pair in names for item in pair]


def _headline_order(cost: str) -> tuple[str, list]:
    """exports.headline(): disclosed amounts first, then by what they cover, the largest
    amount, the first entered."""
    covers = Deployment.HEADLINE_COST_ORDER
    sql = (
        f"{cost}.amount IS NULL, CASE {cost}.covers {'WHEN %s THEN %s ' * len(covers)}END, "
        f"{cost}.amount DESC, {cost}.id"
    )
    return sql, [item for i, value in enumerate(covers) for item in (value, i)]


def _source_label(source: str) -> str:
    """exports.source_label()."""
    return (
        f"CASE WHEN {source}.url <> '' THEN {source}.url "
        f"ELSE {source}.publisher || ': ' || {source}.title END"
    )


# The relations that cite a record's sources, in the order its page numbers them (records.cite,
# exports.fetch_records), each with its own order: (model, [(kind, sort term)], join it needs).
CITING = [
    (Citation, [("id", "t.id")], ""),
    (
        Involvement,
        [("text", "t.role"), ("text", "o.name")],
        "JOIN {organisation} o ON o.id = t.organisation_id",
    ),
    (Cost, [("id", "t.id")], ""),
    (Event, [("date", 't."date"'), ("id", "t.id")], ""),
    (LegalBasis, [("id", "t.id")], ""),
    (ImpactAssessment, [("date", 't."date"'), ("id", "t.id")], ""),
]


# PostgreSQL -----------------------------------------------------------------------------------

# Lists in one cell, and the order they are written in (exports.fetch_records).
TECHNOLOGY_ORDER = "t.name"
ROLE_ORDER = "i.role, o.name"  # operators and suppliers: by name, within their role
OTHER_ROLES = "i.role NOT IN ('operator', 'supplier')"


def postgresql_statement(deployments, base_url: str) -> tuple[str, list]:
    """(SQL, params) selecting the cells of each deployment, in the queryset's order."""

    def joined(value: str, order: str, where: str = "") -> str:
        only = f" FILTER (WHERE {where})" if where else ""
        return _neutralised(f"string_agg({_escaped(value)}, '; ' ORDER BY {order}){only}")

    def number(column: str) -> str:
        # float8's text is the shortest exact form, as repr(), but "2" where repr() writes
        # "2.0" (and "1e+15" where it writes "1000000000000000.0", beyond any longitude).
        t = f"{column}::text"
        return f"CASE WHEN strpos({t}, '.') + strpos({t}, 'e') = 0 THEN {t} || '.0' ELSE {t} END"

    def rows(model, alias: str) -> str:
        # A related table's rows of the exported records only. A join rather than IN: the
        # planner then knows how many there are (and hashes them for a whole export).
        return f"picked JOIN {_table(model)} {alias} ON {alias}.deployment_id = picked.csv_id"

    # The list's order as a number, from the queryset's own ORDER BY, so it survives joins.
    order = deployments.query.order_by or deployments.model._meta.ordering
    picked = deployments.annotate(csv_position=Window(RowNumber(), order_by=list(order)))
    picked = picked.order_by().values("csv_position", csv_id=F("pk"))
    picked_sql, picked_params = picked.query.sql_with_params()
    organisation = _table(Organisation)
    label, label_params = _legal_label("b")
    headline, headline_params = _headline_order("c")
    # Every citation of a source, with where it comes: (group, text, text, date, id).
    citing = " UNION ALL ".join(
        f"""SELECT t.deployment_id, t.source_id, {group} AS grp, {_sort_columns(order)}
            FROM {rows(model, "t")} {join.format(organisation=organisation)}
            WHERE t.source_id IS NOT NULL"""
        for group, (model, order, join) in enumerate(CITING)
    )
    # Each related table once, aggregated per deployment: {alias: SELECT deployment_id, ...}.
    related = {
        "technologies": f"""
            SELECT x.deployment_id, {joined("t.name", TECHNOLOGY_ORDER)} AS cell
            FROM {rows(Deployment.technologies.through, "x")}
            JOIN {_table(Technology)} t ON t.id = x.technology_id
            GROUP BY x.deployment_id""",
        "roles": f"""
            SELECT i.deployment_id,
                {joined("o.name", ROLE_ORDER, "i.role = 'operator'")} AS operators,
                {joined("o.name", ROLE_ORDER, "i.role = 'supplier'")} AS suppliers,
                {joined("o.name || ' (' || i.role || ')'", ROLE_ORDER, OTHER_ROLES)} AS others
            FROM {rows(Involvement, "i")} JOIN {organisation} o ON o.id = i.organisation_id
            GROUP BY i.deployment_id""",
        # Python's sorted(): code point order, whatever the database's collation.
        "countries": f"""
            SELECT deployment_id, {joined("country", 'country COLLATE "C"')} AS cell
            FROM (SELECT DISTINCT l.deployment_id, l.country FROM {rows(Location, "l")}
                  WHERE l.country <> '') AS l
            GROUP BY deployment_id""",
        "headline": f"""
            SELECT DISTINCT ON (c.deployment_id) c.deployment_id, c.amount, c.currency,
                c.covers, c.qualifier
            FROM {rows(Cost, "c")} ORDER BY c.deployment_id, {headline}""",
        "legal": f"""
            SELECT deployment_id, {joined("label", "id")} AS labels,
                {joined("status", "id")} AS statuses
            FROM (SELECT b.deployment_id, b.id, b.status, {label} AS label
                  FROM {rows(LegalBasis, "b")}) AS b
            GROUP BY deployment_id""",
        # The first location with a point, else the first location (exports._placed).
        "placed": f"""
            SELECT DISTINCT ON (l.deployment_id) l.deployment_id, l.latitude, l.longitude,
                l.precision
            FROM {rows(Location, "l")} ORDER BY l.deployment_id, l.latitude IS NULL, l.id""",
        "locations": f"""
            SELECT l.deployment_id, {joined("l.name", "l.id")} AS cell
            FROM {rows(Location, "l")} GROUP BY l.deployment_id""",
        # Each source once, where it is first cited.
        "sources": f"""
            SELECT cited.deployment_id, {joined(_source_label("s"), SORT_COLUMNS)} AS cell
            FROM (SELECT DISTINCT ON (deployment_id, source_id) * FROM ({citing}) AS u
                  ORDER BY deployment_id, source_id, {SORT_COLUMNS}) AS cited
            JOIN {_table(Source)} s ON s.id = cited.source_id
            GROUP BY cited.deployment_id""",
    }
    columns = [
        "d.id",
        _neutralised("d.slug"),
        "%s || d.slug || %s",
        _neutralised("d.title"),
        _neutralised("d.summary"),
        _neutralised("d.status"),
        "technologies.cell",
        "roles.operators",
        "roles.suppliers",
        "roles.others",
        "countries.cell",
        _date("d.start_date", "d.start_precision"),
        _neutralised("d.start_precision"),
        _date("d.end_date", "d.end_precision"),
        _neutralised("d.end_precision"),
        "headline.amount::text",  # numeric(16, 2): always two places, as f"{Decimal:f}"
        _neutralised("headline.currency"),
        _neutralised("headline.covers"),
        _neutralised("headline.qualifier"),
        "legal.labels",
        "legal.statuses",
        f"CASE WHEN placed.latitude IS NOT NULL THEN {number('placed.latitude')} END",
        f"CASE WHEN placed.latitude IS NOT NULL THEN {number('placed.longitude')} END",
        _neutralised("placed.precision"),
        "locations.cell",
        "sources.cell",
        _timestamp("d.updated"),
    ]
    joins = "\n".join(
        f"LEFT JOIN ({sql}) AS {alias} ON {alias}.deployment_id = d.id"
        for alias, sql in related.items()
    )
    sql = f"""
        WITH picked AS ({picked_sql})
        SELECT {", ".join(columns)}
        FROM picked JOIN {_table(Deployment)} d ON d.id = picked.csv_id
        {joins}
        ORDER BY picked.csv_position
    """
    # The record's address around its slug (exports.Urls): it starts with "http", so
    # neutralising the start is neutralising the cell.
    before, after = exports.Urls(base_url).record("__slug__").split("__slug__")
    # In the order of their placeholders: picked, the cells, then the related tables.
    params = [
        *picked_params,
        cells.neutralise(before),
        after,
        *headline_params,
        *label_params,
    ]
    return sql, params


SORT_COLUMNS = "grp, k1, k2, k3, k4"


def _sort_columns(order: list[tuple[str, str]]) -> str:
    """A CITING order as the columns k1, k2 (text), k3 (date), k4 (id), NULL where unused: the
    same columns for every relation, so one ORDER BY sorts them all."""
    texts = [term for kind, term in order if kind == "text"] + ["NULL", "NULL"]
    dates = [term for kind, term in order if kind == "date"] + ["NULL"]
    ids = [term for kind, term in order if kind == "id"] + ["NULL"]
    return (
        f"CAST({texts[0]} AS text) AS k1, CAST({texts[1]} AS text) AS k2, "
        f"CAST({dates[0]} AS date) AS k3, CAST({ids[0]} AS bigint) AS k4"
    )


# SQLite ---------------------------------------------------------------------------------------

# The deployment's own columns, which the inner query sorts and passes on: the same as the
# readable path's (exports.fetch_records).
OWN = exports.RECORD_FIELDS


def _quoted(expr: str) -> str:
    """A text cell as csv.writer writes it: in quotes, its quotes doubled, when it holds a
    comma, a quote, CR or LF; neutralised; "" for NULL."""
    value = f"COALESCE({expr}, '')"
    needs_quotes = " OR ".join(f"instr({value}, {_char(ord(c))})" for c in ',"\r\n')
    cell = _neutralised(value)
    quoted = f"""'"' || replace({cell}, '"', '""') || '"'"""
    return f"CASE WHEN {needs_quotes} THEN {quoted} ELSE {cell} END"


def _lists(rows: str, order: str, *values: tuple[str, str]) -> str:
    """A subquery writing neighbouring cells, each a (value, FILTER condition) of `rows` joined
    with "; " in `order`: group_concat() follows the order of an ORDER BY subquery (SQLite
    before 3.44 has no ORDER BY inside it)."""
    joined = " || ',' || ".join(
        _quoted(
            f"group_concat({_escaped(value)}, '; ')" + (f" FILTER (WHERE {where})" if where else "")
        )
        for value, where in values
    )
    return f"(SELECT {joined} FROM ({rows} ORDER BY {order}))"


def _place(group: int, order: list[tuple[str, str]]) -> str:
    """Where a citation comes, as text that sorts like (group, *order): ids zero-padded, an
    empty date first (as SQLite sorts NULL), parts split by char(1), below any letter."""
    parts = [f"'{group}'"]
    for kind, term in order:
        parts.append(f"printf('%%020d', {term})" if kind == "id" else f"COALESCE({term}, '')")
    return " || char(1) || ".join(parts)


def sqlite_statement(deployments, base_url: str) -> tuple[str, list]:
    """(SQL, params) selecting each deployment as SQLITE_ROW's four values, in the queryset's
    order."""
    # The address is made in the inner query (it holds the request's host, a parameter), then
    # quoted and neutralised like any text cell.
    before, after = exports.Urls(base_url).record("__slug__").split("__slug__")
    url = Concat(Value(before), "slug", Value(after), output_field=CharField())
    inner = deployments.values(**{f"csv_{name}": F(name) for name in OWN}, csv_url=url)
    inner_sql, inner_params = inner.query.sql_with_params()
    d = "f.csv_id"
    location = _table(Location)
    label, label_params = _legal_label("b")
    headline, headline_params = _headline_order("c")
    # Two places, as Django's Decimal; printf() would write NULL as 0.00.
    amount = "CASE WHEN c.amount IS NULL THEN '' ELSE printf('%%.2f', c.amount) END"
    point = (
        f"{location} l WHERE l.deployment_id = {d} AND l.latitude IS NOT NULL ORDER BY l.id LIMIT 1"
    )
    citing = " UNION ALL ".join(
        f"""SELECT t.source_id AS source_id, {_place(group, order)} AS place
            FROM {_table(model)} t {join.format(organisation=_table(Organisation))}
            WHERE t.deployment_id = {d} AND t.source_id IS NOT NULL"""
        for group, (model, order, join) in enumerate(CITING)
    )
    head = [
        d,
        *(_quoted(f"f.csv_{name}") for name in ("slug", "url", "title", "summary", "status")),
        _lists(
            f"""SELECT t.name AS name FROM {_table(Deployment.technologies.through)} x
                JOIN {_table(Technology)} t ON t.id = x.technology_id
                WHERE x.deployment_id = {d}""",
            "name",
            ("name", ""),
        ),
        _lists(
            f"""SELECT o.name AS name, i.role AS role FROM {_table(Involvement)} i
                JOIN {_table(Organisation)} o ON o.id = i.organisation_id
                WHERE i.deployment_id = {d}""",
            "role, name",
            ("name", "role = 'operator'"),
            ("name", "role = 'supplier'"),
            ("name || ' (' || role || ')'", "role NOT IN ('operator', 'supplier')"),
        ),
        _lists(
            f"""SELECT DISTINCT l.country AS country FROM {location} l
                WHERE l.deployment_id = {d} AND l.country <> ''""",
            "country",  # SQLite's own collation is code point order, as Python's sorted()
            ("country", ""),
        ),
        f"COALESCE({_date('f.csv_start_date', 'f.csv_start_precision')}, '')",
        _quoted("f.csv_start_precision"),
        f"COALESCE({_date('f.csv_end_date', 'f.csv_end_precision')}, '')",
        _quoted("f.csv_end_precision"),
        # The headline cost's four cells; ",,," when there is no cost.
        f"""COALESCE((SELECT {amount} || ',' || {_quoted("c.currency")} || ','
                || {_quoted("c.covers")} || ',' || {_quoted("c.qualifier")}
            FROM {_table(Cost)} c WHERE c.deployment_id = {d}
            ORDER BY {headline} LIMIT 1), ',,,')""",
        _lists(
            f"""SELECT {label} AS label, b.status AS status, b.id AS id
                FROM {_table(LegalBasis)} b WHERE b.deployment_id = {d}""",
            "id",
            ("label", ""),
            ("status", ""),
        ),
    ]
    tail = [
        # The precision of the first location with a point, else of the first location.
        f"""COALESCE((SELECT {_quoted("l.precision")} FROM {location} l
            WHERE l.deployment_id = {d} ORDER BY l.latitude IS NULL, l.id LIMIT 1), '')""",
        _lists(
            f"SELECT l.name AS name, l.id AS id FROM {location} l WHERE l.deployment_id = {d}",
            "id",
            ("name", ""),
        ),
        # Each source once, where it is first cited.
        _lists(
            f"""SELECT {_source_label("s")} AS label, cited.first AS first
                FROM (SELECT source_id, MIN(place) AS first FROM ({citing})
                      GROUP BY source_id) AS cited
                JOIN {_table(Source)} s ON s.id = cited.source_id""",
            "first",
            ("label", ""),
        ),
        _timestamp("f.csv_updated"),
    ]
    comma = " || ',' || "
    # No ORDER BY out here: the rows come in the inner query's order, as SQLite keeps it for
    # a lone subquery in FROM (it drops it only in a join or under another ORDER BY), and the
    # subqueries then run on each row as it is read instead of all before a sort.
    sql = f"""
        SELECT {comma.join(head)} || ',' AS head,
            COALESCE((SELECT l.latitude FROM {point}), '') AS latitude,
            COALESCE((SELECT l.longitude FROM {point}), '') AS longitude,
            ',' || {comma.join(tail)} || char(13, 10) AS tail
        FROM ({inner_sql}) AS f
    """
    # In the order of their placeholders: the cells, then the inner query.
    return sql, [*headline_params, *label_params, *inner_params]
