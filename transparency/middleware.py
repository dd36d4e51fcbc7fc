"""A short answer instead of "Server Error (500)" while the database cannot be reached.

Every page and download reads the database, so when it is down (restarting, failing over, out
of connections) each request would fail with a bare 500. The register answers 503 with
Retry-After instead: browsers show a page saying to try again shortly, and data clients (the
downloads, the API, the feed) get the JSON error shape they already parse, and know when to
retry.
"""

import logging
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

# OperationalError: the server refuses or drops the connection, or is out of connections.
# InterfaceError: psycopg was handed a connection that had already closed under it.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# Downloads, the API and the feed: every data address ends in one of these (deployments/urls.py).
DATA_SUFFIXES = (".csv", ".json", ".geojson", ".zip", ".atom", ".bib", ".ris")
MESSAGE = "The register is temporarily unavailable. Please try again in a minute."

logger = logging.getLogger(__name__)


def unavailable(request) -> HttpResponse:
    """The 503 answer: JSON for a data address, else a page that needs nothing from the
    database (a standalone template, rendered without the request's context processors)."""
    if request.path.endswith(DATA_SUFFIXES):
        response = JsonResponse(
            {"errors": [{"message": MESSAGE}]},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
        # As on every data answer: a script on another site can read why it failed.
        response["Access-Control-Allow-Origin"] = "*"
    else:
        html = loader.render_to_string(
            "503.html", {"REGISTER_NAME": settings.REGISTER_NAME, "message": MESSAGE}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A CDN must not go on serving the outage once the database is back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 when a view (or the template it renders) cannot reach the database.

    handler500 alone would give the same answer, but only after Django logged the whole
    traceback: an outage hits every request, and one line each keeps the log readable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("Database unavailable, answered 503 for %s: %s", request.path, exception)
            return unavailable(request)
        return None


def server_error(request):
    """handler500: the same 503 when a middleware, not a view, failed to reach the database
    (a session saved after the view, say). process_exception only ever sees a view's errors;
    the rest reach this handler, still inside Django's except block."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable(request)
    return defaults.server_error(request)
