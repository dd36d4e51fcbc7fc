"""What the explore map draws, kept small whatever the size of the register (issue 5).

The full GeoJSON export (geojson.geojson_lines) carries every property of every location: right
for GIS tools, far too heavy for a browser at a million records. The map reads
/deployments/map.geojson instead (api.map_geojson), for the same filter:

- up to INDIVIDUAL_LIMIT locations: every location, as a Point with only what a mark needs:
  the record's slug (its popup fetches the rest from /deployments/<slug>.json), the precision,
  the place's name for area-wide ones, and the record's title while there are few enough
  (TITLE_LIMIT) for it not to matter. A location drawn as country outlines (outlines.py) also
  carries their ids, and has no geometry when it has no point;
- past it: counts on a grid, GROUP BY cell in SQL, so the answer is bounded by the number of
  cells on screen, never by the number of records. Area-wide locations (national, several
  countries) are counted in groups of their own, per precision and country, so they are drawn
  as areas and never merged into a cluster of sites.

`zoom` picks the grid's cell size; `view` (minlon,minlat,maxlon,maxlat) narrows the answer to
what is on screen, without changing which records the filter selects.

The no-JavaScript table is bounded here too (table_rows), and so are the mini maps
(MINI_MAP_RECORDS, minimap.first_features).
"""

import hashlib
import json
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Floor
from django_countries import countries

from deployments.core import filters, freshness
from deployments.explore import outlines
from deployments.models import Location
from deployments.opendata import exports

# Past this many locations the server counts them on a grid instead of sending each one. At
# about 30 bytes per location after gzip this caps the answer near 1 MB, and it is about as
# many markers as Leaflet.markercluster clusters in the browser in a second or two.
INDIVIDUAL_LIMIT = 25_000

# Up to this many locations each one also carries its record's title, so marks have their full
# accessible names and popups open complete at once. Past it a title would be about half the
# bytes of a feature (real titles compress far less than coordinates), so popups fetch it.
TITLE_LIMIT = 2_000

# Leaflet's zoom levels: 0 shows the world in one 256-pixel tile.
MAX_ZOOM = 20
# A grid cell is this many screen pixels wide at the zoom asked for: a cluster's size.
CELL_PIXELS = 64

AREA_WIDE = (Location.Precision.NATIONAL, Location.Precision.MULTI_COUNTRY)
PRECISION_LABELS = dict(Location.Precision.choices)

# Rows of the no-JavaScript table of locations on the map page, and records on a mini map.
TABLE_LIMIT = 500
MINI_MAP_RECORDS = 200

# Locations fetched and written together: one chunk of the streamed answer.
BATCH_SIZE = 2000


# Parameters ----------------------------------------------------------------------------------


class MapForm(forms.Form):
    """The map's own parameters; the filter's are the FilterSet's (filters.py)."""

    zoom = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ZOOM,
        error_messages={
            "invalid": f"The zoom must be a whole number from 0 to {MAX_ZOOM}, e.g. zoom=5.",
            "min_value": f"The zoom must be a whole number from 0 to {MAX_ZOOM}, e.g. zoom=5.",
            "max_value": f"The zoom must be a whole number from 0 to {MAX_ZOOM}, e.g. zoom=5.",
        },
    )
    view = filters.BBoxField(required=False)

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if len(self.data.getlist(name)) > 1:
                self.add_error(name, f"Give {name} once: it takes a single value.")
        return data


def map_params(params) -> tuple[dict, list[tuple[str, str]]]:
    """({"zoom", "view"}, []) for valid map parameters, else ({}, [(parameter, message)])."""
    form = MapForm(params)
    if form.is_valid():
        return form.cleaned_data, []
    return {}, [(name, message) for name, messages in form.errors.items() for message in messages]


def default_zoom() -> int:
    """The zoom of a request that gives none: the map's first view (map.js sends its own)."""
    return settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM", 2)


def cell_size(zoom: int) -> float:
    """Degrees of longitude (and latitude) per grid cell at this zoom.

    A 256-pixel tile spans 360 / 2**zoom degrees, so a cell of CELL_PIXELS pixels spans this.
    Cells are square in degrees, so they look taller towards the poles: harmless for counts.
    """
    return 360 / 2**zoom * CELL_PIXELS / 256


