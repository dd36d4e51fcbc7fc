import datetime as dt

import pytest

from deployments.core import dates
from deployments.core.dates import Precision


def test_it_parses_each_precision():
    assert dates.parse("2024") == (dt.date(2024, 1, 1), Precision.YEAR)
    assert dates.parse("2024-10") == (dt.date(2024, 10, 1), Precision.MONTH)
    assert dates.parse("2024-10-14") == (dt.date(2024, 10, 14), Precision.DAY)


@pytest.mark.parametrize("text", ["", "24", "2024-13", "2024-02-30", "14/10/2024", "2024-1"])
def test_it_rejects_what_is_not_a_date(text):
    with pytest.raises(ValueError, match="date"):
        dates.parse(text)


def test_it_displays_only_what_is_known():
    assert dates.display(dt.date(2024, 10, 1), Precision.MONTH) == "October 2024"
    assert dates.display(dt.date(2002, 1, 1), Precision.YEAR) == "2002"
    assert dates.display(dt.date(2024, 10, 14), Precision.DAY) == "14 October 2024"
    assert dates.display(None, Precision.UNKNOWN) == "unknown"


def test_it_writes_iso_as_precisely_as_known():
    assert dates.iso(dt.date(2024, 10, 9), Precision.MONTH) == "2024-10"
    assert dates.iso(dt.date(2002, 5, 5), Precision.YEAR) == "2002"
    assert dates.iso(dt.date(2024, 10, 9), Precision.DAY) == "2024-10-09"
    assert dates.iso(None, Precision.UNKNOWN) == ""


def test_it_knows_the_last_day_of_a_period():
    assert dates.latest(dt.date(2024, 2, 1), Precision.MONTH) == dt.date(2024, 2, 29)
    assert dates.latest(dt.date(2002, 1, 1), Precision.YEAR) == dt.date(2002, 12, 31)
    assert dates.latest(dt.date(2024, 10, 14), Precision.DAY) == dt.date(2024, 10, 14)
    assert dates.latest(None, Precision.UNKNOWN) is None


def test_it_orders_imprecise_dates_by_their_first_day():
    known = [
        dates.parse("2024-10-14"),
        dates.parse("2002"),
        dates.parse("2024-10"),
        dates.parse("2024"),
    ]
    ordered = sorted(known)
    assert [dates.iso(*d) for d in ordered] == ["2002", "2024", "2024-10", "2024-10-14"]
