"""GeoJSON geometry without GeoDjango: validation and the few sums the site needs.

Geometry is stored as a GeoJSON geometry object (RFC 7946: WGS84, [longitude, latitude]).
"""

import json
from collections.abc import Iterator

from django.core.exceptions import ValidationError

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
}


# A GeoJSON geometry nests five containers deep at most (a MultiPolygon: the object, its
# coordinates, polygons, rings, positions). A value far deeper is not a geometry, and
# serialising or parsing it recursively can overflow the stack, so it is refused first.
MAX_DEPTH = 10
# A detailed city boundary has a few thousand points; a coastline fits too. Every page and
# download that draws the location carries them all, hence a bound.
MAX_COORDINATES = 100_000
MAX_JSON_CHARS = 2_000_000
TOO_DEEP = (
    f"The geometry is nested more than {MAX_DEPTH} levels deep, so it is not GeoJSON (a "
    "MultiPolygon, the deepest, needs five). Draw it on the map, or paste a GeoJSON geometry."
)
TOO_MANY = (
    f"The geometry has more than {MAX_COORDINATES:,} coordinates ({MAX_COORDINATES // 2:,} "
    "points). Simplify the shape to fewer points."
)
TOO_LARGE = (
    f"The geometry is more than {MAX_JSON_CHARS:,} characters of GeoJSON. Simplify the shape "
    "to fewer points."
)


def check_size(geometry) -> None:
    """Raise ValidationError unless geometry is shallow and small enough to validate and store.

    A loop, not recursion: a value nested fifty thousand deep is refused at level eleven.
    """
    stack, coordinates = [(geometry, 1)], 0
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list | tuple):
            if depth > MAX_DEPTH:
                raise ValidationError(TOO_DEEP)
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
        elif isinstance(value, int | float):
            coordinates += 1
            if coordinates > MAX_COORDINATES:
                raise ValidationError(TOO_MANY)
    # Shallow by now, so serialising cannot recurse far; default=str only measures a value
    # JSONField itself will refuse.
    if len(json.dumps(geometry, default=str)) > MAX_JSON_CHARS:
        raise ValidationError(TOO_LARGE)


def _position(pos, where: str) -> tuple[float, float]:
    if not isinstance(pos, list | tuple) or len(pos) not in (2, 3):
        raise ValidationError(f"{where}: a position is [longitude, latitude].")
    lon, lat = pos[0], pos[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        raise ValidationError(f"{where}: longitude and latitude must be numbers.")
    if not -180 <= lon <= 180:
        raise ValidationError(
            f"{where}: longitude {lon} is outside -180..180 (GeoJSON is [longitude, latitude])."
        )
    if not -90 <= lat <= 90:
        raise ValidationError(
            f"{where}: latitude {lat} is outside -90..90 (GeoJSON is [longitude, latitude])."
        )
    return float(lon), float(lat)


def _positions(coords, depth: int, where: str) -> list[tuple[float, float]]:
    if depth == 0:
        return [_position(coords, where)]
    if not isinstance(coords, list) or not coords:
        raise ValidationError(f"{where}: coordinates are missing or empty.")
    out = []
    for item in coords:
        out.extend(_positions(item, depth - 1, where))
    return out


_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def validate(geometry) -> None:
    """Raise ValidationError with a plain message unless geometry is a valid GeoJSON geometry."""
    check_size(geometry)
    if not isinstance(geometry, dict):
        raise ValidationError("The geometry must be a GeoJSON object such as a Point or Polygon.")
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        allowed = ", ".join(sorted(GEOMETRY_TYPES))
        raise ValidationError(f"Geometry type “{kind}” is not supported; use one of {allowed}.")
    coords = geometry.get("coordinates")
    _positions(coords, _DEPTH[kind], kind)
    if kind == "LineString" and len(coords) < 2:
        raise ValidationError("A LineString needs at least two positions.")
    rings = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in rings:
        for ring in polygon:
            if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                raise ValidationError(
                    "Each polygon ring needs at least four positions and must end where it starts."
                )


def positions(geometry) -> Iterator[tuple[float, float]]:
    yield from _positions(geometry["coordinates"], _DEPTH[geometry["type"]], geometry["type"])


def bounds(geometry) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a valid geometry."""
    lons, lats = zip(*positions(geometry), strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def representative_point(geometry) -> tuple[float, float]:
    """A point to pin the geometry by (lon, lat): the point itself, else its bounding-box centre.

    Good enough to place a marker and to answer "is it in this map view"; never shown as the
    location's exact position for anything but a Point.
    """
    if geometry["type"] == "Point":
        lon, lat = _position(geometry["coordinates"], "Point")
        return lon, lat
    west, south, east, north = bounds(geometry)
    return round((west + east) / 2, 6), round((south + north) / 2, 6)
