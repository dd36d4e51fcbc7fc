"""Stored CSV lines (export_rows.py) follow every edit. An edit through the app is in the next
export, stored again when it commits (derived.py); a line missing is written by the export
from the tables, and a plain UPDATE by hand is put right by `manage.py refresh_derived`. Each
export is compared with the lines written from the tables now (expected.from_tables)."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from deployments import apps
from deployments.models import (
    Citation,
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
from deployments.opendata import export_rows
from deployments.opendata.tests import expected
from deployments.tests.synthetic import make_records

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver/"


def export() -> bytes:
    return b"".join(export_rows.csv_chunks(Deployment.objects.order_by("pk"), BASE_URL))


def definition() -> bytes:
    return expected.from_tables(Deployment.objects.order_by("pk"), BASE_URL)


def unstored() -> set[str]:
    stored = ExportRow.objects.filter(format=export_rows.FORMAT).values("pk")
    return set(Deployment.objects.exclude(pk__in=stored).values_list("slug", flat=True))


def first() -> Deployment:
    return Deployment.objects.order_by("pk").first()


def new_source(name: str) -> Source:
    return Source.objects.create(
        title=f"Synthetic {name}", publisher="Synthetic Gazette", url=f"https://example.org/{name}"
    )


def rename_deployment():
    deployment = first()
    deployment.title = "Synthetic renamed, with a comma"
    deployment.save()


def edit_location():
    location = first().locations.order_by("pk").first()
    location.name = "Synthetic moved town"
    location.save()


def spread_location_over_several_countries():
    location = first().locations.order_by("pk").first()
    location.country, location.precision, location.countries = "", "multi", ["PT", "ES"]
    location.save()


def delete_location():
    first().locations.order_by("pk").first().delete()


def edit_cost():
    cost = first().costs.order_by("pk").first()
    cost.amount = Decimal("99999999.99")
    cost.save()


def add_partner():
    partner = Organisation.objects.create(name="Synthetic Partner", slug="synthetic-partner")
    Involvement.objects.create(deployment=first(), organisation=partner, role="partner")


def rename_organisation():
    organisation = Organisation.objects.get(slug="synthetic-police-force")
    organisation.name = "=Synthetic Constabulary"
    organisation.save()


def rename_organisation_to_quoted_text_and_back_shorter():
    # Quotes, a comma, a semicolon and letters beyond ASCII: the run spliced into each line
    # changes length in characters and in bytes, and a second splice must find it again.
    organisation = Organisation.objects.get(slug="synthetic-police-force")
    organisation.name = 'Synthetic "Polícia", Força; Ré'
    organisation.save()
    technology = Technology.objects.get(slug="synthetic-cameras")
    technology.name = "Synthetic «cámaras», \\ lenses"
    technology.save()
    organisation.name = "Synthetic P"
    organisation.save()


def edit_source():
    source = Source.objects.get(url="https://example.org/synthetic-report")
    source.url = "https://example.org/synthetic-report-moved"
    source.save()


def date_source_and_rename_its_publisher():
    source = Source.objects.get(url="https://example.org/synthetic-report")
    source.publisher, source.published, source.published_precision = (
        "Synthetic Herald",
        dt.date(2023, 5, 1),
        "month",
    )
    source.save()


def note_a_role():
    involvement = first().involvements.order_by("pk").first()
    involvement.note = "Synthetic note: it runs the cameras"
    involvement.save()


def rename_technology():
    technology = Technology.objects.get(slug="synthetic-cameras")
    technology.name = "Synthetic lenses"
    technology.save()


def remove_technology():
    first().technologies.clear()


def add_technology_from_its_side():
    other = Technology.objects.create(name="Synthetic radar", slug="synthetic-radar")
    other.deployments.add(first())


def clear_technology_from_its_side():
    Technology.objects.get(slug="synthetic-cameras").deployments.clear()


def delete_technology():
    Technology.objects.get(slug="synthetic-cameras").delete()


def add_legal_basis():
    LegalBasis.objects.create(
        deployment=first(),
        source=new_source("statute"),
        instrument_type="statute",
        instrument="Synthetic Act",
        status="disputed",
    )


def cite_new_source():
    Citation.objects.create(deployment=first(), source=new_source("citation"))


def add_event_with_new_source():
    Event.objects.create(
        deployment=first(),
        source=new_source("event"),
        kind="reported",
        date=dt.date(2024, 10, 1),
        date_precision="month",
    )


def add_assessment_with_new_source():
    ImpactAssessment.objects.create(
        deployment=first(), source=new_source("dpia"), kind="dpia", availability="published"
    )


APP_EDITS = [
    rename_deployment,
    edit_location,
    spread_location_over_several_countries,
    delete_location,
    edit_cost,
    add_partner,
    rename_organisation,
    rename_organisation_to_quoted_text_and_back_shorter,
    edit_source,
    date_source_and_rename_its_publisher,
    note_a_role,
    rename_technology,
    remove_technology,
    add_technology_from_its_side,
    clear_technology_from_its_side,
    delete_technology,
    add_legal_basis,
    cite_new_source,
    add_event_with_new_source,
    add_assessment_with_new_source,
]


@pytest.mark.parametrize("edit", APP_EDITS, ids=lambda edit: edit.__name__)
def test_an_edit_through_the_app_is_in_the_next_export_and_stored_again(edit):
    make_records(3)
    assert unstored() == set()
    before = export()

    edit()

    after = export()
    assert after != before  # the edit shows in the CSV
    assert after == definition()
    assert unstored() == set()


def test_a_rename_reaches_the_role_notes_that_name_it():
    make_records(3)
    note_a_role()
    noted = first().involvements.order_by("pk").first().organisation
    assert f"{noted.name} (".encode() in export()

    noted.name = "=Synthetic Renamed Noted"
    noted.save()

    after = export()
    assert b"=Synthetic Renamed Noted (" in after
    assert after == definition()
    assert unstored() == set()


def test_a_deleted_record_leaves_no_line_behind():
    make_records(3)
    gone = first().pk
    first().delete()
    assert not ExportRow.objects.filter(pk=gone).exists()
    assert ExportRow.objects.count() == 2
    assert export() == definition()


# Plain UPDATEs, as someone might run by hand in SQL: no signal tells the site.
PLAIN_UPDATES = [
    lambda: Deployment.objects.filter(slug="synthetic-deployment-2").update(summary="-x"),
    lambda: Location.objects.filter(name="Synthetic town 3").update(name="Y"),
    lambda: Organisation.objects.filter(kind="company").update(name="Synthetic Z"),
    lambda: Source.objects.update(title="Synthetic T", url=""),
    lambda: Technology.objects.update(name="Synthetic U"),
]


@pytest.mark.parametrize("update", PLAIN_UPDATES)
def test_refresh_derived_puts_right_what_a_plain_update_changed(update):
    make_records(3)
    update()
    assert export() != definition()  # stale: nothing told the site

    call_command("refresh_derived", stdout=StringIO())

    assert unstored() == set()
    assert export() == definition()


def test_migrate_writes_the_missing_lines():
    make_records(3)
    ExportRow.objects.filter(pk=first().pk).delete()
    ExportRow.objects.update(format="0-an-old-format")
    assert len(unstored()) == 3

    apps.write_missing_export_rows(using="default")

    assert unstored() == set()
    assert export() == definition()


def test_generated_records_have_their_lines_stored():
    call_command("generate_synthetic", "40", stdout=StringIO())
    assert unstored() == set()
    assert export() == definition()


def test_a_line_missing_early_in_a_long_export_is_written_in_its_place(monkeypatch):
    make_records(7)
    monkeypatch.setattr(export_rows, "FETCH_ROWS", 3)
    ExportRow.objects.filter(pk=first().pk).delete()  # while later fetches are still to come

    chunks = list(export_rows.csv_chunks(Deployment.objects.order_by("pk"), BASE_URL))

    assert [chunk.count(b"\r\n") for chunk in chunks] == [1, 3, 3, 1]
    assert b"".join(chunks) == definition()
