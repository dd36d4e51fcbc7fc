"""Derived data (derived.py): written once per transaction, on commit, in a fixed number of
queries however many records a change reaches, and right whatever two writers interleave."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deployments.core import derived, search
from deployments.models import Deployment, ExportRow, Organisation, Source, Technology
from deployments.opendata import csv_export, export_rows
from deployments.opendata.tests import expected
from deployments.tests.synthetic import make_records

BASE_URL = "http://testserver/"


def export() -> bytes:
    return b"".join(export_rows.csv_chunks(Deployment.objects.order_by("pk"), BASE_URL))


def definition() -> bytes:
    return expected.from_tables(Deployment.objects.order_by("pk"), BASE_URL)


def assert_derived_data_is_right():
    assert export() == definition()
    assert not Deployment.objects.exclude(export_row__format=export_rows.FORMAT).exists()
    stored = {
        pk: (text, refs)
        for pk, text, refs in Deployment.objects.values_list("pk", "search_text", "search_refs")
    }
    assert stored == search.documents(list(stored))


def records(count: int, start: int = 1) -> None:
    with transaction.atomic():  # one refresh for all of them
        make_records(count, start)


def queries(write) -> int:
    with CaptureQueriesContext(connection) as captured:
        write()
    return len(captured)


# (model, the record every synthetic deployment names, the field changed)
SHARED_WRITES = {
    "rename_organisation": (Organisation, {"slug": "synthetic-police-force"}, "name"),
    "change_website_only": (Organisation, {"slug": "synthetic-police-force"}, "website"),
    "rename_technology": (Technology, {"slug": "synthetic-cameras"}, "name"),
    "retitle_source": (Source, {"url": "https://example.org/synthetic-report"}, "title"),
}


def save_shared(name: str, value: str) -> int:
    """Queries to save the shared record with a new value in that field, as the admin does."""
    model, lookup, field = SHARED_WRITES[name]
    record = model.objects.get(**lookup)
    setattr(record, field, value if field != "website" else f"https://example.org/{value}")
    return queries(record.save)


def rename_organisation():
    save_shared("rename_organisation", "Synthetic Constabulary")


def rename_technology():
    save_shared("rename_technology", "Synthetic cameras, renamed")


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHARED_WRITES)
def test_saving_a_shared_record_costs_the_same_for_5_records_as_for_200(name):
    model, lookup, field = SHARED_WRITES[name]
    records(5)
    original = model.objects.filter(**lookup).values_list(field, flat=True).get()
    five = save_shared(name, "Synthetic value 5")
    assert_derived_data_is_right()
    # Back, without a signal, so the helpers that make records find it by its old value; the
    # save at 200 below writes all 200 records' derived data again.
    model.objects.filter(**lookup).update(**{field: original})
    records(195, start=6)  # 200 in all, naming the same organisation, technology and source

    two_hundred = save_shared(name, "Synthetic value 200")

    assert two_hundred == five
    assert five <= 30
    assert_derived_data_is_right()


@pytest.mark.django_db
def test_a_website_change_rewrites_no_line_but_moves_the_token():
    from deployments.core import freshness

    records(3)
    token = freshness.current().token
    with CaptureQueriesContext(connection) as captured:
        save_shared("change_website_only", "synthetic-police")
    table = ExportRow._meta.db_table
    assert not [q for q in captured if table in q["sql"]]
    assert freshness.current().token != token  # the organisation's page shows its website


@pytest.mark.django_db
def test_a_cost_save_and_a_record_delete_stay_small():
    records(3)
    cost = Deployment.objects.order_by("pk").first().costs.order_by("pk").first()
    cost.amount = Decimal("123456.00")

    assert queries(cost.save) <= 20
    assert queries(Deployment.objects.order_by("pk").first().delete) <= 50
    assert ExportRow.objects.count() == 2
    assert_derived_data_is_right()


@pytest.mark.django_db
def test_one_transaction_refreshes_once(monkeypatch):
    records(2)
    calls = []
    real = derived.refresh
    monkeypatch.setattr(derived, "refresh", lambda pending: calls.append(pending) or real(pending))

    with transaction.atomic():
        rename_organisation()
        rename_technology()
        for deployment in Deployment.objects.all():
            deployment.summary = "Synthetic summary, edited."
            deployment.save()
        assert calls == []  # nothing before the commit

    assert len(calls) == 1
    assert_derived_data_is_right()


@pytest.mark.django_db
def test_a_rolled_back_edit_leaves_the_derived_data_as_it_was():
    records(2)
    before = export()
    with pytest.raises(RuntimeError), transaction.atomic():
        rename_organisation()
        raise RuntimeError("the editor's save fails")

    assert export() == before
    assert_derived_data_is_right()


# Two writers at once, on PostgreSQL: real connections, one per thread. ---------------------


def _edit_record(slug):
    deployment = Deployment.objects.get(slug=slug)
    deployment.title = "Synthetic title, edited while a shared name changed"
    deployment.save()


def _rename_shared_organisation(slug):
    organisation = Organisation.objects.get(slug="synthetic-police-force")
    organisation.name = "Synthetic Police Service"
    organisation.save()


def _rename_shared_technology(slug):
    # Not in the search document, so the two refreshes share no row but the stored line.
    technology = Technology.objects.get(slug="synthetic-cameras")
    technology.name = "Synthetic Cameras Renamed"
    technology.save()


RENAMES = {
    "organisation": (_rename_shared_organisation, "Synthetic Police Service"),
    "technology": (_rename_shared_technology, "Synthetic Cameras Renamed"),
}


def _writer(write, slug, wrote, go, errors):
    try:
        with transaction.atomic():
            write(slug)
            wrote.set()  # written, not committed
            assert go.wait(10)
        # Committed: its refresh ran in this thread, after the commit.
    except Exception as error:  # noqa: BLE001 (reported by the test below)
        errors.append(error)
        wrote.set()
    finally:
        connection.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared", RENAMES)
@pytest.mark.parametrize("first", ["edit", "rename"])
@pytest.mark.parametrize("commits_first", ["first", "second"])
def test_an_edit_and_a_rename_at_once_converge(shared, first, commits_first, monkeypatch):
    make_records(2)
    # The first refresh to run reads its lines, then dawdles before it writes them, so the
    # second writer commits and starts its own refresh in between: the interleaving in which
    # a refresh that did not wait for the other would write what it read before that commit.
    reading, read = threading.Lock(), []
    lines = csv_export.lines

    def slow_first_lines(*args):
        written = list(lines(*args))
        with reading:
            read.append(1)
            first_reader = len(read) == 1
        if first_reader:
            time.sleep(1.5)
        yield from written

    monkeypatch.setattr(csv_export, "lines", slow_first_lines)
    slug = "synthetic-deployment-1"
    rename, new_name = RENAMES[shared]
    writes = {"edit": _edit_record, "rename": rename}
    order = [first, "rename" if first == "edit" else "edit"]
    errors, threads, wrote, go = [], [], {}, {}
    for name in order:  # the first writes, then the second, both still uncommitted
        wrote[name], go[name] = threading.Event(), threading.Event()
        thread = threading.Thread(
            target=_writer, args=(writes[name], slug, wrote[name], go[name], errors)
        )
        thread.start()
        threads.append(thread)
        assert wrote[name].wait(10)
    committing = order if commits_first == "first" else order[::-1]
    for name in committing:
        go[name].set()
        # Time to commit and start refreshing before the other commits. A refresh that needs
        # a row the other still holds waits for it: joining here would wait for nothing.
        time.sleep(0.5)
    for thread in threads:
        thread.join(30)

    assert errors == []
    line = ExportRow.objects.get(deployment__slug=slug)
    assert new_name in line.tail
    assert "edited while a shared name changed" in line.tail
    assert_derived_data_is_right()
