"""Bulk import: preview before writing, all or nothing, matching, and every kind of bad file."""

import csv
import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from deployments.importing import importer
from deployments.importing.tests.uploads import confirm, upload
from deployments.models import Citation, Cost, Deployment, Location, Organisation, Source
from deployments.tests.factories import make_staff_user
from deployments.tests.synthetic import body, make_records, shared

pytestmark = pytest.mark.django_db

HEADER = [
    "id",
    "slug",
    "title",
    "summary",
    "status",
    "technologies",
    "operators",
    "suppliers",
    "other_organisations",
    "countries",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "cost_amount",
    "cost_currency",
    "cost_covers",
    "cost_qualifier",
    "latitude",
    "longitude",
    "location_precision",
    "locations",
    "sources",
]


def row(n: int, **cells) -> dict:
    values = {
        "title": f"Synthetic deployment {n}",
        "summary": "A made-up deployment for an import test.",
        "status": "trial",
        "technologies": "Synthetic cameras",
        "operators": "Synthetic Police Force",
        "countries": "GB",
        "start_date": "2024-10",
        "start_precision": "month",
        "cost_amount": "1500.00",
        "cost_currency": "GBP",
        "cost_covers": "budget",
        "latitude": "51.5",
        "longitude": "-0.12",
        "location_precision": "city",
        "locations": f"Synthetic city {n}",
        "sources": "https://example.org/synthetic-report",
    }
    return {**values, **cells}


def csv_file(rows: list[dict], header=HEADER) -> bytes:
    out = StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    """Uploads waiting for confirmation go to the test's own folder, not the system's."""
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def reference():
    return shared()  # technology "Synthetic cameras", two organisations, one source


def problems(report) -> list[tuple]:
    return [(p.file, p.row, p.column) for p in report.problems]


# Writing -------------------------------------------------------------------------------------


def test_it_previews_every_row_without_writing_anything(reference):
    report = importer.run(csv_file([row(1), row(2)]), "new.csv", commit=False)
    assert report.ok, problems(report)
    assert [(o.row, o.action, o.slug) for o in report.outcomes] == [
        (2, "create", "synthetic-deployment-1"),
        (3, "create", "synthetic-deployment-2"),
    ]
    assert not report.written
    assert Deployment.objects.count() == 0
    assert Location.objects.count() == 0


def test_it_creates_drafts_with_their_sources_costs_and_places(reference):
    technology, operator, _supplier, source = reference
    report = importer.run(csv_file([row(1)]), "new.csv")
    assert report.ok and report.written
    deployment = Deployment.objects.get()
    assert deployment.publication == Deployment.Publication.DRAFT
    assert (deployment.start_date.isoformat(), deployment.start_precision) == (
        "2024-10-01",
        "month",
    )
    assert list(deployment.technologies.all()) == [technology]
    assert deployment.operators == [operator]  # reused by name, not duplicated
    assert list(deployment.sources.all()) == [source]  # reused by URL
    cost = deployment.costs.get()
    assert (str(cost.amount), cost.currency, cost.source) == ("1500.00", "GBP", source)
    location = deployment.locations.get()
    assert location.geometry == {"type": "Point", "coordinates": [-0.12, 51.5]}
    assert (location.country.code, location.precision) == ("GB", "city")
    assert Organisation.objects.count() == 2 and Source.objects.count() == 1


def test_it_publishes_only_when_an_editor_asks(reference):
    refused = importer.run(csv_file([row(1)]), "new.csv", publish=True, can_publish=False)
    assert not refused.ok and Deployment.objects.count() == 0
    report = importer.run(csv_file([row(1)]), "new.csv", publish=True)
    assert report.ok
    assert Deployment.objects.get().publication == Deployment.Publication.PUBLISHED


