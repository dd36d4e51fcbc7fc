"""The CSV export (/deployments.csv), read from each record's line written ahead.

Writing a record's line means gathering its organisations, locations, costs, legal bases and
sources from six tables (csv_export.py): about 17,000 records a second at best. Reading a line
written ahead is one primary-key join. So each deployment's line is kept in ExportRow, written
after every edit, and an export is one query: the filtered deployments in the list's order,
each with its line, streamed FETCH_ROWS at a time in memory that does not grow.

A stored line is written again whenever anything it was written from changes: derived.py
calls write() when a transaction that changed a record commits, and write_names() when only
the name of a technology or organisation it shows changed (a rename that reaches 100,000
lines rewrites only that run of cells in each). A line found missing, or of
an older format, is written from the tables for that fetch, so an export always equals the
definition (csv_export.CELLS), only slower, and `manage.py migrate` writes every missing line
(apps.py).
"""

import csv
import io
import pickle
import re
import tempfile
import zlib
from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BinaryField
from django.db.models.functions import Cast

from deployments.models import Deployment, ExportRow
from deployments.opendata import cells, csv_export, exports

# How a line is kept (its parts): bumped when ExportRow's fields change meaning.
STORAGE_VERSION = "2"
# Changes with the header, with STORAGE_VERSION, and with exports.FORMAT_VERSION, which a
# change to how any cell is written must bump: lines of another format are treated as missing.
FORMAT = (
    f"{exports.FORMAT_VERSION}.{STORAGE_VERSION}"
    f"-{zlib.crc32(','.join(exports.EXPORT_HEADER).encode()):08x}"
)

# Lines per fetch and per chunk sent: a few hundred KB. Also the most ids a fetch can have
# missing, which go to the database as parameters: under SQLite's oldest limit of 999.
FETCH_ROWS = 500

# Runs of names copied at once by write_names(): a few MB, and few statements for a rename
# that reaches 100,000 lines.
NAMES_BATCH = 50_000

# Fetches held back in memory before they go to a temporary file: a few MB.
SPOOL_BYTES = 8 * 1024 * 1024

# Stored lines are written for this address and kept without it: any address would do.
STORED_BASE = "http://register.invalid/"


