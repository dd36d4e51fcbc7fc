"""Cell-level rules shared by every file the register writes or reads back: how a value is
written as CSV text, how several values share one cell, and how a spreadsheet is kept from
running a cell as a formula."""

import csv
import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal

# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a formula-looking cell with an apostrophe, as spreadsheets do for "text".

    Cells already starting with an apostrophe get one more, so the importer can always remove
    exactly one and the round trip is lossless. Never used on numeric columns.
    """
    if text.startswith(FORMULA_TRIGGERS) or text.startswith("'"):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Reverse neutralise() (what the importer reads)."""
    return text[1:] if text.startswith("'") else text


def join_multi(items: Iterable[str]) -> str:
    """Several values in one cell: "a; b". A ";" or "\\" inside a value is escaped with "\\"."""
    return "; ".join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def split_multi(cell: str) -> list[str]:
    """Reverse join_multi(): "Smith\\; Jones; Acme" -> ["Smith; Jones", "Acme"]. Lenient with
    a cell typed by hand: spaces around a value and empty values go."""
    return [item.strip() for item in split_exact(cell) if item.strip()]


def split_exact(cell: str) -> list[str]:
    """Exactly the values join_multi() joined, an empty or space-edged one included."""
    items, current, escaped = [], [], False
    for char in cell:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:  # a lone trailing backslash is kept as written
        current.append("\\")
    items.append("".join(current))
    # Each "; " separator's space belongs to it, not to the value after.
    return items[:1] + [item.removeprefix(" ") for item in items[1:]]


def split_parallel(cell: str, count: int) -> list[str] | None:
    """A cell holding one value for each item of another column (source_dates for sources),
    where an empty value is that item's nothing, so it is kept. None when the cell does not
    hold `count` values."""
    if not cell:
        return [""] * count
    values = split_exact(cell)
    return values if len(values) == count else None


def timestamp(value: dt.datetime | None) -> str:
    """UTC, to the second: what every export writes and the importer reads back."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cell(value) -> str:
    """A database value as CSV text, the same on SQLite and PostgreSQL."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        # Sorted keys: PostgreSQL's jsonb reorders keys, SQLite keeps them as written.
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(value)


class _Echo:
    """A file whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_writer():
    # csv's "excel" dialect is RFC 4180: comma, double quotes doubled, CRLF line ends.
    return csv.writer(_Echo(), lineterminator="\r\n")