def test_it_updates_a_record_matched_by_slug_instead_of_duplicating(reference):
    (existing,) = make_records(1)
    changed = row(1, slug=existing.slug, title="Synthetic deployment 1, renamed")
    report = importer.run(csv_file([changed]), "update.csv")
    assert report.ok, problems(report)
    assert report.outcomes[0].action == "update"
    assert Deployment.objects.count() == 1
    existing.refresh_from_db()
    assert existing.title == "Synthetic deployment 1, renamed"
    assert existing.publication == "published"  # an update keeps the publication state
    assert existing.costs.count() == 2  # the CSV summary does not replace its costs
    assert "kept as they are" in report.outcomes[0].notes[-1]


def test_it_matches_by_id_when_the_slug_is_empty(reference):
    (existing,) = make_records(1)
    report = importer.run(csv_file([row(1, id=str(existing.pk), summary="New summary.")]), "x.csv")
    assert report.ok
    existing.refresh_from_db()
    assert existing.summary == "New summary."
    assert Deployment.objects.count() == 1


def test_it_lets_only_editors_change_a_published_record(reference):
    (existing,) = make_records(1)
    report = importer.run(csv_file([row(1, slug=existing.slug)]), "x.csv", can_publish=False)
    assert problems(report) == [("x.csv", 2, None)]
    assert "only an editor" in report.problems[0].message


def test_it_reverses_the_exports_cell_rules(reference):
    cells = row(
        1,
        title="'=SUM(A1)",
        suppliers="Smith\\; Jones Ltd; Synthetic Devices\\; Sensors Ltd",
        other_organisations="Synthetic Ministry (commissioner)",
    )
    report = importer.run(csv_file([cells]), "x.csv")
    assert report.ok, problems(report)
    deployment = Deployment.objects.get()
    assert deployment.title == "=SUM(A1)"
    suppliers = sorted(o.name for o in deployment.organisations_in_role("supplier"))
    assert suppliers == ["Smith; Jones Ltd", "Synthetic Devices; Sensors Ltd"]
    assert deployment.organisations_in_role("commissioner")[0].name == "Synthetic Ministry"
    assert Organisation.objects.filter(name="Synthetic Devices; Sensors Ltd").count() == 1


def test_it_reimports_its_own_csv_export_without_duplicating(client, reference):
    make_records(3)
    before = body(client.get("/deployments.csv")).decode()
    report = importer.run(before.encode(), "deployments.csv")
    assert report.ok, problems(report)
    assert [o.action for o in report.outcomes] == ["update"] * 3
    assert Deployment.objects.count() == 3
    after = body(client.get("/deployments.csv")).decode()
    # last_updated: the one cell an update changes, wherever it stands in the line.
    without_time = re.compile(r",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ(?=,|\r\n)")
    assert without_time.sub(",", after) == without_time.sub(",", before)


def test_it_writes_all_rows_or_none(reference):
    rows = [row(1, operators="Synthetic New Police"), row(2, start_date="2024-13")]
    report = importer.run(csv_file(rows), "x.csv")
    assert problems(report) == [("x.csv", 3, "start_date")]
    assert Deployment.objects.count() == 0
    assert not Organisation.objects.filter(name="Synthetic New Police").exists()


# Bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"start_date": "2024-13"}, "start_date", "not a real calendar date"),
        ({"end_date": "last year"}, "end_date", "is not a date"),
        ({"start_precision": "day"}, "start_precision", "does not match"),
        ({"technologies": "Synthetic telepathy"}, "technologies", "Unknown technology"),
        ({"status": "rumoured"}, "status", "not a valid choice"),
        ({"cost_amount": "1,500"}, "cost_amount", "not a number"),
        ({"cost_covers": "bribe"}, "cost_covers", "not a valid choice"),
        ({"latitude": "95"}, "latitude", "latitude 95"),
        ({"title": ""}, "title", "cannot be blank"),
        ({"other_organisations": "Synthetic Ministry"}, "other_organisations", "Name (role)"),
    ],
)
def test_it_names_the_row_and_column_of_a_bad_cell(reference, cells, column, message):
    report = importer.run(csv_file([row(1), row(2, **cells)]), "bad.csv")
    assert problems(report) == [("bad.csv", 3, column)]
    assert message in report.problems[0].message
    assert Deployment.objects.count() == 0