def csv_chunks(deployments, base_url: str) -> Iterator[bytes]:
    """The CSV export of a filtered queryset, as UTF-8 chunks: the header, then the rows."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(exports.EXPORT_HEADER)
    yield header.getvalue().encode()
    before, after = (part.encode() for part in address_cell(base_url))
    stored = FORMAT.encode()
    # PostgreSQL's COPY holds the connection until its last row, so a line found missing
    # cannot be written while it runs: from the first fetch missing one, fetches wait in a
    # spool (memory, then a temporary file) and go out once the COPY is done. SQLite writes
    # them in place. Missing lines are rare (see the module's docstring); this is their cost.
    spool, held = None, 0
    chunk, missing = [], []
    for row in _stored_rows(deployments):  # indexes, not unpacking: this loop is the time
        if row[2] == stored:
            chunk.append(row[3] + before + row[1] + after + row[4])
        else:
            pk = row[0] if isinstance(row[0], int) else int.from_bytes(row[0], "big", signed=True)
            chunk.append(pk)  # an int: written from the tables below, with the others
            missing.append(pk)
        if len(chunk) == FETCH_ROWS:
            if missing and spool is None and connection.vendor == "postgresql":
                spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
            if spool is None:
                yield _joined(chunk, missing, base_url)
            else:
                pickle.dump((chunk, missing), spool)
                held += 1
            chunk, missing = [], []
    if spool is not None:
        with spool:
            spool.seek(0)
            for _ in range(held):
                yield _joined(*pickle.load(spool), base_url)  # noqa: S301 (written just above)
    if chunk:
        yield _joined(chunk, missing, base_url)


def _stored_rows(deployments) -> Iterator[tuple]:
    """(id, slug, format, head, tail, ...) of each deployment, in the queryset's order: the
    texts as UTF-8 bytes, the id an int or (PostgreSQL) a big-endian int8's bytes. Sorting on
    an annotation can add columns after these.

    Bytes, because the lines go out as bytes: decoding 700 bytes a row only to encode them
    again was a third of the time. One query; memory holds one fetch, never the export.
    """
    texts = ["slug", "export_row__format", "export_row__head", "export_row__tail"]
    postgresql = connection.vendor == "postgresql"
    if not postgresql:
        texts = [Cast(text, BinaryField()) for text in texts]  # SQLite gives a BLOB as bytes
    try:
        sql, params = deployments.values_list("pk", *texts).query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (queryset.none()): no query
        return
    if not postgresql:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_ROWS):
                yield from rows
        return
    # PostgreSQL: COPY rather than a cursor. Rows stream as the plan makes them, with the plan
    # for the whole result (a server-side cursor asks for one that starts fast and finishes
    # slower, and in autocommit keeps the whole result before the first fetch). Binary with no
    # types set gives each field's bytes.
    import psycopg  # only PostgreSQL needs it

    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client:
        query = client.mogrify(sql, params)  # COPY takes no parameters
    # Django's cursor, so the COPY shows in its query log. A download cut short closes this
    # generator, and psycopg then cancels the COPY, leaving the connection clean.
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as copy:
            yield from copy.rows()


def _joined(chunk: list, missing: list[int], base_url: str) -> bytes:
    if missing:
        written = {pk: line.encode() for pk, line in _written(missing, base_url).items()}
        chunk = [written[item] if isinstance(item, int) else item for item in chunk]
    return b"".join(chunk)


def address_cell(base_url: str) -> tuple[str, str]:
    """The record's address cell before and after its slug, as csv_export.lines() writes it.
    A slug ([-a-zA-Z0-9_]) never needs quoting; the rest might, in theory."""
    before, after = exports.Urls(base_url).record("__slug__").split("__slug__")
    before = cells.neutralise(before)  # "http…": unchanged, unless the base were relative
    if any(char in before + after for char in ',"\r\n'):
        return '"' + before.replace('"', '""'), after.replace('"', '""') + '"'
    return before, after


def _written(ids: list[int], base_url: str) -> dict[int, str]:
    """{id: line} written from the tables, for lines not stored (yet)."""
    return {
        _id(line): line
        for line in csv_export.lines(Deployment.objects.filter(pk__in=ids), base_url)
    }


def _id(line: str) -> int:
    return int(line[: line.index(",")])


# Writing ---------------------------------------------------------------------------------------


def write_names(deployments) -> int:
    """Write again only the run of cells that show shared entries' names (csv_export.NAMES) in
    the stored lines of these deployments (a subquery of ids of any size): what a rename of a
    technology or an organisation changes. Two statements and one copy, however many lines:
    the run's cells read from the tables, then spliced into each line where it differs; then
    the few lines with a role note written whole. Returns how many lines changed. In the
    caller's transaction (derived.refresh)."""
    quote = connection.ops.quote_name
    table = quote(ExportRow._meta.db_table)
    # No condition on the stored lines here: the planner, counting on few, would then loop.
    picked = Deployment.objects.filter(pk__in=deployments)
    _whole_result_plan()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE export_names (id bigint PRIMARY KEY, run text)")
        try:
            runs = csv_export.lines(picked.order_by("pk"), STORED_BASE, ["id", *csv_export.NAMES])
            for batch in exports.batched(map(_run, runs), NAMES_BATCH):
                _copy(cursor, "export_names", ("id", "run"), batch)
            # The run's place in each line was stored with it (_parts): splice the new one in.
            cursor.execute(
                f"""UPDATE {table} SET
                    tail = substr(tail, 1, names_at) || n.run
                        || substr(tail, names_at + names_length + 1),
                    names_length = length(n.run)
                FROM export_names n
                WHERE {table}.deployment_id = n.id AND {table}.format = %s
                    AND substr(tail, names_at + 1, names_length) <> n.run""",  # noqa: S608
                [FORMAT],
            )
            changed = cursor.rowcount
        finally:
            cursor.execute("DROP TABLE export_names")
    # A role's note names its organisation outside the run (csv_export.NOTED): rare, so
    # those lines are written whole.
    noted = picked.filter(involvements__note__gt="").order_by().values("pk").distinct()
    return changed + write(noted)