# Locations -----------------------------------------------------------------------------------


def located(deployments, view: tuple | None = None):
    """The drawable locations of these deployments, optionally only those inside `view`.

    Drawable: a point, or a country or region to draw (outlines.placed). One with no point is
    drawn as its outlines whatever the view, as the view cannot tell whether they are on screen.
    """
    locations = Location.objects.filter(outlines.placed(), deployment__in=deployments.values("pk"))
    if view:
        west, south, east, north = view
        inside = Q(latitude__gte=south, latitude__lte=north)
        if west <= east:
            inside &= Q(longitude__gte=west, longitude__lte=east)
        else:  # the view crosses the antimeridian (as filters.BBoxField reads it)
            inside &= Q(longitude__gte=west) | Q(longitude__lte=east)
        locations = locations.filter(inside | Q(latitude__isnull=True))
    return locations


def _coordinate(value: float) -> float:
    # 5 decimals is 1.1 m or less on the ground: finer than any source's description of a
    # site (a street, a building) and than the stored point of a looser precision, which is
    # the centre of an area. At the map's closest zoom a pixel is about half a metre, so a
    # mark moves by two pixels at most. The full export keeps every digit.
    return round(value, 5)


def location_rows(locations, limit: int) -> list[tuple]:
    """Up to `limit` locations as plain rows, in id order (one query, no model instances)."""
    return list(
        locations.order_by("id").values_list(
            "id",
            "longitude",
            "latitude",
            "precision",
            "name",
            "deployment__slug",
            "deployment__title",
            "country",
            "countries",
        )[:limit]
    )


# One Feature, written as text: twice as fast as a dict and json.dumps for each of 25,000
# features. Strings go through json's own escaping (_text); numbers are ints and floats.
FEATURE = '{"type":"Feature","id":%d,"geometry":%s,"properties":{%s}}'
POINT = '{"type":"Point","coordinates":[%r,%r]}'
_text = json.encoder.encode_basestring  # a str as a JSON string, non-ASCII kept as is


def outline_fields(
    precision: str, country, countries, name: str, has_point: bool
) -> tuple[dict, list | None]:
    """(extra properties, bbox) that make map.js draw a location as country outlines.

    The properties are "areas" (world-atlas ids), "wider" (drawn wider than the place) and
    "region" (a region's name); the bbox is the view that shows a region, else None. ({}, None)
    for a location drawn by its own geometry alone. The explore map's data (individual_lines)
    and the mini maps (minimap.py) both read this, so the two draw a place alike.
    """
    ids, wider, region = outlines.areas(precision, country, countries, name, has_point)
    if not ids:
        return {}, None
    fields: dict = {"areas": ids}
    if wider:
        fields["wider"] = True
    if region:
        fields["region"] = region
    return fields, outlines.REGION_VIEWS.get(region)


def area_properties(fields: dict) -> str:
    """outline_fields' properties as the text of extra properties of a Feature."""
    return "".join(f",{_text(key)}:{_dumps(value)}" for key, value in fields.items())


def individual_lines(rows: list[tuple], *, titles: bool) -> Iterator[str]:
    """Each location as a compact Feature, BATCH_SIZE of them per chunk of text.

    A location drawn as outlines carries their ids ("areas") and its name; one with no point
    has no geometry (RFC 7946 allows null), and one drawn as a region has the view that shows
    it as its "bbox".
    """
    for batch in exports.batched(rows, BATCH_SIZE):
        lines = []
        for pk, lon, lat, precision, name, slug, title, country, several in batch:
            properties = f'"slug":{_text(slug)},"precision":{_text(precision)}'
            if titles:
                properties += f',"title":{_text(title)}'
            fields, bbox = outline_fields(precision, country, several, name, lon is not None)
            if precision in AREA_WIDE or fields:
                # An area is drawn with its name; a site's name is on the record page.
                properties += f',"location":{_text(name)}'
            properties += area_properties(fields)
            geometry = "null" if lon is None else POINT % (_coordinate(lon), _coordinate(lat))
            line = FEATURE % (pk, geometry, properties)
            if bbox:
                line = line[:-1] + f',"bbox":{_dumps(bbox)}}}'
            lines.append(line)
        yield ",\n".join(lines)


