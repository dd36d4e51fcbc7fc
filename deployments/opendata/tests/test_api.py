"""The JSON list and detail, the data page, datapackage.json, and what is never public."""

import datetime as dt
import json
import zipfile
from io import BytesIO

import pytest
from frictionless import validate

from deployments.core.freshness import current
from deployments.models import Event
from deployments.opendata import dictionary, register_files
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import body, make_light_records, make_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def test_it_pages_the_json_list_like_the_html_list(client, cast):
    make_light_records(60, start=100)
    first = client.get("/deployments.json?technology=synthetic-cameras&sort=title")
    assert first.status_code == 200
    data = first.json()
    assert (data["count"], data["page"], data["pages"], data["page_size"]) == (60, 1, 2, 50)
    assert len(data["results"]) == 50
    assert data["previous"] is None
    assert data["next"] == (
        "http://testserver/deployments.json?technology=synthetic-cameras&sort=title&page=2"
    )
    second = client.get(data["next"]).json()
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert second["previous"].endswith("sort=title&page=1")
    html = client.get("/deployments/?technology=synthetic-cameras&sort=title&page=2")
    assert [i["slug"] for i in second["results"]] == [
        d.slug for d in html.context["page"].object_list
    ]


def test_it_answers_a_page_past_the_end_with_400(client, cast):
    response = client.get("/deployments.json?page=3")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "page"
    assert client.get("/deployments.json?page=abc").status_code == 400


def test_it_describes_each_record_in_the_json_list(client, cast):
    results = client.get("/deployments.json?sort=title").json()["results"]
    camera = next(item for item in results if item["slug"] == "camera")
    assert camera["url"] == "http://testserver/deployments/camera/"
    assert camera["api_url"] == "http://testserver/deployments/camera.json"
    assert camera["start"] == {"date": "2024-10", "precision": "month"}
    assert camera["end"] == {"date": None, "precision": "unknown", "text": "no end reported"}
    assert camera["headline_cost"] == {
        "amount": "80000.00",
        "currency": "GBP",
        "covers": "budget",
        "qualifier": "exact",
        "note": "",
    }
    assert camera["organisations"] == [
        {"slug": "police", "name": "Synthetic Police", "role": "operator", "note": ""}
    ]
    assert camera["technologies"] == [{"slug": "anpr", "name": "Synthetic ANPR"}]
    assert camera["locations"][0]["longitude"] == -0.1


