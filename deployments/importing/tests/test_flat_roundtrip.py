"""/deployments.csv -> an empty register -> /deployments.csv gives the same bytes: what a
spreadsheet user downloads, edits and sends back loses nothing the CSV carries."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from frictionless import validate

from deployments.importing.tests.test_roundtrip import REGISTER_MODELS, awkward_register
from deployments.models import Deployment, Location, Source, Technology
from deployments.tests.synthetic import body

pytestmark = pytest.mark.django_db


def csv_export(client, query="sort=title") -> bytes:
    response = client.get(f"/deployments.csv?{query}")
    assert response.status_code == 200
    return body(response)


def import_csv(data: bytes, tmp_path) -> str:
    path = tmp_path / "deployments.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_register", str(path), "--publish", stdout=out)
    return out.getvalue()


def empty_the_register_but_its_vocabulary():
    # A flat file names technologies but does not describe them: they stay.
    for model in REGISTER_MODELS:
        if model is not Technology:
            for obj in model.objects.all():
                obj.delete()
    assert not Deployment.objects.exists()


def test_it_round_trips_the_csv_byte_for_byte(client, tmp_path):
    awkward_register()
    first = csv_export(client)
    for carried in (
        b"Synthetic Gazette",  # a source's publisher
        b"Synthetic page, part 2",  # the title of a source that shares its address
        b"-three years",  # the cost note
        b"Synthetic approval note.",  # an organisation role's note
        b"@none",  # a legal basis's note
        b"regulation",  # a legal basis's type
        b"BE,DE,FR",  # the countries of one location
    ):
        assert carried in first, carried

    empty_the_register_but_its_vocabulary()
    import_csv(first, tmp_path)
    second = csv_export(client)

    assert second.splitlines()[0] == first.splitlines()[0]
    for before, after in zip(first.splitlines(), second.splitlines(), strict=True):
        assert after == before
    assert second == first


def test_it_keeps_every_location_and_the_point_where_it_was(client, tmp_path):
    awkward_register()
    data = csv_export(client, "sort=title&q=formula")
    empty_the_register_but_its_vocabulary()
    import_csv(data, tmp_path)
    locations = Deployment.objects.get(slug="synthetic-awkward").locations.order_by("id")
    assert [(loc.name, loc.precision, loc.country, loc.countries) for loc in locations] == [
        ("Synthetic polygon", "approximate", "FR", []),
        ("Across Synthetic Europe", "multi", "", []),
        ("Synthetic border corridor", "multi", "", ["BE", "DE", "FR"]),
    ]
    polygon = locations[0]
    assert polygon.latitude is not None
    assert (
        Location.objects.filter(latitude__isnull=False).count()
        == Deployment.objects.filter(locations__latitude__isnull=False).distinct().count()
    )


def test_it_puts_each_exact_site_back_where_it_was(client, tmp_path):
    # One point per record in latitude/longitude; every site's in the parallel lists. West of
    # Greenwich, so the list starts with a minus, which the CSV neutralises.
    awkward_register()
    deployment = Deployment.objects.get(slug="synthetic-awkward")
    for name, point in (("Synthetic site A", [-0.25, 51.25]), ("Synthetic site B", [-1.5, 52.0])):
        Location.objects.create(
            deployment=deployment,
            name=name,
            precision="exact",
            country="GB",
            geometry={"type": "Point", "coordinates": point},
        )
    data = csv_export(client, "sort=title&q=formula")
    assert b"'-0.25; -1.5" in data or b"; -0.25; -1.5" in data

    empty_the_register_but_its_vocabulary()
    import_csv(data, tmp_path)
    sites = Location.objects.filter(precision="exact").order_by("name")
    assert [(s.name, s.geometry["coordinates"]) for s in sites] == [
        ("Synthetic site A", [-0.25, 51.25]),
        ("Synthetic site B", [-1.5, 52.0]),
    ]
    assert csv_export(client, "sort=title&q=formula") == data


def test_it_keeps_each_sources_title_publisher_and_date(client, tmp_path):
    awkward_register()
    data = csv_export(client, "q=formula")
    empty_the_register_but_its_vocabulary()
    import_csv(data, tmp_path)
    twin = Source.objects.get(title="Synthetic page, part 1")
    assert (twin.publisher, twin.url) == ("Synthetic Blog", "https://example.org/synthetic-twin")
    assert (twin.published.year, twin.published_precision) == (2023, "year")
    assert Source.objects.filter(url="https://example.org/synthetic-twin").count() == 2


def test_it_explains_a_list_that_does_not_pair_up(client, tmp_path, capsys):
    awkward_register()
    data = csv_export(client, "q=formula").decode()
    # One date too many for the record's sources.
    header, line = data.splitlines()[:2]
    columns = header.split(",")
    cells = next(csv.reader([line]))
    cells[columns.index("source_dates")] = "2020; 2021; 2022; 2023; 2024; 2025; 2026"
    out = io.StringIO()
    csv.writer(out).writerows([columns, cells])
    empty_the_register_but_its_vocabulary()
    with pytest.raises(Exception) as raised:
        import_csv(out.getvalue().encode(), tmp_path)
    assert "nothing was written" in str(raised.value)
    problems = capsys.readouterr().err.strip().splitlines()
    assert problems == [
        "deployments.csv, row 2, column source_dates: Give one value for each of the 3 items, "
        "in the same order (nothing between two “; ” for an item without one)."
    ]


def test_it_describes_every_awkward_cell_in_the_datapackage(client, tmp_path):
    awkward_register()
    (tmp_path / "export.csv").write_bytes(csv_export(client))
    descriptor = client.get("/data/datapackage.json").json()
    resource = {**descriptor["resources"][0], "path": "export.csv"}
    (tmp_path / "datapackage.json").write_text(json.dumps({**descriptor, "resources": [resource]}))
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])


@pytest.mark.parametrize(
    ("latitudes", "longitudes", "message"),
    [
        ("51.25", "", "has half a point: give both its latitude and longitude."),
        ("north", "-0.25", "its latitude and longitude are numbers in decimal degrees"),
        ("nan", "-0.25", "its latitude and longitude are numbers in decimal degrees"),
    ],
)
def test_it_refuses_a_point_it_cannot_read(
    client, tmp_path, capsys, latitudes, longitudes, message
):
    awkward_register()
    data = csv_export(client, "q=formula").decode()
    header, line = data.splitlines()[:2]
    columns = header.split(",")
    cells = next(csv.reader([line]))
    count = len(cells[columns.index("locations")].split("; "))
    cells[columns.index("location_latitudes")] = "; ".join([latitudes] + [""] * (count - 1))
    cells[columns.index("location_longitudes")] = "; ".join([longitudes] + [""] * (count - 1))
    out = io.StringIO()
    csv.writer(out).writerows([columns, cells])
    empty_the_register_but_its_vocabulary()
    with pytest.raises(Exception, match="nothing was written"):
        import_csv(out.getvalue().encode(), tmp_path)
    problems = capsys.readouterr().err.strip().splitlines()
    assert len(problems) == 1
    assert problems[0].startswith("deployments.csv, row 2, column location_latitudes: “")
    assert message in problems[0]
    assert not Deployment.objects.exists()
