"""What a mini map (the small map of a record, organisation, technology, country or the home
page; templates/deployments/includes/_mini_map.html) gets to draw.

The same rule as the explore map: a location is drawn by its own geometry when it has one, and
as country outlines when mapdata.outline_fields says so (a national location as its country,
several countries as each of them, a place known only by its country as that country, marked
`wider`, and "throughout Europe" as Europe). map.js's draw() reads both maps' features alike.
A mini map's features carry every property of the GeoJSON export (geojson.geojson_feature),
as the page embeds them and has no popup to fetch.
"""

from deployments.explore import mapdata
from deployments.explore.outlines import placed
from deployments.models import Location
from deployments.opendata.geojson import geojson_feature, technology_names

ROW_FIELDS = (
    "id",
    "geometry",
    "precision",
    "name",
    "country",
    "countries",
    "deployment_id",
    "deployment__slug",
    "deployment__title",
    "deployment__status",
)

# The entries of the map's key (includes/_map_legend.html), in its order.
LEGEND_KEYS = ("exact", "approximate", "city", "national", "multi", "wider", "cluster", "shades")


def feature(row: dict, technologies: list[str]) -> dict | None:
    """A location (a dict of ROW_FIELDS) as a mini map's Feature, or None when it cannot be
    drawn: it has no geometry and no outline (a place named only in words)."""
    fields, bbox = mapdata.outline_fields(
        row["precision"], row["country"], row["countries"], row["name"], bool(row["geometry"])
    )
    if not row["geometry"] and not fields:
        return None
    drawn = geojson_feature(row, technologies)
    drawn["properties"].update(fields)
    if bbox:
        drawn["bbox"] = bbox
    return drawn


def collection(features: list[dict], unmapped: list[str] = ()) -> dict:
    """A FeatureCollection with what the include shows beside it: "legend", the key's entries
    for what is drawn, and "unmapped", the names of a record's locations that are not."""
    return {
        "type": "FeatureCollection",
        "features": features,
        "legend": legend_keys(features),
        "unmapped": list(unmapped),
    }


def record_features(deployment, locations) -> dict:
    """A record page's mini map, from the rows the page has already read (its prefetched
    locations and technologies, or a version's as records.as_published gives them): no query.
    """
    names = [technology.name for technology in deployment.technologies.all()]
    features, unmapped = [], []
    for location in locations:
        row = {
            "id": location.pk,
            "geometry": location.geometry,
            "precision": location.precision,
            "name": location.name,
            "country": location.country,
            "countries": location.countries,
            "deployment_id": deployment.pk,
            "deployment__slug": deployment.slug,
            "deployment__title": deployment.title,
            "deployment__status": deployment.status,
        }
        drawn = feature(row, names)
        if drawn:
            features.append(drawn)
        else:
            unmapped.append(location.name)
    return collection(features, unmapped)


def features_of(ids: list[int]) -> list[dict]:
    """The drawable locations of these records, records in the order of `ids` (two queries)."""
    technologies = technology_names(ids)
    rows = (
        Location.objects.filter(placed(), deployment_id__in=ids).order_by("id").values(*ROW_FIELDS)
    )
    by_record: dict[int, list[dict]] = {}
    for row in rows:
        drawn = feature(row, technologies.get(row["deployment_id"], []))
        if drawn:
            by_record.setdefault(row["deployment_id"], []).append(drawn)
    return [drawn for pk in ids for drawn in by_record.get(pk, [])]


def legend_keys(features: list[dict]) -> list[str]:
    """The entries of the key that say what these features are drawn as (map.js draw()): an
    outline by its kind (a national one also shaded by count), anything else by its
    precision, and clusters when there are several points to cluster."""
    keys = set()
    sites = 0
    for drawn in features:
        properties = drawn["properties"]
        if properties.get("areas"):
            if properties.get("wider"):
                keys.add("wider")
            elif properties["precision"] == Location.Precision.NATIONAL:
                keys.update(("national", "shades"))
            else:
                keys.add("multi")
            continue
        keys.add(properties["precision"])
        if properties["precision"] not in mapdata.AREA_WIDE:
            sites += 1
    if sites > 1:
        keys.add("cluster")
    return [key for key in LEGEND_KEYS if key in keys]


def first_features(deployments) -> dict:
    """A mini map's FeatureCollection (collection()) for a list of records: the first
    mapdata.MINI_MAP_RECORDS records with a place in the queryset's order, plus
    "records_shown" and "records_more" (true when some were left out).

    A page that embeds it grows with MINI_MAP_RECORDS, never with the register; the include
    links to the full map when some are left out. Three queries whatever the number of
    records, and no COUNT: reading one id past the limit says whether there are more.
    """
    limit = mapdata.MINI_MAP_RECORDS
    ids = list(deployments.filter(mapdata.has_place()).values_list("pk", flat=True)[: limit + 1])
    drawn = collection(features_of(ids[:limit]))
    drawn["records_shown"] = min(len(ids), limit)
    drawn["records_more"] = len(ids) > limit
    return drawn