def test_it_lists_every_problem_of_a_row_at_once(reference):
    cells = row(1, start_date="2024-13", technologies="Synthetic telepathy")
    report = importer.run(csv_file([cells]), "bad.csv")
    assert problems(report) == [("bad.csv", 2, "start_date"), ("bad.csv", 2, "technologies")]
    assert len(report.outcomes[0].problems) == 2


def test_it_refuses_a_file_that_is_not_utf8(reference):
    data = csv_file([row(1, title="Synthetic café")]).decode().encode("latin-1")
    report = importer.run(data, "latin1.csv")
    assert not report.ok
    assert "not UTF-8" in report.problems[0].message
    assert report.problems[0].row == 2  # the line with the é
    assert Deployment.objects.count() == 0


def test_it_lists_missing_required_columns(reference):
    header = [c for c in HEADER if c not in ("title", "summary")]
    report = importer.run(csv_file([row(1)], header=header), "short.csv")
    assert problems(report) == [("short.csv", 1, "title"), ("short.csv", 1, "summary")]
    assert report.problems[0].message == "This required column is missing."


def test_it_refuses_a_file_over_the_size_limit(reference):
    data = csv_file([row(1)]) + b"x" * (50 * 1024 * 1024)
    report = importer.run(data, "huge.csv")
    assert not report.ok
    assert "the limit is 20 MB" in report.problems[0].message
    assert Deployment.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "not a CSV text file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "report.pdf", "not a CSV text file"),
        (b"", "empty.csv", "The file is empty"),
        (b'title,summary\r\n"unclosed,quote\r\n', "broken.csv", "not valid CSV"),
        (b"title,summary\r\na,b,c\r\n", "ragged.csv", "has 3 cells"),
        (b"PK\x03\x04 not really a zip", "fake.zip", "damaged"),
        (b"plain text", "fake.zip", "not a zip file"),
    ],
)
def test_it_refuses_a_file_that_is_not_csv(reference, data, name, message):
    report = importer.run(data, name)
    assert not report.ok
    assert message in report.problems[0].message, report.problems
    assert Deployment.objects.count() == 0


def test_it_recognises_a_spreadsheet_workbook(reference):
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    report = importer.run(workbook.getvalue(), "register.xlsx")
    assert "spreadsheet workbook" in report.problems[0].message


def test_it_names_a_dangling_reference_in_a_zip(client, reference):
    make_records(1)
    archive = zipfile.ZipFile(io.BytesIO(body(client.get("/data/register.zip"))))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as copy:
        for name in archive.namelist():
            content = archive.read(name)
            if name == "costs.csv":
                lines = content.decode().split("\r\n")
                cells = lines[1].split(",")
                cells[1] = "424242"
                lines[1] = ",".join(cells)
                content = "\r\n".join(lines).encode()
            copy.writestr(name, content)
    before = Cost.objects.count()
    report = importer.run(broken.getvalue(), "register.zip")
    assert problems(report) == [("costs.csv", 2, "deployment_id")]
    assert "No row with id 424242 in deployments.csv" in report.problems[0].message
    assert Cost.objects.count() == before


def test_it_replaces_a_records_rows_from_a_zip(client, reference):
    (deployment,) = make_records(1)
    data = body(client.get("/data/register.zip"))
    Citation.objects.create(
        deployment=deployment,
        source=Source.objects.create(title="Synthetic later source", publisher="Synthetic Gazette"),
        claim="status",
    )
    Cost.objects.create(deployment=deployment, source=reference[3], amount=1, covers="spend")
    report = importer.run(data, "register.zip")
    assert report.ok, problems(report)
    assert deployment.costs.count() == 2  # as in the file: the later cost is gone
    assert deployment.citations.count() == 1


