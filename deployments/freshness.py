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
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

# Cache entries outlive no change (the token moves on), so this only bounds memory and the
# lifetime of entries keyed by today's date.
CACHE_SECONDS = 60 * 60
# How long a shared cache (a CDN) may serve an anonymous page without asking again: a crowd
# sent by a news story is absorbed, and a correction reaches everyone within a minute.
SHARED_CACHE_SECONDS = 60


@dataclass(frozen=True)
class State:
    changed: dt.datetime | None
    token: str


# Before any change is recorded (a fresh database): a fixed token, so caching still works.
UNTOUCHED = State(None, "untouched")


def touch() -> None:
    """Record that something public changed now (inside the caller's transaction: a rollback
    takes the new token back with the data)."""
    from .models import RegisterState

    RegisterState.objects.update_or_create(
        pk=1, defaults={"changed": timezone.now(), "token": uuid.uuid4().hex}
    )


def current() -> State:
    from .models import RegisterState

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


def cached(name: str, key: str, compute, state: State | None = None):
    """compute(), reused until the register changes (or the day does: "today" shapes the
    year facets and ongoing spans)."""
    state = state or current()
    full_key = f"register:{name}:{state.token}:{timezone.localdate().isoformat()}:{key}"
    return cache.get_or_set(full_key, compute, CACHE_SECONDS)


def _is_anonymous(request) -> bool:
    # Judged from the cookie alone: reading request.user would load the session and make
    # every response vary on it.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def public_page(view):
    """HTTP caching for a public page: validators from the register's state, so a browser or
    CDN asking again gets a 304 for the price of one query, and a short shared-cache lifetime
    for anonymous readers. Signed-in staff always get a fresh, private page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        state = current()
        key = "|".join([state.token, request.get_host(), request.get_full_path()])
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
        stamp = int(state.changed.timestamp()) if state.changed else None
        response = get_conditional_response(request, etag=etag, last_modified=stamp)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                # Errors are not cached: the reader fixes the query and asks again.
                return response
        response["ETag"] = etag
        if stamp is not None:
            response["Last-Modified"] = http_date(stamp)
        # max-age=0: a browser revalidates each time (a cheap 304), so a reader who reloads
        # sees a correction at once.
        patch_cache_control(response, public=True, max_age=0, s_maxage=SHARED_CACHE_SECONDS)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
