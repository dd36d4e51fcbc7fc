"""Reading an import file: is it a UTF-8 CSV (or a zip of them) with the right columns, and
what do its cells say. Nothing here touches the database; importer.py writes.

Every problem names its file, row (as a spreadsheet numbers it: the header is row 1) and
column, so a researcher can find it in the sheet they exported.
"""

import csv
import datetime as dt
import io
import lzma
import struct
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from deployments.core import dates
from deployments.opendata import dictionary
from deployments.opendata.cells import unneutralise

# A register of tens of thousands of records fits well under this; a file above it is almost
# certainly not what was meant (or an attempt to exhaust the server).
MAX_BYTES = settings.MAX_UPLOAD_BYTES

FLAT_REQUIRED = ("title", "summary")
# A deployment's own fields. The CSV export has the first three; a CSV may add the others
# (register.zip's deployments.csv on its own is read this way too).
OWN_FIELDS = [
    "title",
    "summary",
    "status",
    "description",
    "planned_duration",
    "scale",
    "affected_groups",
    "data_retention",
    "data_sharing",
    "visibility",
]
FLAT_COLUMNS = {c.name for c in dictionary.EXPORT_COLUMNS} | set(OWN_FIELDS) | {"published_at"}
# Derived columns (a location's point, timestamps) may be left out of a file.
OPTIONAL = {"longitude", "latitude", "last_updated", "published_at"}

# csv refuses cells over 128 KB by default; a long description is a legitimate cell, and the
# file size limit already bounds what a cell can cost.
csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))

# What zipfile raises on a damaged or unusual archive, besides BadZipFile: a header field that
# does not add up (struct, Overflow, Value), a name flagged UTF-8 that is not, compressed data
# that ends early or does not decompress (zlib, lzma, bz2's OSError, EOF), and features it does
# not implement (RuntimeError for a password, NotImplementedError for AES or other methods).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    RuntimeError,
    EOFError,
    OSError,
    OverflowError,
    ValueError,
    struct.error,
    zlib.error,
    lzma.LZMAError,
)


@dataclass
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [self.file]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class BadFile(Exception):
    """The file as a whole cannot be read: no row was looked at."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def bad(file: str, message: str, row: int | None = None, column: str | None = None) -> BadFile:
    return BadFile([Problem(file, row, column, message)])


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict]]  # (row number, {column: raw text})


def read_sheet(data: bytes, name: str) -> Sheet:
    """A CSV file's rows, or BadFile saying why it is not a UTF-8 CSV file."""
    if b"\x00" in data[:65536]:
        raise bad(
            name,
            "This is not a CSV text file (it contains binary data: a spreadsheet "
            "workbook, PDF or image?). Save it as “CSV UTF-8” and import that.",
        )
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark from Excel is fine
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise bad(
            name,
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} on line "
            f"{line}). Save it as “CSV UTF-8” and import it again.",
            row=line,
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            raise bad(name, "The file is empty: the first row must name the columns.")
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # spreadsheets leave blank rows at the end
            if len(cells) != len(header):
                raise bad(
                    name,
                    f"This row has {len(cells)} cells but the header has {len(header)} columns.",
                    row=number,
                )
            rows.append((number, dict(zip(header, cells, strict=True))))
    except csv.Error as error:
        line = reader.line_num
        raise bad(name, f"This is not valid CSV near line {line}: {error}.", row=line) from None
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise BadFile([Problem(name, 1, c, "This column appears twice.") for c in duplicates])
    return Sheet(name, header, rows)


