"""Request bodies nobody should read are refused from their headers, before a byte is read
(transparency/limits.py): an anonymous upload to the admin, a body over the size limit, an
oversized login form. An upload within the declared limit that runs over it is stopped as it
streams, and each uploader keeps one preview file at most."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from deployments.tests.factories import make_groups, make_staff_user

pytestmark = pytest.mark.django_db
MB = 1_000_000


class UnreadBody(io.RawIOBase):
    """A request body that records whether anything read it."""

    def __init__(self):
        self.read_from = False

    def readable(self):
        return True

    def readinto(self, buffer):
        self.read_from = True
        buffer[:1] = b"x"
        return 1


def post_unread(client, path: str, length: int, **headers):
    body = UnreadBody()
    response = client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=synthetic",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
        **headers,
    )
    return response, body


@pytest.fixture
def researcher(client):
    make_groups()
    client.force_login(make_staff_user("synthetic-researcher", group="researcher"))


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    return tmp_path


def test_an_anonymous_upload_to_the_admin_is_sent_to_log_in_unread(client):
    # 300 MB declared, with a forged CSRF cookie: nothing of it is read or spooled.
    client.cookies["csrftoken"] = "a" * 32
    response, body = post_unread(client, "/admin/import/", 300 * MB)
    assert response.status_code == 413
    assert not body.read_from
    # Within the size limit, it is the admin's own answer: log in first, still unread.
    response, body = post_unread(client, "/admin/import/", MB)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/import/")
    assert not body.read_from


def test_staff_may_post_but_not_beyond_the_limit(client, researcher):
    response, body = post_unread(client, "/admin/import/", 21 * MB)
    assert response.status_code == 413
    assert "20 MB" in response.content.decode()
    assert not body.read_from


def test_a_public_address_refuses_a_body_over_the_limit_unread(client):
    response, body = post_unread(client, "/deployments/", 21 * MB)
    assert response.status_code == 413
    assert not body.read_from


def test_the_login_form_may_be_posted_anonymously_but_only_small(client):
    make_staff_user("synthetic-editor")
    response = client.post(
        "/admin/login/", {"username": "synthetic-editor", "password": "synthetic-password"}
    )
    assert response.status_code == 302  # logged in
    client.logout()
    response, body = post_unread(client, "/admin/login/", 100_000)
    assert response.status_code == 413
    assert not body.read_from


@override_settings(MAX_UPLOAD_BYTES=1_000)
def test_an_upload_that_runs_over_the_limit_is_stopped_with_a_message(
    client, researcher, upload_dir
):
    big = SimpleUploadedFile("synthetic.csv", b"title,summary\r\n" + b"x" * 5_000)
    response = client.post("/admin/import/", {"file": big})
    assert response.status_code == 200
    assert "The file is larger than the limit of 0.001 MB" in response.content.decode()
    assert list(upload_dir.iterdir()) == []
