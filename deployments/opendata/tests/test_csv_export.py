"""The CSV export, from stored lines (export_rows.py) or written by the statement csv_export.py
generates from its one definition of a row, says exactly what the JSON list says of each
record (expected.from_json), byte for byte, on SQLite and on PostgreSQL, for awkward records
and every sort."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from deployments.core import derived, filters
from deployments.core.dates import Precision
from deployments.models import (
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
from deployments.opendata import csv_export, export_rows, exports
from deployments.opendata.tests import expected
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import body, make_records

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver/"

# Filters and sorts, including search, map area and cost: the rows and their order must be the
# list's, whatever the statement does with them.
QUERIES = [
    "",
    "sort=title",
    "sort=-title",
    "sort=start",
    "sort=end",
    "sort=-end",
    "sort=cost",
    "sort=-cost",
    "sort=-cost&currency=GBP",
    "sort=updated",
    "q=synthetic",
    "q=awkward&sort=relevance",
    'q="',  # nothing to look for: an empty queryset
    "bbox=-10,40,10,60",
    "bbox=170,-90,-170,90",  # across the antimeridian
    "technology=anpr&technology=face",
    "country=GB&sort=-title",
    "organisation=police&role=operator",
    "legal_status=disputed&legal_status=unlawful",
    "from=2021&to=2024-06",
    "status=active&status=suspended",
    "cost_min=1&currency=EUR",
]

# Text a spreadsheet or a CSV reader could trip on.
AWKWARD = [
    'Comma, "quotes" and\nnew line',
    "Carriage\r\nreturn",
    "Lone\rCR",
    "=SUM(A1)",
    "+44 20",
    "-minus",
    "@at",
    "'apostrophe",
    "\ttab first",
    "Semi; colon \\ back\\slash;",
    "Ελληνικά, 中文, emoji 📷, RTL עברית",
    "\\.",  # COPY's end-of-data marker
    " spaced ",
]


def awkward_records():
    """Records with every shape of value the CSV has to carry."""
    cast = make_cast()
    make_records(4, start=1)
    odd_source = Source.objects.create(title="=Title, with comma", publisher='@Pub "lisher"')
    semicolon_source = Source.objects.create(
        title="T", publisher="P", url="https://example.org/a;b\\c?x=1,2"
    )
    twin = Source.objects.create(
        title="Twin", publisher="P", url="https://example.org/synthetic-twin"
    )
    twin_too = Source.objects.create(
        title="Twin too", publisher="P", url="https://example.org/synthetic-twin"
    )
    # Cited only by costs, events or assessments, so the order within each decides theirs.
    cost_sources, event_sources, assessment_sources = (
        [Source.objects.create(title=f"{kind} source {i}", publisher="P") for i in range(3)]
        for kind in ("Cost", "Event", "Assessment")
    )
    technologies = [
        Technology.objects.create(name=name, slug=f"awkward-tech-{i}", description="-")
        for i, name in enumerate(["-Minus tech", "Semi; tech", "Back\\slash tech", "Ωmega"])
    ]
    organisations = [
        Organisation.objects.create(name=name, slug=f"awkward-org-{i}")
        for i, name in enumerate(AWKWARD + ["Zed Ltd", "alpha ltd", "Alpha Ltd"])
    ]
    dates = [
        (None, Precision.UNKNOWN),
        (dt.date(2019, 1, 1), Precision.YEAR),
        (dt.date(2020, 2, 1), Precision.MONTH),
        (dt.date(2021, 3, 4), Precision.DAY),
        (dt.date(999, 1, 1), Precision.YEAR),
    ]
    points = [
        [-0.1, 51.5],
        [2.0, 48.0],
        [1e-05, -0.0001],
        [-179.99999999999997, 89.12345678901234],
        [0.1 + 0.2, -45.0],
    ]
    for n, text in enumerate(AWKWARD):
        start, start_precision = dates[n % len(dates)]
        end, end_precision = dates[(n + 2) % len(dates)]
        if start and end and end < start or end and not start:
            end, end_precision = None, Precision.UNKNOWN
        deployment = Deployment.objects.create(
            title=text if n % 3 else f"Awkward {n}: {text}",
            slug=f"awkward-{n}",
            summary="" if n == 5 else text + " summary",
            status=["active", "trial", "ended", "suspended"][n % 4],
            start_date=start,
            start_precision=start_precision,
            end_date=end,
            end_precision=end_precision,
            publication="published",
        )
        deployment.technologies.set(technologies[: n % 5])
        for i, organisation in enumerate(organisations[n : n + 3] + organisations[-3:]):
            role = ["operator", "supplier", "commissioner", "partner", "recipient"][(n + i) % 5]
            Involvement.objects.create(
                deployment=deployment,
                organisation=organisation,
                role=role,
                source=[None, odd_source, twin_too][i % 3],
            )
        if n % 4 != 3:  # some records have no location at all
            Location.objects.create(
                deployment=deployment,
                name=text,
                country="" if n % 2 else "FR",
                precision="multi" if n % 2 else "national",
            )
            Location.objects.create(
                deployment=deployment,
                name=f"Point {n}",
                country=["GB", "FR", "DE"][n % 3],
                precision="exact",
                geometry={"type": "Point", "coordinates": points[n % len(points)]},
            )
        if n % 5 == 1:
            Location.objects.create(
                deployment=deployment,
                name="Polygon",
                country="GB",
                precision="approximate",
                geometry={
                    "type": "Polygon",
                    "coordinates": [[[0.1, 0.2], [0.3, 0.2], [0.3, 0.7], [0.1, 0.2]]],
                },
            )
        costs = [
            (None, "undisclosed", "contract", "GBP"),
            (Decimal("1234567.89"), "up_to", "budget", "EUR"),
            (Decimal("80000"), "exact", "budget", "GBP"),
            (Decimal("9999999999999.99"), "approx", "estimate", "GBP"),
            (Decimal("0.01"), "at_least", "contract", "USD"),
        ]
        for k, (amount, qualifier, covers, currency) in enumerate(costs[n % 5 : n % 5 + 2]):
            Cost.objects.create(
                deployment=deployment,
                source=cost_sources[(n + k) % 2],  # cited first by the first cost
                amount=amount,
                qualifier=qualifier,
                covers=covers,
                currency=currency,
            )
        LegalBasis.objects.create(
            deployment=deployment,
            source=semicolon_source,
            instrument_type=["none", "statute", "code"][n % 3],
            instrument="" if n % 2 else text,
            provision="s. 2; (b)" if n % 3 else "",
            status=["asserted", "disputed", "unlawful"][n % 3],
        )
        if n % 2:
            LegalBasis.objects.create(
                deployment=deployment,
                source=cast.source,
                instrument_type="ruling",
                status="lawful",
            )
        Citation.objects.create(deployment=deployment, source=[twin, cast.source][n % 2])
        # Events and assessments are numbered by date, then entry: not the order entered.
        Event.objects.create(
            deployment=deployment,
            source=event_sources[0],
            kind="reported",
            date=dt.date(2020, 1, 1 + n),
            date_precision=Precision.DAY,
        )
        Event.objects.create(
            deployment=deployment,
            source=event_sources[1],
            kind="ruling",
            date=dt.date(2020, 1, 1),
            date_precision=Precision.YEAR,
        )
        # Undated in the middle: SQLite sorts it first, PostgreSQL last, neither by entry.
        for source, date in zip(
            assessment_sources, [dt.date(2022, 1, 1), None, dt.date(2021, 1, 1)], strict=True
        ):
            ImpactAssessment.objects.create(
                deployment=deployment,
                source=source,
                kind="eia",
                availability="published",
                date=date,
                date_precision=Precision.YEAR if date else Precision.UNKNOWN,
            )
    ordering_record(organisations)
    # Dates written straight into the table, as an import or a bulk load could leave them:
    # a month-precise date that is not the 1st must still be written to the month.
    Deployment.objects.filter(slug="awkward-2").update(start_date=dt.date(2020, 2, 17))
    derived.changed(Deployment.objects.filter(slug="awkward-2"))  # a plain UPDATE must say so
    return cast


def ordering_record(organisations):
    """A record whose orders each decide something, entered against them: two citations of
    different sources, two partners in one role entered out of name order, each citing its own
    source, and two disclosed budgets, the larger entered second."""
    record = Deployment.objects.create(
        title="Synthetic ordering", slug="synthetic-ordering", publication="published"
    )
    cited = [Source.objects.create(title=f"Order source {i}", publisher="P") for i in range(4)]
    for source in (cited[1], cited[0]):
        Citation.objects.create(deployment=record, source=source)
    zed, alpha = (o for o in organisations if o.name in ("Zed Ltd", "Alpha Ltd"))
    for organisation, source in ((zed, cited[2]), (alpha, cited[3])):
        Involvement.objects.create(
            deployment=record, organisation=organisation, role="partner", source=source
        )
    for amount in (Decimal("100.00"), Decimal("200.00")):
        Cost.objects.create(
            deployment=record,
            source=cited[1],
            amount=amount,
            qualifier="exact",
            covers="budget",
            currency="GBP",
        )


def reference(query: str) -> bytes:
    return expected.from_json(filters.filtered(QueryDict(query)).qs, BASE_URL)


def fast(query: str) -> bytes:
    return b"".join(export_rows.csv_chunks(filters.filtered(QueryDict(query)).qs, BASE_URL))


def test_it_says_what_the_json_says_of_every_record_in_the_lists_order():
    awkward_records()  # once: it is slow to build, and every query reads the same records
    # Every line stored on commit, but one that goes missing (as after rows were inserted by
    # hand): the export writes that one from the tables.
    ExportRow.objects.filter(deployment__slug="awkward-2").delete()
    stored = set(ExportRow.objects.filter(format=export_rows.FORMAT).values_list("pk", flat=True))
    unstored = Deployment.objects.exclude(pk__in=stored).values_list("slug", flat=True)
    assert list(unstored) == ["awkward-2"]
    differ = []
    for query in QUERIES:
        wanted = reference(query)
        assert wanted.count(b"\r\n") > 1 or query == 'q="', query
        if fast(query) != wanted:
            differ.append(query)
    assert differ == []


def test_lines_not_stored_are_written_from_the_tables_on_either_database():
    awkward_records()
    ExportRow.objects.filter(deployment__slug__startswith="awkward-1").delete()
    ExportRow.objects.filter(deployment__slug="awkward-3").update(format="0-old")
    assert ExportRow.objects.filter(format=export_rows.FORMAT).count() < Deployment.objects.count()
    differ = [query for query in QUERIES if fast(query) != reference(query)]
    assert differ == []
    ExportRow.objects.all().delete()
    differ = [query for query in QUERIES if fast(query) != reference(query)]
    assert differ == []


def test_it_writes_every_awkward_value_and_the_whole_register(client):
    awkward_records()
    wanted = reference("")
    assert wanted.count(b"/deployments/awkward-") == len(AWKWARD)
    for text in ('""quotes""', "Lone\rCR", "'=SUM(A1)", "Semi\\; colon \\\\ back\\\\slash\\;"):
        assert text.encode() in wanted
    response = client.get("/deployments.csv")
    assert body(response) == wanted


@pytest.mark.parametrize("base", ["http://x.test/", 'http://x.test/a,b"c/', "http://x.test/\r\n/"])
def test_the_address_cell_is_written_for_whatever_address_was_asked(base):
    make_records(3)
    query = filters.filtered(QueryDict("")).qs
    assert b"".join(export_rows.csv_chunks(query, base)) == expected.from_json(query, base)


def test_it_sends_the_header_before_running_the_query():
    chunks = export_rows.csv_chunks(filters.filtered(QueryDict("")).qs, BASE_URL)
    with CaptureQueriesContext(connection) as queries:
        header = next(chunks)
    assert header == (",".join(exports.EXPORT_HEADER) + "\r\n").encode()
    assert len(queries) == 0
    chunks.close()


def test_it_reads_the_rows_in_slices_in_one_query(monkeypatch):
    make_records(7)
    monkeypatch.setattr(export_rows, "FETCH_ROWS", 3)
    with CaptureQueriesContext(connection) as queries:
        chunks = list(export_rows.csv_chunks(filters.filtered(QueryDict("")).qs, BASE_URL))
    assert [chunk.count(b"\r\n") for chunk in chunks] == [1, 3, 3, 1]
    assert len(queries) == 1
    assert b"".join(chunks) == reference("")


def test_storing_reads_and_writes_in_slices(monkeypatch):
    """The statement's cursor stays open while lines are saved between its fetches."""
    make_records(7)
    monkeypatch.setattr(csv_export, "FETCH_ROWS", 3)
    monkeypatch.setattr(export_rows, "FETCH_ROWS", 2)
    ExportRow.objects.all().delete()
    assert export_rows.fill() == 7
    assert fast("") == reference("")
