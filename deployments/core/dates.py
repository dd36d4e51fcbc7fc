"""Imprecise dates: a date plus how much of it is known.

A date known only to the month is stored as the first day of that month with precision
"month"; known only to the year, as 1 January with precision "year". These helpers are the
only place that arithmetic lives, so display, filtering and exports agree.
"""

import calendar
import datetime as dt
import re

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse(text: str) -> tuple[dt.date, str]:
    """Parse "2024", "2024-10" or "2024-10-14" into (first day of the period, precision).

    Raises ValueError with a readable message for anything else.
    """
    match = _ISO.match((text or "").strip())
    if not match:
        raise ValueError(f"“{text}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = match.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), Precision.DAY
        if month:
            return dt.date(int(year), int(month), 1), Precision.MONTH
        return dt.date(int(year), 1, 1), Precision.YEAR
    except ValueError:
        raise ValueError(f"“{text}” is not a real calendar date.") from None


_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
# What a person writes: "July 2022", "14 October 2024", "October 14, 2024", "14/10/2024".
_WORDS = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(\d{4})$")
_AMERICAN = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # day first, as in the UK and Europe
TYPED_FORMATS = "2022, July 2022, 2022-07, 14 October 2024, 14/10/2024 or 2024-10-14"


def parse_typed(text: str) -> tuple[dt.date, str]:
    """A date as a person types it into a form, with the precision the text gives: the ISO
    forms parse() reads, and "July 2022", "Oct 2024", "14 October 2024", "October 14, 2024",
    "14/10/2024" (day first). Raises ValueError with a readable message for anything else."""
    cleaned = " ".join((text or "").split()).casefold()
    day = month = year = None
    if words := _WORDS.match(cleaned):
        day, month, year = words.group(1), _MONTHS.get(words.group(2)), words.group(3)
    elif american := _AMERICAN.match(cleaned):
        month, day, year = _MONTHS.get(american.group(1)), american.group(2), american.group(3)
    elif slashed := _SLASHED.match(cleaned):
        day, month, year = slashed.groups()
    else:
        try:
            return parse(cleaned)
        except ValueError:
            raise ValueError(
                f"“{text}” is not a date this form can read: write it as {TYPED_FORMATS}."
            ) from None
    if month is None:
        raise ValueError(f"“{text}”: the month is not one this form knows; write it in full.")
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), Precision.DAY
        return dt.date(int(year), int(month), 1), Precision.MONTH
    except ValueError:
        raise ValueError(f"“{text}” is not a real calendar date.") from None


# From the most precise: a precision may be chosen no finer than the date typed.
PRECISION_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2, Precision.UNKNOWN: 3}


def normalise(value: dt.date | None, precision: str) -> dt.date | None:
    """Truncate a date to the first day of its period, so equal periods compare equal."""
    if value is None or precision == Precision.UNKNOWN:
        return None
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def latest(value: dt.date | None, precision: str) -> dt.date | None:
    """The last day the period could mean: 2024 -> 31 Dec 2024, October 2024 -> 31 Oct."""
    value = normalise(value, precision)
    if value is None:
        return None
    if precision == Precision.YEAR:
        return value.replace(month=12, day=31)
    if precision == Precision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def iso(value: dt.date | None, precision: str) -> str:
    """Written only as precisely as known: "2024-10-14", "2024-10", "2024", or ""."""
    value = normalise(value, precision)
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def display(value: dt.date | None, precision: str, unknown: str = "unknown") -> str:
    """Human form: "14 October 2024", "October 2024", "2002", or "unknown"."""
    value = normalise(value, precision)
    if value is None:
        return unknown
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return f"{calendar.month_name[value.month]} {value.year}"
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def check(value: dt.date | None, precision: str, field: str, label: str) -> dict[str, str]:
    """Errors for a date/precision pair that contradict each other (for clean()).

    A day inside a month- or year-precise period is not an error: save() truncates it.
    """
    if precision == Precision.UNKNOWN and value is not None:
        return {field: f"Clear the {label}, or choose a precision other than “unknown”."}
    if precision != Precision.UNKNOWN and value is None:
        return {field: f"Enter the {label}, or set its precision to “unknown”."}
    return {}