def test_it_never_gives_a_new_row_an_id_the_file_already_used(client, reference):
    make_records(2)
    data = body(client.get("/data/register.zip"))
    for deployment in Deployment.objects.all():
        deployment.delete()
    make_records(2, start=50)  # takes the next cost ids
    taken = Cost.objects.order_by("id").first().pk
    free = Cost.objects.order_by("-id").first().pk + 1  # the id the sequence gives next
    archive = zipfile.ZipFile(io.BytesIO(data))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as copy:
        for name in archive.namelist():
            content = archive.read(name).decode()
            if name == "costs.csv":
                rows = list(csv.reader(io.StringIO(content, newline="")))
                rows[1][0], rows[2][0] = str(free), str(taken)
                out = StringIO(newline="")
                csv.writer(out, lineterminator="\r\n").writerows(rows)
                content = out.getvalue()
            copy.writestr(name, content)
    report = importer.run(changed.getvalue(), "register.zip")
    assert report.ok, problems(report)
    assert Cost.objects.filter(pk=free, deployment__slug="synthetic-deployment-1").exists()
    assert Deployment.objects.count() == 4


# The admin page ------------------------------------------------------------------------------


def test_it_keeps_the_import_page_to_staff_who_may_add_records(client):
    assert client.get("/admin/import/").status_code == 302  # to the admin login
    client.force_login(make_staff_user("synthetic-staff"))  # staff, but no permissions
    assert client.get("/admin/import/").status_code == 403
    client.force_login(make_staff_user("synthetic-researcher", group="researcher"))
    page = client.get("/admin/import/")
    assert page.status_code == 200
    assert "Publish the imported records" not in page.content.decode()


