from django import template
from django.utils.html import format_html, format_html_join

from deployments.core import querystrings

register = template.Library()


class _Notes:
    """The record page's notes so far: each mark links to its note, listed at the end of the
    mark's section, so the quote behind every claim is readable without JavaScript."""

    def __init__(self):
        self.count = 0
        self.pending: dict[tuple, dict] = {}  # the current section's notes, by what they say

    def add(self, mark) -> tuple[dict, bool]:
        key = (mark.number, mark.quote, mark.locator)
        if key in self.pending:
            return self.pending[key], False
        self.count += 1
        self.pending[key] = {"id": self.count, "mark": mark}
        return self.pending[key], True

    def take(self) -> list[dict]:
        notes, self.pending = list(self.pending.values()), {}
        return notes


def _notes(context) -> _Notes:
    # render_context lives for one rendering of the page, like the state of {% cycle %}.
    return context.render_context.setdefault("register_notes", _Notes())


@register.simple_tag(takes_context=True)
def cite(context, *marks):
    """Citation marks, [1][3], each linking to its note (records.Mark; lists of them too)."""
    flat = []
    for mark in marks:
        for m in mark if isinstance(mark, list | tuple) else [mark]:
            if m and m not in flat:
                flat.append(m)
    if not flat:
        return ""
    links = []
    for mark in flat:
        note, first = _notes(context).add(mark)
        links.append(
            format_html(
                '<a href="#note-{0}"{1} class="cite-mark" aria-label="source {2}">[{2}]</a>',
                note["id"],
                format_html(' id="mark-{}"', note["id"]) if first else "",
                mark.number,
            )
        )
    return format_html(
        '<sup class="cite">{}</sup>', format_html_join("", "{}", ((a,) for a in links))
    )


@register.inclusion_tag("deployments/includes/_notes.html", takes_context=True)
def footnotes(context):
    """The notes of the marks since the last {% footnotes %}: the end of a section."""
    return {"notes": _notes(context).take()}


@register.filter
def claim(cited, name):
    """The marks for one claim: {% cite cited|claim:'start' %}."""
    return cited.marks.get(name, [])


@register.filter
def money(amount):
    """12345.00 -> 12,345; 12.5 -> 12.50 (no false precision from the decimal column)."""
    if amount is None:
        return ""
    text = f"{amount:,.2f}"
    return text.removesuffix(".00")


@register.simple_tag(takes_context=True)
def qs_year(context, year):
    """Link that narrows the dates to one year."""
    return querystrings.replace(context["request"].GET, **{"from": year, "to": year})


@register.filter
def compact(amount):
    """6000000 -> 6m, 150000 -> 150k: for chart labels only, never for the record itself."""
    amount = float(amount or 0)
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if amount >= size:
            return f"{amount / size:.3g}{suffix}"
    return f"{amount:.0f}"