def test_it_gives_one_record_with_everything_its_page_shows(client, cast):
    Event.objects.create(
        deployment=cast.camera,
        source=cast.source,
        kind="announced",
        date=dt.date(2024, 9, 1),
        date_precision="month",
        description="Synthetic.",
    )
    response = client.get("/deployments/camera.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    record = response.json()
    page = client.get("/deployments/camera/")
    assert record["title"] == page.context["deployment"].title
    assert record["sources"][0]["title"] == "Synthetic source"
    assert record["sources"][0]["number"] == 1
    # The quote behind each mark, as the page shows it in the mark's note.
    citation = cast.camera.citations.get()
    assert record["citations"] == [
        {"claim": "general", "citation": 1, "quote": citation.quote, "locator": ""}
    ]
    assert record["costs"][0]["display"] == "GBP 80,000"
    assert record["costs"][0]["citation"] == 1
    assert record["events"][0] == {
        "kind": "announced",
        "date": "2024-09",
        "precision": "month",
        "description": "Synthetic.",
        "citation": 1,
    }
    assert record["legal_bases"][0]["status"] == "asserted"
    assert record["locations"][0]["geometry"] == {"type": "Point", "coordinates": [-0.1, 51.5]}
    assert record["organisations"][0]["role"] == "operator"
    assert record["cite_as"].startswith("“Synthetic camera”.")
    # It names the version read and the day, at the version's own address.
    assert "http://testserver/deployments/camera/?version=" in record["cite_as"]
    assert record["cite_as"].endswith(").") and "(accessed " in record["cite_as"]
    assert record["license"]["name"] == "CC-BY-4.0"


@pytest.mark.parametrize("state", ["draft", "review", "withdrawn"])
def test_it_never_shows_unpublished_records_anywhere(client, cast, state):
    make_records(1, start=700, publication=state)
    hidden = ("synthetic-deployment-700", "Synthetic deployment 700", "Synthetic draft")
    urls = [
        "/deployments.csv",
        "/deployments.json",
        "/deployments.geojson",
        "/deployments.csv?q=synthetic",
        "/feeds/deployments.atom",
        "/data/register.zip",
    ]
    # The hidden record's technology is used by no published record, so the public does not
    # know it: a filter on it is an unknown value (400), which echoes nothing of the record.
    unknown = client.get("/deployments.json?technology=synthetic-cameras")
    assert unknown.status_code == 400
    assert b"Synthetic deployment 700" not in unknown.content
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = body(response)
        if url.endswith(".zip"):
            with zipfile.ZipFile(BytesIO(content)) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        for text in hidden:
            assert text.encode() not in content, (url, text)
    assert client.get("/deployments/synthetic-deployment-700.json").status_code == 404
    assert client.get("/deployments/draft.json").status_code == 404


def test_it_explains_every_column_and_the_licence_on_the_data_page(client, cast, settings):
    settings.DATA_LICENSE_TITLE = "Synthetic Licence 1.0"
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    for column in dictionary.EXPORT_COLUMNS:
        assert f'id="column-{column.name}"' in html
    for table in dictionary.TABLES:
        assert f"<code>{table.filename}</code>" in html
    assert "Synthetic Licence 1.0" in html
    assert "Cite the register as" in html
    assert "last changed on" in html
    assert "Smith\\; Jones Ltd" in html  # the escaping rule, with its example


def test_it_publishes_a_datapackage_that_validates_against_its_own_files(client, cast, tmp_path):
    make_records(3)
    descriptor = client.get("/data/datapackage.json").json()
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    names = [resource["name"] for resource in descriptor["resources"]]
    assert names == ["deployments-export"] + [table.name for table in dictionary.TABLES]
    assert descriptor["resources"][0]["path"] == "http://testserver/deployments.csv"
    # Fetch the files it describes and validate them where it says they are.
    (tmp_path / "export.csv").write_bytes(body(client.get("/deployments.csv")))
    (tmp_path / "register.zip").write_bytes(body(client.get("/data/register.zip")))
    descriptor["resources"][0]["path"] = "export.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])
    assert report.stats["tasks"] == 1 + len(dictionary.TABLES)


def test_it_fails_validation_when_a_file_breaks_its_schema(client, cast, tmp_path):
    # Proof that the validation above checks something: a bad value and a dangling key fail.
    descriptor = client.get("/data/datapackage.json").json()
    text = body(client.get("/deployments.csv")).decode().replace(",trial,", ",bogus,")
    (tmp_path / "export.csv").write_text(text, newline="")
    with (
        zipfile.ZipFile(BytesIO(body(client.get("/data/register.zip")))) as archive,
        zipfile.ZipFile(tmp_path / "register.zip", "w") as copy,
    ):
        for name in archive.namelist():
            content = archive.read(name).decode()
            if name == "costs.csv":
                lines = content.split("\r\n")
                cells = lines[1].split(",")
                cells[1] = "999999"  # the deployment_id of no deployment
                lines[1] = ",".join(cells)
                content = "\r\n".join(lines)
            copy.writestr(name, content)
    descriptor["resources"][0]["path"] = "export.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = validate(str(tmp_path / "datapackage.json"))
    kinds = {(task.name, error.type) for task in report.tasks for error in task.errors}
    assert ("deployments-export", "constraint-error") in kinds
    assert ("costs", "foreign-key") in kinds


def test_it_lists_the_json_in_a_number_of_queries_that_does_not_grow(
    client, django_assert_num_queries
):
    make_records(5)
    # The freshness state, the records, their relations (responses' sources included) and the
    # (cached) total.
    with django_assert_num_queries(15):
        assert len(client.get("/deployments.json").json()["results"]) == 5
    make_records(45, start=6)
    with django_assert_num_queries(15):
        assert len(client.get("/deployments.json").json()["results"]) == 50


def test_it_zips_the_register_in_a_number_of_queries_that_does_not_grow(
    django_assert_num_queries,
):
    # Written by the worker (register_files.build_now), never by a request: the state, the
    # tables and the state again before the file gets its name.
    make_records(5)
    with django_assert_num_queries(16):
        assert register_files.build_now() == [register_files.file_name("register", current())]
    make_records(45, start=6)
    with django_assert_num_queries(16):
        assert register_files.build_now() == [register_files.file_name("register", current())]


def test_a_records_responses_are_in_its_json_and_page_each_with_its_source(client, cast):
    from deployments.models import Organisation, Response, Source

    other = Source.objects.create(title="Synthetic second source", publisher="Synthetic Post")
    critic = Organisation.objects.create(name="Synthetic Watchdog", slug="synthetic-watchdog")
    Response.objects.create(
        deployment=cast.camera,
        kind="objection",
        organisation=critic,
        person="Synthetic Speaker, director",
        summary="Synthetic objection to the cameras.",
        quote="Synthetic quoted words.",
        source=other,
    )

    data = client.get("/deployments/camera.json").json()
    page = client.get("/deployments/camera/").content.decode()

    (response,) = data["responses"]
    assert response["kind"] == "objection"
    assert response["organisation"] == {"slug": "synthetic-watchdog", "name": "Synthetic Watchdog"}
    assert (response["person"], response["summary"]) == (
        "Synthetic Speaker, director",
        "Synthetic objection to the cameras.",
    )
    assert data["sources"][response["citation"] - 1]["title"] == "Synthetic second source"
    assert "Synthetic Speaker, director, Synthetic Watchdog" in page
    assert "Synthetic quoted words." in page
    assert b"Synthetic second source" in body(client.get("/deployments.csv"))
