"""Request bodies are bounded before they are read.

Django reads a body only when something asks for request.POST or request.FILES, and the first
to ask is CsrfViewMiddleware's process_view: by then a 300 MB upload would already be spooled
to the temporary directory. So the limits live in two places that run earlier or stream:

- BodyLimitMiddleware (its __call__ runs before any middleware's process_view) answers from
  the headers alone: a staff address asked with a body by someone who is not logged in as staff
  is sent to the login page, and a body declared larger than settings.MAX_UPLOAD_BYTES is
  refused with 413. The login form itself may be posted anonymously, with a small body.
- BoundedUploadHandler counts the bytes of each uploaded file as they stream in and stops the
  file at the limit itself (the declared length allows for the form around it), marking the
  request so the view can say why the file is missing.

The front web server should refuse such bodies even earlier; the README gives nginx's setting.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.urls import reverse

# Room for the multipart framing and the form's other fields around the file itself.
MULTIPART_OVERHEAD = 64 * 1024
# The admin's login form: a username, a password and a CSRF token.
LOGIN_BODY_MAX_BYTES = 16 * 1024
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def declared_length(request) -> int | None:
    """The body's Content-Length, or None when the client did not say (chunked)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def too_large(limit: int) -> HttpResponse:
    return HttpResponse(
        f"The request is larger than this site accepts ({limit / 1e6:g} MB). Nothing was read: "
        "go back and choose a smaller file.",
        status=413,
        content_type="text/plain; charset=utf-8",
    )


class BodyLimitMiddleware:
    """Refuses, from the headers alone, bodies nobody here should read (module docstring).
    Placed after AuthenticationMiddleware: request.user reads the session cookie, not the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            refused = self.refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refusal(self, request) -> HttpResponse | None:
        length = declared_length(request)
        limit = settings.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
        if length is not None and length > limit:
            return too_large(settings.MAX_UPLOAD_BYTES)
        admin = reverse("admin:index")
        if not request.path.startswith(admin):
            return None
        user = request.user
        if user.is_active and user.is_staff:
            return None
        login = reverse("admin:login")
        if request.path == login:
            if length is None or length > LOGIN_BODY_MAX_BYTES:
                return too_large(LOGIN_BODY_MAX_BYTES)
            return None
        # What the admin would answer after reading the body: log in first.
        return redirect_to_login(request.get_full_path(), login)


class BoundedUploadHandler(FileUploadHandler):
    """First of settings.FILE_UPLOAD_HANDLERS: counts each uploaded file's bytes as they stream
    past to the handlers that keep them (in memory or a temporary file), and abandons the file,
    its part of the body unread, once it passes settings.MAX_UPLOAD_BYTES."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data  # on to the next handler

    def file_complete(self, file_size):
        return None  # the next handler makes the file