def _run(line: str) -> tuple[int, str]:
    # "id,names...\r\n" -> (id, ",names..."), the run as it stands in a tail.
    comma = line.index(",")
    return int(line[:comma]), line[comma:-2]


def write(deployments) -> int:
    """Write the lines of these deployments again: a list of at most FETCH_ROWS ids (a deleted
    deployment's id removes its line), or a subquery of deployment ids of any size. Returns
    how many lines were written. In the caller's transaction (derived.refresh)."""
    ExportRow.objects.filter(deployment_id__in=deployments).delete()
    return _store(Deployment.objects.filter(pk__in=deployments))


def write_all() -> int:
    """Write every deployment's line again, in one statement; return how many."""
    with transaction.atomic():
        ExportRow.objects.all().delete()  # lines of records deleted by hand go too
        return _store(Deployment.objects.all())


def fill() -> int:
    """Write the lines that are missing, or of an older format; return how many. What
    `migrate` runs (apps.py): cheap when nothing is missing."""
    if not ExportRow.objects.exists():  # a new table, or a new register: one statement
        return write_all()
    missing = Deployment.objects.exclude(export_row__format=FORMAT).order_by("pk")
    ids = list(missing.values_list("pk", flat=True))
    return sum(write(ids[first : first + FETCH_ROWS]) for first in range(0, len(ids), FETCH_ROWS))


def _store(deployments) -> int:
    """Insert the lines of these deployments (none stored yet), whatever their number.

    One statement writes them all (csv_export.lines), read through a server-side cursor while
    they are saved FETCH_ROWS at a time, so a million lines take flat memory.
    """
    urls = exports.Urls(STORED_BASE)
    written = 0
    _whole_result_plan()
    batch = []
    for line in csv_export.lines(deployments.order_by("pk"), STORED_BASE):
        batch.append(_parts(line, urls))
        if len(batch) == FETCH_ROWS:
            written += _insert(batch)
            batch = []
    return written + _insert(batch)


# One cell after its comma, as csv.writer writes it: quoted, or holding no comma, quote or
# line break. The tail starts with the comma after the address (the third column).
_CELL = r',(?:"(?:[^"]|"")*"|[^,"\r\n]*)'
_BEFORE_NAMES = re.compile(f"(?:{_CELL}){{{exports.EXPORT_HEADER.index(csv_export.NAMES[0]) - 3}}}")
_NAMES = re.compile(f"(?:{_CELL}){{{len(csv_export.NAMES)}}}")


def _parts(line: str, urls: exports.Urls) -> tuple[int, str, str, str, int, int]:
    """(id, format, head, tail, names_at, names_length): the line without its address cell
    (the third), and where in the tail the run of csv_export.NAMES stands."""
    first = line.index(",")
    start = line.index(",", first + 1) + 1  # the id and the slug never hold a comma
    address = urls.record(cells.unneutralise(line[first + 1 : start - 1]))
    if not line.startswith(address, start):
        raise ValueError(f"The CSV's third column is not the record's address: {line[:80]!r}")
    tail = line[start + len(address) :]
    names_at = _BEFORE_NAMES.match(tail).end()
    names_length = _NAMES.match(tail, names_at).end() - names_at
    return int(line[:first]), FORMAT, line[:start], tail, names_at, names_length


def _whole_result_plan() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A cursor's plan is by default for its first rows (cursor_tuple_fraction): the
            # writers read every row, so ask for the plan that finishes first. Their sorts and
            # hashes of 100,000 records fit in 64 MB, not in the default 4 MB (they spilled to
            # disk, taking half again as long); for this transaction only.
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _insert(rows: list[tuple]) -> int:
    if rows:
        with connection.cursor() as cursor:
            columns = [f.column for f in ExportRow._meta.concrete_fields]
            _copy(cursor, ExportRow._meta.db_table, columns, rows)
    return len(rows)


def _copy(cursor, table: str, columns, rows: list[tuple]) -> None:
    """Insert these rows: PostgreSQL's COPY, or one prepared INSERT on SQLite."""
    quote = connection.ops.quote_name
    table, names = quote(table), ", ".join(quote(column) for column in columns)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
