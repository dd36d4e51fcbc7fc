"""Bulk import (importing/bulk.py): a fixed number of queries however many records, history
and derived data as single saves leave them, and the database as the backstop."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from deployments.core import freshness, versions
from deployments.core.tests.test_derived import assert_derived_data_is_right
from deployments.importing import bulk, importer
from deployments.importing.tables import CHANGE_REASON, CHILD_MODELS
from deployments.importing.tests.test_import import csv_file, row
from deployments.models import Cost, Deployment, Edit, Location, Technology
from deployments.tests.synthetic import body, make_records, shared

pytestmark = pytest.mark.django_db


def exported_then_deleted(client, count: int, start: int = 1) -> bytes:
    """register.zip of `count` synthetic records, which are then deleted: an empty register
    but for its technologies, organisations and sources."""
    make_records(count, start)
    data = body(client.get("/data/register.zip"))
    Deployment.objects.all().delete()
    return data


def queries(data: bytes, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = importer.run(data, name)
    assert report.ok, [str(p) for p in report.problems]
    return len(captured)


def test_it_imports_a_zip_of_40_records_in_the_queries_of_10(client):
    shared()
    ten = queries(exported_then_deleted(client, 10), "register.zip")
    forty = queries(exported_then_deleted(client, 40, start=100), "register.zip")
    assert Deployment.objects.count() == 40
    # A query per record would be 30 more. Django splits an INSERT at SQLite's 999
    # parameters (a few statements more for 40 records of 25 columns), and the refresh of
    # derived data may take one more statement for a bigger set.
    assert forty <= ten + (8 if connection.vendor == "sqlite" else 2)


def test_it_imports_a_csv_of_40_records_in_the_queries_of_10():
    shared()
    ten = queries(csv_file([row(n) for n in range(10)]), "ten.csv")
    forty = queries(csv_file([row(n) for n in range(100, 140)]), "forty.csv")
    assert Deployment.objects.count() == 50
    assert forty <= ten + (8 if connection.vendor == "sqlite" else 2)  # as above


def test_it_writes_each_rows_history_and_the_derived_data(client):
    shared()
    data = exported_then_deleted(client, 3)
    before = freshness.current()

    report = importer.run(data, "register.zip", publish=True)

    assert report.ok, [str(p) for p in report.problems]
    edit = Edit.objects.get(reason="Imported from “register.zip”.")
    for model in (Deployment, *CHILD_MODELS.values()):
        for obj in model.objects.all():
            (history,) = obj.history.filter(edit=edit)  # one per row, in the import's edit
            assert (history.history_type, history.history_change_reason) == ("+", CHANGE_REASON)
    links = apps.get_model("deployments", "HistoricalDeployment_technologies")
    for deployment in Deployment.objects.all():
        history = deployment.history.get(edit=edit)
        technologies = set(deployment.technologies.values_list("pk", flat=True))
        assert technologies  # the record's, as its history row links them
        assert set(links.objects.filter(history=history).values_list("technology", flat=True)) == (
            technologies
        )
        state = versions.history(deployment.pk)[-1]  # (its id's deleted record came before)
        assert state.published and set(state.technologies) == technologies
    assert_derived_data_is_right()
    assert freshness.current().token != before.token  # three records were published


def test_it_records_replaced_rows_as_deleted_in_the_same_edit(client):
    shared()
    (deployment,) = make_records(1)
    Cost.objects.create(
        deployment=deployment, source=deployment.costs.first().source, amount=1, covers="spend"
    )
    extra = deployment.costs.order_by("-pk").first()
    data = body(client.get("/data/register.zip"))
    extra.refresh_from_db()
    Cost.objects.create(deployment=deployment, source=extra.source, amount=2, covers="spend")
    later = deployment.costs.order_by("-pk").first()

    report = importer.run(data, "register.zip")

    assert report.ok, [str(p) for p in report.problems]
    assert not deployment.costs.filter(pk=later.pk).exists()
    deleted = Cost.history.get(id=later.pk, history_type="-")
    assert deleted.edit.reason == "Imported from “register.zip”."
    assert deployment.history.filter(edit=deleted.edit, history_type="~").count() == 1
    assert_derived_data_is_right()


def test_a_check_constraint_is_evaluated_on_the_row_as_it_will_be_written():
    amount = Q(amount__isnull=True) | Q(amount__gte=0)
    assert bulk.holds(amount, Cost(amount=-1)) is False
    assert bulk.holds(amount, Cost(amount=None)) is True
    assert bulk.holds(Q(latitude__gte=-90) & Q(latitude__lte=90), Location(latitude=None)) is None
    reserved = ~Q(slug__in=["map", "timeline"])
    assert bulk.holds(reserved, Technology(slug="map")) is False
    assert bulk.holds(reserved, Technology(slug="synthetic-map")) is True


def test_a_row_the_database_refuses_is_named(monkeypatch):
    shared()

    def fill_only(self, obj, columns, exclude=()):
        # As if the checks in Python missed everything: the database's constraint (an
        # amount, or "not disclosed") still refuses the row.
        return []

    monkeypatch.setattr(bulk.Writer, "check", fill_only)
    rows = [row(1), row(2, cost_amount="", cost_qualifier="exact")]
    report = importer.run(csv_file(rows), "bad.csv")

    assert [(p.file, p.row) for p in report.problems] == [("bad.csv", 3)]
    assert "The database refused this row" in report.problems[0].message
    assert Deployment.objects.count() == 0
