from django import template
from django.utils.html import format_html, format_html_join

from deployments.core import querystrings

register = template.Library()


@register.simple_tag
def cite(*numbers):
    """Citation marks linking to the sources list: [1][3]. Accepts numbers or lists of them."""
    flat = []
    for number in numbers:
        for n in number if isinstance(number, list | tuple) else [number]:
            if n and n not in flat:
                flat.append(n)
    if not flat:
        return ""
    marks = format_html_join(
        "",
        '<a href="#source-{0}" aria-label="source {0}">[{0}]</a>',
        ((n,) for n in flat),
    )
    return format_html('<sup class="cite">{}</sup>', marks)


@register.filter
def claim(cited, name):
    """The citation numbers for one claim: {% cite cited|claim:'start' %}."""
    return cited.claims.get(name, [])


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
