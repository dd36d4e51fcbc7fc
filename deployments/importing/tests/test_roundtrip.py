"""register.zip -> an empty register -> register.zip gives the same bytes."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from frictionless import validate

from deployments.core.dates import Precision
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
    Response,
    Source,
    Technology,
)
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import body, make_records

pytestmark = pytest.mark.django_db

REGISTER_MODELS = (
    Response,
    Citation,
    Cost,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Deployment,
    Source,
    Organisation,
    Technology,
)


def awkward_register():
    """Published records with every kind of row and every awkward value the format handles."""
    cast = make_cast()
    make_records(3)
    Technology.objects.create(name="Synthetic unused", slug="synthetic-unused", description="-")
    no_url = Source.objects.create(
        title="Synthetic letter",
        publisher="Synthetic Office",
        source_type="foi",
        notes="Held on file.",
    )
    twin_a = Source.objects.create(
        title="Synthetic page, part 1",
        publisher="Synthetic Blog",
        url="https://example.org/synthetic-twin",
        published=dt.date(2023, 1, 1),
        published_precision=Precision.YEAR,
    )
    twin_b = Source.objects.create(
        title="Synthetic page, part 2",
        publisher="Synthetic Blog",
        url="https://example.org/synthetic-twin",
        accessed=dt.date(2024, 2, 29),
    )
    odd = Organisation.objects.create(
        name="@Synthetic; Odd \\ Name Ltd",
        slug="synthetic-odd",
        kind="company",
        website="https://example.org/odd",
    )
    deployment = Deployment.objects.create(
        title="=Synthetic formula title",
        slug="synthetic-awkward",
        summary='-3 cameras, "quoted", +2 vans; 50% more',
        description="Line one.\r\nLine two: ünïcödé, emoji 📷, tab\tinside.\n'Apostrophe'",
        status="suspended",
        start_date=dt.date(2019, 2, 28),
        start_precision=Precision.DAY,
        end_date=dt.date(2023, 1, 1),
        end_precision=Precision.YEAR,
        planned_duration="six months",
        scale="~10,000 cameras; " + "synthetic detail of the reported scale, " * 20,
        affected_groups="@everyone",
        data_retention="'up to' six years",
        data_sharing="=shared",
        visibility="covert",
        publication="published",
    )
    deployment.technologies.set([cast.anpr, cast.face])
    Citation.objects.create(
        deployment=deployment, source=no_url, claim="scale", quote='="a quote"', locator="p. 4"
    )
    Citation.objects.create(deployment=deployment, source=twin_a)
    Citation.objects.create(deployment=deployment, source=twin_b, claim="status")
    Involvement.objects.create(
        deployment=deployment, organisation=odd, role="supplier", note="-note", source=twin_a
    )
    Involvement.objects.create(deployment=deployment, organisation=cast.police, role="recipient")
    # The roles and statuses real European records needed, and a role's long note.
    Involvement.objects.create(
        deployment=deployment,
        organisation=cast.police,
        role="approver",
        note="Synthetic approval note. " * 20,
    )
    Involvement.objects.create(deployment=deployment, organisation=odd, role="funder")
    Location.objects.create(
        deployment=deployment,
        name="Synthetic polygon",
        country="FR",
        precision="approximate",
        geometry={"type": "Polygon", "coordinates": [[[2, 48], [2.5, 48], [2.5, 49.25], [2, 48]]]},
    )
    Location.objects.create(
        deployment=deployment, name="Across Synthetic Europe", precision="multi"
    )
    Location.objects.create(
        deployment=deployment,
        name="Synthetic border corridor",
        precision="multi",
        countries=["FR", "BE", "DE"],
    )
    Cost.objects.create(
        deployment=deployment,
        source=no_url,
        amount=Decimal("1234567.89"),
        currency="EUR",
        covers="contract",
        qualifier="up_to",
        period="-three years",
        quote="+quote",
    )
    Event.objects.create(
        deployment=deployment,
        source=twin_b,
        kind="ruling",
        date=dt.date(2022, 3, 15),
        date_precision=Precision.DAY,
        description="Synthetic ruling",
    )
    LegalBasis.objects.create(
        deployment=deployment,
        source=no_url,
        instrument_type="none",
        status="not_stated",
        note="@none",
    )
    LegalBasis.objects.create(
        deployment=deployment,
        source=twin_a,
        instrument_type="statute",
        instrument="Synthetic Act",
        provision="s. 2",
        url="https://example.org/act",
        status="unlawful",
    )
    LegalBasis.objects.create(
        deployment=deployment,
        source=twin_b,
        instrument_type="regulation",
        instrument="Synthetic Regulation",
        status="unlawful_regulator",
    )
    LegalBasis.objects.create(
        deployment=deployment,
        source=twin_b,
        instrument_type="ruling",
        instrument="Synthetic Ruling",
        status="partly_unlawful",
    )
    ImpactAssessment.objects.create(
        deployment=deployment,
        source=no_url,
        kind="eia",
        date=dt.date(2021, 6, 1),
        date_precision=Precision.MONTH,
        availability="published",
        obtained_by="Synthetic NGO",
        url="https://example.org/eia",
    )
    # A statement by an organisation only a response names, and an undated one by a person.
    critic = Organisation.objects.create(name="Synthetic Critics", slug="synthetic-critics")
    Response.objects.create(
        deployment=deployment,
        source=twin_a,
        kind="objection",
        organisation=critic,
        person="Synthetic Person, =spokesperson",
        date=dt.date(2022, 8, 1),
        date_precision=Precision.MONTH,
        summary="Synthetic objection; with a semicolon",
        quote="-quoted words",
    )
    Response.objects.create(
        deployment=deployment, source=no_url, kind="no_comment", person="Synthetic", summary="x"
    )
    return cast


def register_zip(client) -> bytes:
    response = client.get("/data/register.zip")
    assert response.status_code == 200
    return body(response)


def tables(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def empty_the_register():
    for model in REGISTER_MODELS:
        for obj in model.objects.all():
            obj.delete()
    assert not Deployment.objects.exists()


def test_it_round_trips_the_register_byte_for_byte(client, tmp_path):
    awkward_register()
    first = register_zip(client)
    assert b"synthetic-awkward" in tables(first)["deployments.csv"]
    assert b"Synthetic draft" not in first.replace(b"\n", b"")
    assert b"Synthetic objection; with a semicolon" in tables(first)["responses.csv"]
    assert b"Synthetic Critics" in tables(first)["organisations.csv"]
    path = tmp_path / "register.zip"
    path.write_bytes(first)

    empty_the_register()
    call_command("import_register", str(path), "--publish", stdout=io.StringIO())
    second = register_zip(client)

    before, after = tables(first), tables(second)
    assert sorted(before) == sorted(after)
    for name in before:
        assert after[name] == before[name], name
    assert second == first


def test_it_keeps_awkward_values_exactly(client, tmp_path):
    awkward_register()
    path = tmp_path / "register.zip"
    path.write_bytes(register_zip(client))
    empty_the_register()
    call_command("import_register", str(path), "--publish", stdout=io.StringIO())
    deployment = Deployment.objects.get(slug="synthetic-awkward")
    assert deployment.title == "=Synthetic formula title"
    assert deployment.description.startswith("Line one.\r\nLine two: ünïcödé, emoji 📷")
    assert deployment.data_retention == "'up to' six years"
    assert Organisation.objects.filter(name="@Synthetic; Odd \\ Name Ltd").exists()
    assert Source.objects.filter(url="https://example.org/synthetic-twin").count() == 2
    polygon = deployment.locations.get(name="Synthetic polygon")
    assert polygon.geometry["coordinates"][0][2] == [2.5, 49.25]
    assert str(deployment.costs.get().amount) == "1234567.89"
    corridor = deployment.locations.get(name="Synthetic border corridor")
    assert corridor.codes == ["BE", "DE", "FR"]
    # Ids taken from the file must not collide with the next ones the database gives.
    assert make_records(1, start=500)[0].pk > deployment.pk


def test_it_reimports_a_zip_over_itself_without_duplicating(client):
    awkward_register()
    first = tables(register_zip(client))
    counts = {model: model.objects.count() for model in REGISTER_MODELS}
    from deployments.importing import importer

    report = importer.run(register_zip(client), "register.zip")
    assert report.ok, [str(p) for p in report.problems]
    assert {model: model.objects.count() for model in REGISTER_MODELS} == counts
    second = tables(register_zip(client))
    for name in first:
        if name not in (
            "deployments.csv",
            *[
                f"{t}.csv"
                for t in (
                    "involvements",
                    "locations",
                    "costs",
                    "events",
                    "legal_bases",
                    "impact_assessments",
                    "citations",
                )
            ],
        ):
            assert second[name] == first[name], name  # reused as they were


def test_it_describes_its_own_tables_in_the_zip(client, tmp_path):
    awkward_register()
    with zipfile.ZipFile(io.BytesIO(register_zip(client))) as archive:
        archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])
