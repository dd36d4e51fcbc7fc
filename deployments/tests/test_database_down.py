"""While the database cannot be reached, every page and download answers 503 with Retry-After.

The outage is real: a fresh Python with production settings and a DATABASE_URL on port 1,
where nothing listens, so the test is the same on the SQLite and PostgreSQL runs.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db.utils import OperationalError
from django.test import RequestFactory

from transparency import middleware

PAGES = ["/", "/deployments/", "/deployments/synthetic-slug/", "/data/"]
DATA = [
    "/deployments.csv",
    "/deployments.json",
    "/deployments.geojson",
    "/deployments/synthetic-slug.json",
    "/data/register.zip",
    "/feeds/deployments.atom",
]

# Runs in the child process: each address through Django's test client, first with the
# project's middleware, then with one more that reads the signed-in user (and so the session
# table) before any view runs, as an auth or audit middleware does.
CLIENT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client


class ReadsTheUser:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.is_authenticated
        return self.get_response(request)


def answers(client, paths):
    out = {}
    for path in paths:
        r = client.get(path)
        body = b"".join(r.streaming_content) if r.streaming else r.content
        out[path] = [r.status_code, r.get("Retry-After"), r["Content-Type"], body.decode()]
    return out


paths = json.loads(sys.argv[1])
plain = answers(Client(raise_request_exception=False), paths)
print("--- with a middleware reading the user ---", file=sys.stderr, flush=True)
settings.MIDDLEWARE = [*settings.MIDDLEWARE, "__main__.ReadsTheUser"]
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "s" * 32
print(json.dumps({"plain": plain, "middleware": answers(client, ["/", "/deployments.csv"])}))
"""


@pytest.fixture(scope="module")
def down(tmp_path_factory):
    """{"plain" | "middleware": {path: [status, Retry-After, Content-Type, body]},
    "log": what the plain requests logged}."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "transparency.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-test-key-that-is-long-enough-and-random-enough-1234567890",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_PLAIN_STATIC": "1",
        "DJANGO_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
    }
    result = subprocess.run(
        [sys.executable, "-c", CLIENT, json.dumps(PAGES + DATA)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    return {**answers, "log": result.stderr.split("--- with a middleware")[0]}


@pytest.mark.parametrize("path", PAGES)
def test_it_answers_a_page_with_a_static_503_page(down, path):
    status, retry_after, content_type, body = down["plain"][path]
    assert (status, retry_after) == (503, "30")
    assert content_type.startswith("text/html")
    assert "Temporarily unavailable" in body
    assert "try again in a minute" in body
    assert "Server Error" not in body


@pytest.mark.parametrize("path", DATA)
def test_it_answers_a_data_address_with_a_json_503(down, path):
    status, retry_after, content_type, body = down["plain"][path]
    assert (status, retry_after, content_type) == (503, "30", "application/json")
    assert json.loads(body) == {"errors": [{"message": middleware.MESSAGE}]}


@pytest.mark.parametrize(("path", "kind"), [("/", "text/html"), ("/deployments.csv", "app")])
def test_it_answers_503_when_a_middleware_cannot_reach_the_database(down, path, kind):
    status, retry_after, content_type, _body = down["middleware"][path]
    assert (status, retry_after) == (503, "30")
    assert content_type.startswith("text/html" if kind == "text/html" else "application/json")


def test_it_logs_one_line_per_request_not_a_traceback(down):
    # An outage hits every request: a traceback for each would bury the one line that matters.
    assert "Traceback" not in down["log"]
    assert (
        "Database unavailable, answered 503 for /deployments.csv: connection failed"
        in (down["log"])
    )


def test_it_keeps_the_plain_500_for_any_other_error():
    request = RequestFactory().get("/")
    for error, status in [(OperationalError("gone"), 503), (ValueError("a bug"), 500)]:
        try:
            raise error
        except Exception:
            assert middleware.server_error(request).status_code == status
