"""Which country outlines the explore map draws for a location that is an area.

The map's base layer is Natural Earth's countries as world-atlas ships them
(static/vendor/world-atlas-2.0.2/countries-110m.json), which names each country by its ISO 3166-1
numeric code; the register stores alpha-2 codes, so the map's data carries the numeric ones
(`areas`) and map.js needs no table of codes.

- A national location is drawn as its country; one across several countries as each of them.
- A city, approximate or exact location with no geometry, only a country, is drawn as that
  country: the area it could be anywhere in, marked `wider` (drawn wider than the place).
- A location across several countries that names none of them and has no geometry (the seed's
  "Throughout Europe") is drawn as the region its name names, when it is one of REGIONS, and
  marked `wider` too. The name is read as the database reads it (icontains, placed()), so the
  table without JavaScript and the map agree on what is drawn.
"""

from django.db.models import Q
from django_countries import countries as all_countries

from deployments.models import Location

# Europe as the UN Statistics Division's M49 standard defines it (region 150), as alpha-2
# codes: a published list, so "Europe" is never the register's own guess at its edges. Whole
# countries, so all of the Russian Federation is outlined; REGION_VIEWS keeps the map's view
# on Europe itself. Countries too small for the 1:110m outlines (Andorra, Monaco...) are simply
# not drawn.
EUROPE = (
    # Eastern Europe
    "BG BY CZ HU MD PL RO RU SK UA "
    # Northern Europe
    "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ "
    # Southern Europe
    "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA "
    # Western Europe
    "AT BE CH DE FR LI LU MC NL"
).split()

# A word of a location's name (lower case) -> (the region's name, its countries).
REGIONS = {"europe": ("Europe", EUROPE)}

# The view that shows a region, [west, south, east, north]: Europe up to the Urals, rather
# than the bounds of its outlines, which reach the Pacific with Russia.
REGION_VIEWS = {"Europe": [-25.0, 34.0, 60.0, 72.0]}


def placed() -> Q:
    """Locations the map can draw: a point, a country, several countries or a named region."""
    condition = Q(latitude__isnull=False) | ~Q(country="") | ~Q(countries="")
    for word in REGIONS:
        condition |= Q(precision=Location.Precision.MULTI_COUNTRY, name__icontains=word)
    return condition


def _codes(countries) -> list[str]:
    # values_list() gives CountryField(multiple=True) as its stored text, "DE,FR".
    if isinstance(countries, str):
        return [code for code in countries.split(",") if code]
    return [getattr(code, "code", code) for code in countries or ()]


def _numeric(codes: list[str]) -> list[str]:
    numbers = (all_countries.numeric(code, padded=True) for code in codes)
    return [number for number in numbers if number]


def areas(
    precision: str, country: str, countries, name: str, has_point: bool
) -> tuple[list[str], bool, str]:
    """(world-atlas ids to draw, drawn wider than the place?, the region's name or "")."""
    country = getattr(country, "code", country) or ""
    if precision == Location.Precision.NATIONAL:
        return _numeric([country] if country else []), False, ""
    if precision == Location.Precision.MULTI_COUNTRY:
        codes = _codes(countries) or ([country] if country else [])
        if codes:
            return _numeric(codes), False, ""
        if not has_point:
            lowered = (name or "").lower()
            for word, (region, members) in REGIONS.items():
                if word in lowered:
                    return _numeric(members), True, region
        return [], False, ""
    if not has_point and country:
        return _numeric([country]), True, ""
    return [], False, ""


def drawn_as(precision: str, country: str, countries, name: str, has_point: bool) -> str:
    """How the map draws a location, in words, for the table without JavaScript."""
    ids, wider, region = areas(precision, country, countries, name, has_point)
    if not ids:
        return ""
    if region:
        return f"Somewhere in {region} (imprecise: no country is named)"
    names = ", ".join(all_countries.name(all_countries.alpha2(number)) for number in ids)
    if wider:
        return f"Somewhere in {names} (imprecise: no area is recorded)"
    return names
