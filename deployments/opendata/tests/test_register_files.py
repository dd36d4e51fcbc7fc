"""register.zip and the whole-register CSV as files the worker writes once per register state
(opendata/register_files.py), served with ranges; a request never writes them."""

import codecs
import io
import zipfile

import pytest
from django.http import QueryDict
from django.utils.http import http_date
from django_tasks_db.models import DBTaskResult

from deployments.core import filters, freshness
from deployments.models import Deployment
from deployments.opendata import export_rows, register_files
from deployments.tests.synthetic import body, make_records
from deployments.tests.worker import run_worker

# The worker is the only writer here, as in production (conftest.py _register_files).
pytestmark = [pytest.mark.django_db, pytest.mark.register_worker]

ZIP_URL = "/data/register.zip"
CSV_URL = "/deployments.csv"
BASE = "http://testserver/"


def first_build(client) -> None:
    """The first files: the CSV is kept per address asked (the records' links hold it), so
    it is asked once, answered 503 (no file yet), and the worker writes both."""
    assert client.get(CSV_URL).status_code == 503
    run_worker()


def streamed_csv() -> bytes:
    # What the export streams for the same register: the unfiltered queryset of the view.
    unfiltered = filters.filtered(QueryDict(""), also=("bom",), without=("page",)).qs
    return b"".join(export_rows.csv_chunks(unfiltered, BASE))


def zipped_titles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("deployments.csv").decode()


def refuse(*args, **kwargs):
    raise AssertionError("a request wrote a whole-register file")


@pytest.fixture
def no_building_here():
    """Any whole-register write fails the test until undo(): it would be a request's. A
    MonkeyPatch of its own, as undo() on the shared one would undo conftest's too."""
    patch = pytest.MonkeyPatch()
    patch.setattr(register_files, "_write_zip", refuse)
    patch.setattr(register_files, "_csv_writer", refuse)
    yield patch
    patch.undo()