def read_upload(data: bytes, name: str) -> tuple[str, dict[str, Sheet], list[str]]:
    """("csv" or "zip", {table name: Sheet}, warnings), or BadFile."""
    limit = f"the limit is {MAX_BYTES / 1e6:.0f} MB. Split it into smaller files."
    if len(data) > MAX_BYTES:
        raise bad(name, f"The file is {len(data) / 1e6:.1f} MB; {limit}")
    warnings: list[str] = []
    if not data.startswith(b"PK\x03\x04"):
        if name.lower().endswith(".zip"):
            raise bad(name, "This is not a zip file.")
        sheet = read_sheet(data, name)
        _check_columns(sheet, FLAT_COLUMNS, FLAT_REQUIRED, warnings)
        return "csv", {"export": sheet}, warnings
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        raise bad(
            name, "This zip file is damaged: make it again from the original files."
        ) from None
    with archive:
        names = set(archive.namelist())
        if "deployments.csv" not in names:
            workbook = "[Content_Types].xml" in names or "mimetype" in names
            hint = "This is a spreadsheet workbook, not CSV: save each sheet as “CSV UTF-8”. "
            raise bad(
                name,
                (hint if workbook else "") + "A register zip must hold "
                "deployments.csv (and the related tables of register.zip).",
            )
        # A small zip can unpack to gigabytes: its declared sizes count, not its own size.
        if sum(info.file_size for info in archive.infolist()) > MAX_BYTES:
            raise bad(
                name,
                f"Unzipped, the files are more than {MAX_BYTES / 1e6:.0f} MB; "
                + limit.split("; ")[-1],
            )
        sheets = {}
        for table in dictionary.TABLES:
            if table.filename in names:
                sheet = read_sheet(_unzip(archive, table.filename, name), table.filename)
                required = [c.name for c in table.columns if c.required]
                known = {c.name for c in table.columns}
                _check_columns(sheet, known, [c for c in required if c not in OPTIONAL], warnings)
                sheets[table.name] = sheet
        known = {t.filename for t in dictionary.TABLES} | {"datapackage.json"}
        for extra in sorted(names - known):
            if not extra.endswith("/"):
                warnings.append(f"{extra} is not part of the format and was ignored.")
    return "zip", sheets, warnings


def _unzip(archive: zipfile.ZipFile, entry: str, name: str) -> bytes:
    """One file's bytes from the archive, or BadFile saying in plain words why not."""
    try:
        return archive.read(entry)
    except NotImplementedError:
        reason = (
            "it is compressed or encrypted in a way this import cannot read (AES encryption, "
            "for instance). Zip the files again without a password, with ordinary compression."
        )
    except RuntimeError:
        # zipfile's only RuntimeError when reading is the missing password.
        reason = "it is protected by a password. Zip the files again without a password."
    except zipfile.BadZipFile as error:
        if "CRC" in str(error):
            reason = (
                "its contents do not match the checksum recorded in the zip, so the zip is "
                "damaged (an interrupted download or copy?). Make the zip again."
            )
        else:
            reason = "the zip is damaged. Make it again from the original files."
    except ZIP_ERRORS:
        reason = "its compressed data is damaged or cut short. Make the zip again."
    raise bad(entry, f"{entry} in {name} cannot be unpacked: {reason}")


def _check_columns(sheet: Sheet, known: set[str], required, warnings: list[str]) -> None:
    missing = [c for c in required if c not in sheet.header]
    if missing:
        raise BadFile(
            [Problem(sheet.name, 1, c, "This required column is missing.") for c in missing]
        )
    for column in sheet.header:
        if column not in known:
            warnings.append(
                f"{sheet.name}: column {column} is not part of the format and was ignored."
            )


# Cells ---------------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def text(row: dict, column: str) -> str:
    """A text cell as exported, its formula neutralising removed ("" when the column is absent).
    Free text keeps its spaces and line breaks: the round trip is exact."""
    return unneutralise(row.get(column, ""))


def code(row: dict, column: str) -> str:
    """A key, code, date or number cell: also without surrounding spaces."""
    return text(row, column).strip()


def date_pair(row: dict, column: str, precision_column: str) -> tuple[dt.date | None, str]:
    """(first day or None, precision) from "2024-10" and its precision cell, checked together.
    An empty precision cell is read from the date."""
    value, precision = code(row, column), code(row, precision_column)
    if not value:
        if precision not in ("", dates.Precision.UNKNOWN):
            raise CellError(
                column,
                f"Empty, but {precision_column} says “{precision}”: give "
                "the date or set the precision to unknown.",
            )
        return None, dates.Precision.UNKNOWN
    try:
        first, parsed = dates.parse(value)
    except ValueError as error:
        raise CellError(column, str(error)) from None
    if precision and precision != parsed:
        raise CellError(
            precision_column,
            f"“{precision}” does not match {column} “{value}”, which is precise to the {parsed}.",
        )
    return first, parsed


def timestamp(row: dict, column: str) -> dt.datetime | None:
    value = code(row, column)
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        message = f"“{value}” is not a time: use {dictionary.DATETIME_FORMAT}."
        raise CellError(column, message) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def decimal_cell(row: dict, column: str) -> Decimal | None:
    value = code(row, column)
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CellError(
            column,
            f"“{value}” is not a number: use a point for decimals and no "
            "thousands separator, e.g. 80000.00.",
        ) from None


def integer_id(row: dict, column: str) -> int | None:
    value = code(row, column)
    if not value:
        return None
    if not value.isdigit():
        raise CellError(column, f"“{value}” is not an id (a whole number).")
    return int(value)
