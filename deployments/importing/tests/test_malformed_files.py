"""Every malformed import file is a problem in the preview naming the file, never a 500.

Each file is made here: a valid zip, then its header fields overwritten where zipfile reads
them (the local file header and the central directory record of the one entry).
"""

import csv
import io
import struct
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from deployments.core import geo
from deployments.importing import importer
from deployments.importing.tests.uploads import upload
from deployments.models import Deployment, Location
from deployments.tests.factories import make_staff_user
from deployments.tests.synthetic import body, make_records

pytestmark = pytest.mark.django_db

ENTRY = "deployments.csv"
CSV = (
    "id,slug,title,summary\r\n" + "1,synthetic-1,Synthetic deployment,Made up.\r\n" * 40
).encode()
# Offsets of the fields in a local file header ("PK\3\4") and a central directory record
# ("PK\1\2"), from the zip specification (APPNOTE 4.3.7 and 4.3.12).
FLAGS = (6, 8)
METHOD = (8, 10)
CRC = (14, 16)
SIZES = (18, 20)  # compressed size, then the uncompressed size 4 bytes on
ENCRYPTED = 0x1
UTF8_NAME = 0x800


def valid_zip(method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr(ENTRY, CSV)
    return out.getvalue()


def patched(data: bytes, field: tuple[int, int], fmt: str, value: int) -> bytes:
    """data with one header field of its entry set to value, in both places it is recorded."""
    out = bytearray(data)
    local, central = out.find(b"PK\x03\x04"), out.find(b"PK\x01\x02")
    struct.pack_into(fmt, out, local + field[0], value)
    struct.pack_into(fmt, out, central + field[1], value)
    return bytes(out)


def stream_damaged(method, skip: int = 0) -> bytes:
    """A zip whose compressed bytes start with garbage, `skip` bytes into them."""
    out = bytearray(valid_zip(method))
    start = out.find(b"PK\x03\x04") + 30 + len(ENTRY) + skip
    out[start : start + 8] = b"\xff" * 8
    return bytes(out)


def declared_longer() -> bytes:
    """A stored entry whose sizes say a megabyte: zipfile runs out of bytes reading it."""
    data = patched(valid_zip(zipfile.ZIP_STORED), SIZES, "<I", 10**6)
    return patched(data, (SIZES[0] + 4, SIZES[1] + 4), "<I", 10**6)


def end_record(offset: int, value: int) -> bytes:
    """A zip with one field of its end of central directory record ("PK\\5\\6") set."""
    out = bytearray(valid_zip())
    struct.pack_into("<I", out, out.rfind(b"PK\x05\x06") + offset, value)
    return bytes(out)


def bad_crc() -> bytes:
    return patched(valid_zip(), CRC, "<I", 0xDEADBEEF)


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)


def only_problem(report):
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (bad_crc(), "do not match the checksum recorded in the zip"),
        (patched(valid_zip(), FLAGS, "<H", ENCRYPTED), "protected by a password"),
        (patched(valid_zip(), METHOD, "<H", 99), "compressed or encrypted in a way"),
        (stream_damaged(zipfile.ZIP_DEFLATED), "compressed data is damaged"),  # zlib.error
        (stream_damaged(zipfile.ZIP_BZIP2), "compressed data is damaged"),  # OSError
        # Past the version and size of the properties that zip puts before an LZMA stream.
        (stream_damaged(zipfile.ZIP_LZMA, skip=4), "compressed data is damaged"),  # LZMAError
        (declared_longer(), "compressed data is damaged or cut short"),  # EOFError
    ],
    ids=["bad CRC", "encrypted", "method 99", "deflate", "bzip2", "lzma", "cut short"],
)
def test_it_names_the_entry_it_cannot_unpack(data, says):
    problem = only_problem(importer.run(data, "register.zip", commit=False))
    assert (problem.file, problem.row, problem.column) == (ENTRY, None, None)
    assert problem.message.startswith("deployments.csv in register.zip cannot be unpacked: ")
    assert says in problem.message
    assert not Deployment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        # The central directory says the entry's name is UTF-8, and it is not.
        patched(valid_zip(), FLAGS, "<H", UTF8_NAME).replace(ENTRY.encode(), b"\xff" + b"x" * 14),
        valid_zip()[:-10],  # the end of the central directory is cut off
        end_record(12, 10**6),  # the central directory's size runs past the file's start
    ],
    ids=["name not UTF-8", "truncated", "directory too long"],
)
def test_it_says_a_zip_it_cannot_open_is_damaged(data):
    problem = only_problem(importer.run(data, "register.zip", commit=False))
    assert (problem.file, problem.row, problem.column) == ("register.zip", None, None)
    assert "This zip file is damaged" in problem.message


def test_it_names_a_geometry_nested_too_deep_for_the_parser_in_a_zip(client):
    make_records(1)
    original = zipfile.ZipFile(io.BytesIO(body(client.get("/data/register.zip"))))
    Deployment.objects.all().delete()  # the zip's records are new again
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as copy:
        for name in original.namelist():
            content = original.read(name).decode()
            if name == "locations.csv":
                rows = list(csv.reader(StringIO(content, newline="")))
                rows[1][rows[0].index("geometry")] = "[" * 50_000 + "]" * 50_000
                out = StringIO(newline="")
                csv.writer(out, lineterminator="\r\n").writerows(rows)
                content = out.getvalue()
            copy.writestr(name, content)
    report = importer.run(rebuilt.getvalue(), "register.zip", commit=False)
    assert [(p.file, p.row, p.column) for p in report.problems] == [
        ("locations.csv", 2, "geometry")
    ]
    assert report.problems[0].message == geo.TOO_DEEP
    assert not Location.objects.exists()


def test_it_shows_a_damaged_zip_in_the_admin_preview(client):
    client.force_login(make_staff_user("synthetic-editor", group="editor"))
    response = upload(client, bad_crc(), "register.zip")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 problem found: nothing was written." in page
    assert "<td>deployments.csv</td>" in page
    assert "deployments.csv in register.zip cannot be unpacked" in page
    assert "/confirm/" not in page


def test_it_names_the_entry_on_the_command_line(tmp_path):
    path = tmp_path / "register.zip"
    path.write_bytes(patched(valid_zip(), METHOD, "<H", 99))
    errors = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_register", str(path), stdout=StringIO(), stderr=errors)
    assert "deployments.csv in register.zip cannot be unpacked" in errors.getvalue()