def grid_features(locations, zoom: int) -> list[dict]:
    """Counts of locations per grid cell at this zoom, one query whatever their number.

    Sites (exact, approximate, city) are counted per cell. Area-wide locations are grouped per
    precision and country as well as per cell, so a national database is never a "2" with a
    camera next to it. Each Feature is placed at the mean position of what it counts, so a
    cell holding one town shows at the town, not at the cell's corner.

    The query reads every matching location, so it takes seconds at a million: its answer
    (a few kilobytes) is kept until the register changes (freshness.cached), and the first
    view of the map, the same for every reader, is computed once.
    """
    return _kept("map-grid", locations, str(zoom), lambda: _grid_features(locations, zoom))


def _kept(name: str, queryset, extra: str, compute):
    """compute(), kept until the register changes (freshness.cached), for this question.

    The queryset's SQL names the filter, the view and the published set: with `extra`, it is
    the question, whichever parameters (and in whichever order) asked it.
    """
    try:
        question = f"{queryset.query}|{extra}"
    except EmptyResultSet:  # a filter that can match nothing: nothing worth keeping
        return compute()
    key = hashlib.sha256(question.encode()).hexdigest()
    return freshness.cached(name, key, compute)


def _grid_features(locations, zoom: int) -> list[dict]:
    cell = cell_size(zoom)
    # A location with no point is drawn as its country's outline: grouped like an area.
    area = Q(precision__in=AREA_WIDE) | Q(latitude__isnull=True)
    # Only area-wide locations are labelled: naming no site keeps MIN/MAX cheap.
    area_name = Case(When(area, then=F("name")), default=None, output_field=CharField())
    rows = (
        locations.annotate(
            area_precision=Case(When(area, then=F("precision")), default=Value("")),
            area_country=Case(
                When(area, then=F("country")), default=Value(""), output_field=CharField()
            ),
            # Shifted to be positive, so FLOOR and the cell numbers are the same everywhere.
            column=Floor((F("longitude") + 180.0) / cell),
            row=Floor((F("latitude") + 90.0) / cell),
        )
        .values("area_precision", "area_country", "column", "row")
        .annotate(
            count=Count("id"),
            lon=Avg("longitude"),
            lat=Avg("latitude"),
            first_name=Min(area_name),
            last_name=Max(area_name),
        )
        .order_by()
    )
    features = []
    for row in rows:
        if row["column"] is None:  # no point: drawn as its country, or not at all
            features.extend(_outline_group(row))
            continue
        west = int(row["column"]) * cell - 180
        south = int(row["row"]) * cell - 90
        properties = {"count": row["count"]}
        if row["area_precision"]:
            properties["precision"] = row["area_precision"]
            properties["country"] = row["area_country"] or None
            properties["location"] = _area_label(row)
            ids, _wider, _region = outlines.areas(
                row["area_precision"], row["area_country"], "", "", True
            )
            if ids:
                properties["areas"] = ids
        features.append(
            {
                "type": "Feature",
                # The cell itself: a click on the cluster zooms to it.
                "bbox": [
                    _coordinate(west),
                    _coordinate(south),
                    _coordinate(min(west + cell, 180)),
                    _coordinate(min(south + cell, 90)),
                ],
                "geometry": {
                    "type": "Point",
                    "coordinates": [_coordinate(row["lon"]), _coordinate(row["lat"])],
                },
                "properties": properties,
            }
        )
    # Largest first: the order a screen reader meets them in, and a stable answer.
    features.sort(key=lambda f: (-f["properties"]["count"], f.get("bbox", []), _area_key(f)))
    return features


def _area_key(feature: dict) -> tuple:
    properties = feature["properties"]
    return properties.get("precision", ""), properties.get("country") or ""


def _outline_group(row: dict) -> list[dict]:
    """A group of locations with no point, as one Feature with no geometry drawn as its
    country's outline; [] for those of several countries, which a grid cannot group by name
    (the table lists them)."""
    ids, wider, _region = outlines.areas(row["area_precision"], row["area_country"], "", "", False)
    if not ids:
        return []
    properties = {
        "count": row["count"],
        "precision": row["area_precision"],
        "country": row["area_country"] or None,
        "location": _area_label(row),
        "areas": ids,
    }
    if wider:
        properties["wider"] = True
    return [{"type": "Feature", "geometry": None, "properties": properties}]


