"""Query-string arithmetic for links that change one filter and keep the rest."""

from urllib.parse import urlencode

from django.http import QueryDict

# Changing what is shown makes the old page number meaningless.
RESETS_PAGE = "page"


def _pairs(params: QueryDict) -> list[tuple[str, str]]:
    # Blank as has_empty() and filters.filtered() read it: a value of spaces is "not set" too,
    # or the redirect to the clean address would keep it and redirect to itself.
    return [(k, v) for k, values in params.lists() for v in values if v.strip() != ""]


def encode(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else "?"


def without(params: QueryDict, name: str, value: str | None = None) -> str:
    """Remove one value of a parameter, or the whole parameter (a filter chip's link)."""
    pairs = [
        (k, v)
        for k, v in _pairs(params)
        if k != RESETS_PAGE and not (k == name and (value is None or v == value))
    ]
    return encode(pairs)


def without_all(params: QueryDict, names) -> str:
    """Remove these parameters entirely (the 400 page's way back)."""
    return encode([(k, v) for k, v in _pairs(params) if k != RESETS_PAGE and k not in names])


def replace(params: QueryDict, **values: str) -> str:
    """Set single-valued parameters (e.g. from and to for a year facet)."""
    pairs = [(k, v) for k, v in _pairs(params) if k != RESETS_PAGE and k not in values]
    pairs += [(k, v) for k, v in values.items() if v not in (None, "")]
    return encode(pairs)


def current(params: QueryDict, *, drop=(RESETS_PAGE,)) -> str:
    """The current filter as a query string (for export links and view tabs)."""
    return encode([(k, v) for k, v in _pairs(params) if k not in drop])


def has_empty(params: QueryDict) -> bool:
    """Whether any parameter is blank (a form field left empty)."""
    return any(v.strip() == "" for _, values in params.lists() for v in values)


def keep_only(params: QueryDict, *, drop) -> QueryDict:
    """The parameters without those named in `drop`, as a QueryDict (to filter again)."""
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        if name not in drop:
            kept.setlist(name, values)
    return kept