def test_it_answers_503_with_retry_after_until_the_worker_wrote_the_first_file(
    client, no_building_here
):
    make_records(2)
    for url in (ZIP_URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 503
        assert response["Retry-After"] == str(register_files.RETRY_AFTER_SECONDS)
        assert "being prepared" in response.json()["errors"][0]["message"]
    assert "The first copy of the whole-register files is being built" in (
        client.get("/data/").content.decode()
    )
    no_building_here.undo()

    run_worker()
    zipped = client.get(ZIP_URL)
    assert zipped.status_code == 200
    assert zipped["X-Register-State"] == "current"
    assert "Synthetic deployment 2" in zipped_titles(body(zipped))
    assert "being built" not in client.get("/data/").content.decode()


def test_it_queues_one_build_for_many_changes_and_a_second_build_does_nothing():
    DBTaskResult.objects.all().delete()
    make_records(3)  # several commits, each moving the token
    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert DBTaskResult.objects.successful().count() == 1
    # Written for the current state: asked again, nothing is written.
    assert register_files.build_now() == []


def test_it_serves_the_previous_file_marked_with_its_date_while_a_newer_one_is_pending(
    client, no_building_here
):
    (record,) = make_records(1)
    no_building_here.undo()
    first_build(client)
    before = freshness.current()
    first = client.get(ZIP_URL)
    first_csv = body(client.get(CSV_URL))
    no_building_here.setattr(register_files, "_write_zip", refuse)
    no_building_here.setattr(register_files, "_csv_writer", refuse)

    record.title = "Synthetic renamed deployment"
    record.save()
    assert freshness.current().token != before.token
    stale = client.get(ZIP_URL)
    assert stale.status_code == 200
    assert stale["X-Register-State"] == "previous"
    assert stale["Last-Modified"] == http_date(before.changed.timestamp())
    assert stale["X-Register-State-Date"] == stale["Last-Modified"]
    assert stale["ETag"] == first["ETag"]
    assert body(stale) == body(first)
    assert body(client.get(CSV_URL)) == first_csv
    page = client.get("/data/").content.decode()
    assert "The download is of the register as it was at" in page
    assert "a newer copy is being built" in page

    no_building_here.undo()
    run_worker()
    fresh = client.get(ZIP_URL)
    assert fresh["X-Register-State"] == "current"
    assert fresh["ETag"] != first["ETag"]
    assert "Synthetic renamed deployment" in zipped_titles(body(fresh))
    assert b"Synthetic renamed deployment" in body(client.get(CSV_URL))
    # The older files went once the newer were complete.
    names = register_files.storage().listdir("")[1]
    assert sorted(names) == sorted(
        [
            register_files.file_name("register", freshness.current()),
            register_files.file_name("deployments", freshness.current(), BASE),
        ]
    )


@pytest.mark.parametrize("how", ["withdrawn", "draft", "deleted"])
def test_it_never_serves_an_earlier_file_holding_a_record_that_left_the_public(client, how):
    kept, leaving = make_records(2)
    first_build(client)
    assert b"synthetic-deployment-2" in body(client.get(CSV_URL))

    if how == "deleted":
        leaving.delete()
    else:
        leaving.publication = how
        leaving.withdrawal_reason = "Synthetic reason."
        leaving.save()
    for url in (ZIP_URL, CSV_URL):
        assert client.get(url).status_code == 503
    run_worker()
    assert b"synthetic-deployment-2" not in body(client.get(CSV_URL))
    assert "Synthetic deployment 2" not in zipped_titles(body(client.get(ZIP_URL)))


def test_no_file_holds_a_draft_a_record_in_review_or_a_withdrawn_record(client):
    make_records(1)
    make_records(1, start=900, publication="draft")
    make_records(1, start=901, publication="review")
    make_records(1, start=902, publication="withdrawn")
    first_build(client)
    csv_text = body(client.get(CSV_URL)).decode()
    zip_text = zipped_titles(body(client.get(ZIP_URL)))
    assert "synthetic-deployment-1," in csv_text
    for hidden in ("synthetic-deployment-90", "Synthetic deployment 90"):
        assert hidden not in csv_text
        assert hidden not in zip_text


def test_the_whole_register_csv_file_equals_the_streamed_export_byte_for_byte(client):
    make_records(4)
    first_build(client)
    served = client.get(CSV_URL)
    assert served["Content-Disposition"] == 'attachment; filename="deployments.csv"'
    assert served["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert body(served) == streamed_csv()
    # bom=1: the same file after the mark, its range counted with it.
    excel = client.get(CSV_URL + "?bom=1")
    assert body(excel) == codecs.BOM_UTF8 + streamed_csv()
    assert (
        body(client.get(CSV_URL + "?bom=1", HTTP_RANGE="bytes=0-5"))
        == (codecs.BOM_UTF8 + streamed_csv())[:6]
    )
    # A filter or an order is streamed as before.
    assert body(client.get(CSV_URL + "?sort=title")).count(b"\r\n") == 5


def test_it_serves_byte_ranges_and_refuses_one_it_cannot_satisfy(client):
    make_records(3)
    run_worker()
    whole = body(client.get(ZIP_URL))
    size = len(whole)
    assert client.get(ZIP_URL)["Accept-Ranges"] == "bytes"

    part = client.get(ZIP_URL, HTTP_RANGE="bytes=10-99")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-99/{size}"
    assert part["Content-Length"] == "90"
    assert body(part) == whole[10:100]
    assert part["Content-Disposition"] == 'attachment; filename="register.zip"'
    assert body(client.get(ZIP_URL, HTTP_RANGE="bytes=-20")) == whole[-20:]
    assert body(client.get(ZIP_URL, HTTP_RANGE=f"bytes={size - 5}-")) == whole[-5:]
    assert body(client.get(ZIP_URL, HTTP_RANGE="bytes=0-999999999")) == whole

    refused = client.get(ZIP_URL, HTTP_RANGE=f"bytes={size}-")
    assert refused.status_code == 416
    assert refused["Content-Range"] == f"bytes */{size}"
    # Several ranges, or an If-Range naming another copy: the whole file.
    assert client.get(ZIP_URL, HTTP_RANGE="bytes=0-1,5-6").status_code == 200
    other = client.get(ZIP_URL, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"another"')
    assert other.status_code == 200
    assert body(other) == whole
    etag = client.get(ZIP_URL)["ETag"]
    assert client.get(ZIP_URL, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE=etag).status_code == 206
    assert client.get(ZIP_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("url", [ZIP_URL, CSV_URL])
def test_a_download_reads_only_the_state_at_any_size(client, django_assert_num_queries, url):
    make_records(2)
    first_build(client)
    with django_assert_num_queries(1):
        small = body(client.get(url))
    make_records(20, start=3)
    run_worker()
    with django_assert_num_queries(1):
        assert len(body(client.get(url))) > len(small)


def test_a_file_read_while_the_state_moved_on_is_not_kept():
    make_records(1)
    original = register_files._write_zip

    def and_meanwhile_a_change(fileobj):
        original(fileobj)
        Deployment.objects.filter(slug="synthetic-deployment-1").update(title="Changed")
        freshness.touch()

    register_files._write_zip = and_meanwhile_a_change
    try:
        assert register_files.build_now() == []
    finally:
        register_files._write_zip = original
    # No file under its name, and no half-written one left behind.
    assert register_files.storage().listdir("")[1] == []