def test_it_previews_in_the_admin_then_writes_on_confirm(client, reference):
    client.force_login(make_staff_user("synthetic-researcher", group="researcher"))
    preview = upload(client, csv_file([row(1), row(2)]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "No problems found. Nothing has been written yet." in html
    assert "synthetic-deployment-2" in html
    assert Deployment.objects.count() == 0
    done = confirm(client, preview)
    assert done.status_code == 200
    assert "Imported: deployments: 2 created" in done.content.decode()
    assert 'href="/admin/deployments/deployment/?publication__exact=draft"' in done.content.decode()
    assert Deployment.objects.filter(publication="draft").count() == 2
    again = confirm(client, preview)  # used up
    assert again.status_code == 302 and again["Location"] == "/admin/import/"
    assert Deployment.objects.count() == 2


def test_it_shows_problems_by_row_and_column_and_offers_no_confirm(client, reference):
    client.force_login(make_staff_user("synthetic-editor", group="editor"))
    preview = upload(client, csv_file([row(1), row(2, technologies="Synthetic telepathy")]))
    html = preview.content.decode()
    assert "1 problem found: nothing was written." in html
    assert "<td>3</td><td>technologies</td><td>Unknown technology" in html
    assert "/confirm/" not in html
    assert Deployment.objects.count() == 0


def test_it_refuses_an_oversized_upload_before_reading_it(client, reference):
    client.force_login(make_staff_user("synthetic-editor", group="editor"))
    response = upload(client, b"x" * (50 * 1024 * 1024), "huge.csv")
    assert response.status_code == 413  # from its Content-Length (transparency/limits.py)
    assert "20 MB" in response.content.decode()
    assert Deployment.objects.count() == 0


def test_it_lets_a_researcher_import_but_not_publish(client, reference):
    client.force_login(make_staff_user("synthetic-researcher", group="researcher"))
    response = upload(client, csv_file([row(1)]), publish="on")
    assert "Only an editor may publish" in response.content.decode()
    assert not response.context["confirmable"]


def test_it_refuses_a_confirm_of_someone_elses_job(client, reference):
    client.force_login(make_staff_user("synthetic-editor", group="editor"))
    preview = upload(client, csv_file([row(1)]))
    client.force_login(make_staff_user("synthetic-other-editor", group="editor"))
    job = preview.context["job"]
    assert client.get(f"/admin/import/{job.pk}/").status_code == 404
    response = client.post(f"/admin/import/{job.pk}/confirm/")
    assert response.status_code == 404
    assert Deployment.objects.count() == 0


# The command ---------------------------------------------------------------------------------


def test_it_imports_from_the_command_line_with_progress_and_summary(reference, tmp_path):
    path = tmp_path / "new.csv"
    path.write_bytes(csv_file([row(n) for n in range(1, 9)]))
    out = StringIO()
    call_command("import_register", str(path), stdout=out)
    output = out.getvalue()
    assert "[##############################] 8/8" in output
    assert "deployments: 8 created" in output
    assert "New records are drafts" in output
    assert Deployment.objects.filter(publication="draft").count() == 8


def test_it_fails_on_the_command_line_naming_row_and_column(reference, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([row(1), row(2, start_date="2024-13")]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_register", str(path), stdout=StringIO(), stderr=err)
    assert "bad.csv, row 3, column start_date:" in err.getvalue()
    assert Deployment.objects.count() == 0


def test_it_checks_without_writing_on_a_dry_run(reference, tmp_path):
    path = tmp_path / "new.csv"
    path.write_bytes(csv_file([row(1)]))
    out = StringIO()
    call_command("import_register", str(path), "--dry-run", stdout=out)
    assert "nothing written" in out.getvalue()
    assert Deployment.objects.count() == 0


@pytest.mark.django_db
def test_it_links_the_import_page_from_the_admin_index_for_researchers_only(client):
    client.force_login(make_staff_user("synthetic-researcher", group="researcher"))
    assert 'href="/admin/import/"' in client.get("/admin/").content.decode()
    client.force_login(make_staff_user("synthetic-viewer"))
    assert 'href="/admin/import/"' not in client.get("/admin/").content.decode()


def test_it_refuses_a_slug_a_page_of_the_site_needs(reference):
    report = importer.run(csv_file([row(1, slug="timeline")]), "new.csv", commit=False)

    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(2, "slug")]
    assert "“timeline” is reserved" in report.problems[0].message


def test_it_never_makes_a_reserved_slug_from_a_title(reference):
    report = importer.run(csv_file([row(1, title="Map")]), "new.csv")

    assert report.ok, problems(report)
    assert Deployment.objects.get().slug == "map-2"


def test_the_preview_flags_a_record_citing_the_same_source_under_another_title(client, reference):
    from deployments.models import Citation
    from deployments.tests.factories import make_deployment, make_source

    existing = make_deployment(title="Synthetic camera trial", cited=False)
    source = make_source(url="https://example.org/synthetic-same-article")
    Citation.objects.create(deployment=existing, source=source)
    client.force_login(make_staff_user("synthetic-editor", group="editor"))

    again = row(1, title="Synthetic trial of cameras", sources=source.url)
    html = upload(client, csv_file([again, row(2)])).content.decode()

    assert "already has a record with a source it also cites" in html
    assert html.count("a source it also cites") == 1  # row 2 cites another article
    assert f'href="/admin/deployments/deployment/{existing.pk}/change/"' in html
    assert Deployment.objects.count() == 1


def test_the_preview_flags_a_record_that_already_exists_with_a_link(client, reference):
    from deployments.tests.factories import make_deployment

    existing = make_deployment(title="Synthetic Deployment 1", publication="published")
    client.force_login(make_staff_user("synthetic-editor", group="editor"))

    preview = upload(client, csv_file([row(1), row(2)]))

    html = preview.content.decode()
    assert "The register already has a record with the same title" in html
    assert f'href="/admin/deployments/deployment/{existing.pk}/change/"' in html
    assert html.count("already has a record with the same title") == 1  # row 2 is new
    assert "a source it also cites" not in html  # its source is another
    assert Deployment.objects.count() == 1  # nothing written before the confirmation
