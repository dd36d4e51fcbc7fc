"""How django-axes tells one person trying passwords from another, and what it tells them."""

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The address the request came from, as the last trusted proxy saw it.

    Each proxy appends the address it received from to X-Forwarded-For, so with N proxies in
    front (DJANGO_TRUSTED_PROXIES) the client is the N-th entry from the right; anything
    further left was written by the client and could be anything. A header shorter than that
    did not pass through every proxy, and the connection's own address is the one left that
    nobody outside can choose.
    """
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout(request, original_response=None, credentials=None):
    """The admin login's answer once a username is locked out from an address."""
    context = {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "axes/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