def _area_label(row: dict) -> str:
    """The name a group of area-wide locations is drawn with."""
    if row["first_name"] == row["last_name"]:
        return row["first_name"]
    if row["area_country"]:
        return countries.name(row["area_country"]) or row["area_country"]
    return PRECISION_LABELS[row["area_precision"]]


def map_lines(deployments, params: dict) -> Iterator[bytes]:
    """The map's FeatureCollection for a filtered queryset, streamed (at most two queries).

    Foreign members (RFC 7946, section 6.1) tell the map what it got: "mode" ("locations":
    each location; "grid": counts per cell), "total" (the locations counted) and, on a grid,
    "zoom" and "cell" (degrees).
    """
    locations = located(deployments, params.get("view"))
    zoom = params.get("zoom")
    if zoom is None:
        zoom = default_zoom()
    # Reading one row past the threshold tells which answer this is, with no COUNT first:
    # below it (the common case) that one query is the answer. Past it the rows are wasted,
    # and at a million records that probe alone takes a second, so which answer a question
    # gets is kept until the register changes: a kept grid is then served with no query.
    rows = None

    def probe() -> str:
        nonlocal rows
        rows = location_rows(locations, INDIVIDUAL_LIMIT + 1)
        return "grid" if len(rows) > INDIVIDUAL_LIMIT else "locations"

    mode = _kept("map-mode", locations, str(INDIVIDUAL_LIMIT), probe)
    if mode == "locations" and rows is None:  # the mode was kept, not the rows
        rows = location_rows(locations, INDIVIDUAL_LIMIT + 1)
    if mode == "locations":
        head = {"type": "FeatureCollection", "mode": "locations", "total": len(rows)}
        chunks = individual_lines(rows, titles=len(rows) <= TITLE_LIMIT)
    else:
        features = grid_features(locations, zoom)
        head = {
            "type": "FeatureCollection",
            "mode": "grid",
            "total": sum(feature["properties"]["count"] for feature in features),
            "zoom": zoom,
            "cell": cell_size(zoom),
        }
        chunks = [",\n".join(_dumps(feature) for feature in features)]
    yield _dumps(head)[:-1].encode() + b',"features":[\n'
    separator = ""
    for chunk in chunks:
        if chunk:
            yield (separator + chunk).encode()
            separator = ",\n"
    yield b"\n]}\n"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The map page without JavaScript, and the mini maps -----------------------------------------


def has_place():
    return Exists(Location.objects.filter(outlines.placed(), deployment=OuterRef("pk")))


def located_counts(deployments) -> dict:
    """{"records": located records, "locations": their locations}, in one query.

    It reads every matching location (seconds at a million), so it is kept like the facets.
    """
    locations = located(deployments)
    return _kept(
        "map-located",
        locations,
        "",
        lambda: locations.aggregate(
            records=Count("deployment", distinct=True), locations=Count("id")
        ),
    )


def table_rows(deployments) -> list[dict]:
    """The first TABLE_LIMIT locations in the list's order (records in order, then by id).

    Two queries: the first located records in the filter's order, then their locations.
    """
    limit = TABLE_LIMIT
    ids = list(deployments.filter(has_place()).values_list("pk", flat=True)[:limit])
    rows = (
        Location.objects.filter(outlines.placed(), deployment_id__in=ids)
        .order_by("id")
        .values(
            "id",
            "name",
            "precision",
            "country",
            "countries",
            "latitude",
            "deployment_id",
            "deployment__slug",
            "deployment__title",
        )
    )
    by_record: dict[int, list[dict]] = {}
    for row in rows:
        row["drawn_as"] = outlines.drawn_as(
            row["precision"],
            row["country"],
            row["countries"],
            row["name"],
            row["latitude"] is not None,
        )
        by_record.setdefault(row["deployment_id"], []).append(row)
    ordered = [row for pk in ids for row in by_record.get(pk, [])]
    return ordered[:limit]
