"""How fresh the public register is, and what may be reused while it stays so.

Everything public is a function of the published data and the query, so one token that
changes whenever published data changes (RegisterState) is enough to key every cache: facet
counts and totals in Django's cache, and whole pages in browsers and CDNs through ETag and
Last-Modified. No entry is ever invalidated by hand; a change makes a new token and old
entries simply stop being asked for (and expire).
"""

import datetime as dt
import functools
import hashlib
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

# Cache entries outlive no change (the token moves on), so this only bounds memory and the
# lifetime of entries keyed by today's date.
CACHE_SECONDS = 60 * 60
# How long a shared cache (a CDN) may serve an anonymous page without asking again: a crowd
# sent by a news story is absorbed, and a correction reaches everyone within a minute.
SHARED_CACHE_SECONDS = 60
# The longest a request waits for another to compute a count it also needs, before computing
# it itself; far above any count's time, far below a worker's timeout.
COMPUTE_WAIT_SECONDS = 20
POLL_SECONDS = 0.05


def _code_version() -> str:
    """A digest of the code and templates that shape every answer: a deploy changes it, so
    neither a cached count (a pickle of the old code's objects) nor a browser's ETag from the
    old code is reused by the new one."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, pattern in [("deployments", "*.py"), ("transparency", "*.py"), ("templates", "*")]:
        for path in sorted((root / folder).rglob(pattern)):
            if path.is_file() and "tests" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


@dataclass(frozen=True)
class State:
    changed: dt.datetime | None
    token: str


# Before any change is recorded (a fresh database): a fixed token, so caching still works.
UNTOUCHED = State(None, "untouched")


def touch() -> None:
    """Record that something public changed now (inside the caller's transaction: a rollback
    takes the new token back with the data)."""
    from deployments.models import RegisterState

    RegisterState.objects.update_or_create(
        pk=1, defaults={"changed": timezone.now(), "token": uuid.uuid4().hex}
    )


def current() -> State:
    from deployments.models import RegisterState

    row = RegisterState.objects.filter(pk=1).values_list("changed", "token").first()
    return State(*row) if row else UNTOUCHED


def params_key(params, ignore=("page", "sort")) -> str:
    """A stable digest of query parameters, order-insensitive, without the ignored ones."""
    items = sorted(
        (name, sorted(params.getlist(name)))
        for name in params
        if name not in ignore and params.getlist(name)
    )
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def cache_key(name: str, key: str, state: State) -> str:
    """Where cached() keeps a value: the code, the register's state and today in the key."""
    return f"register:{CODE_VERSION}:{name}:{state.token}:{timezone.localdate().isoformat()}:{key}"


def cached(name: str, key: str, compute, state: State | None = None):
    """compute(), reused until the register changes (or the day does: "today" shapes the
    year facets and ongoing spans), or the code does.

    A crowd arriving after an edit finds no entry at once; one request computes it, under a
    lock taken with cache.add (atomic in every backend Django ships), and the rest wait for
    its result instead of each running the same counts.
    """
    full_key = cache_key(name, key, state or current())
    found = cache.get(full_key, _MISSING)
    if found is not _MISSING:
        return found
    lock = full_key + ":computing"
    if not cache.add(lock, 1, COMPUTE_WAIT_SECONDS):
        deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = cache.get(full_key, _MISSING)
            if found is not _MISSING:
                return found
        # The computing request died or is stuck: compute here rather than fail.
    try:
        value = compute()
        cache.set(full_key, value, CACHE_SECONDS)
    finally:
        cache.delete(lock)
    return value


_MISSING = object()


def _is_anonymous(request) -> bool:
    # Judged from the cookie alone: reading request.user would load the session and make
    # every response vary on it.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def request_state(request) -> State:
    """The register's state, read once per request (both validators need it)."""
    if not hasattr(request, "register_state"):
        request.register_state = current()
    return request.register_state


def etag(request, *parts: str) -> str:
    """An ETag for this answer: the register's state, the code, the address asked for (pages
    and files hold absolute links to its host) and whatever else shapes it."""
    key = "|".join(
        [CODE_VERSION, request_state(request).token, request.get_host(), request.get_full_path()]
        + list(parts)
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def last_modified(request, *args, **kwargs) -> dt.datetime | None:
    return request_state(request).changed


def conditional(view, *parts: str):
    """Django's `condition`: a 304 when the client's copy is current, ETag and Last-Modified
    on the answer. Errors keep no validators: the reader fixes the query and asks again."""
    validated = condition(
        etag_func=lambda request, *args, **kwargs: etag(request, *parts),
        last_modified_func=last_modified,
    )(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = validated(request, *args, **kwargs)
        if response.status_code not in (200, 304):
            for header in ("ETag", "Last-Modified"):
                if header in response:
                    del response[header]
        return response

    return wrapped


def public_page(view):
    """HTTP caching for a public page: validators from the register's state, so a browser or
    CDN asking again gets a 304 for the price of one query, and a short shared-cache lifetime
    for anonymous readers. Signed-in staff always get a fresh, private page."""
    validated = conditional(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        response = validated(request, *args, **kwargs)
        if response.status_code in (200, 304):
            # max-age=0: a browser revalidates each time (a cheap 304), so a reader who
            # reloads sees a correction at once.
            patch_cache_control(response, public=True, max_age=0, s_maxage=SHARED_CACHE_SECONDS)
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
