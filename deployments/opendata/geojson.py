"""The GeoJSON export (/deployments.geojson): each located deployment's places as features,
written per batch in a fixed number of queries."""

import json
from collections.abc import Iterator

from deployments.models import Deployment, Location
from deployments.opendata.exports import batched, ordered_ids

# The compact per-feature properties a map needs; everything else is one click away.
GEOJSON_LOCATION_FIELDS = (
    "id",
    "geometry",
    "precision",
    "name",
    "deployment_id",
    "deployment__slug",
    "deployment__title",
    "deployment__status",
)


def location_rows(deployments):
    """Locations with a geometry of these deployments, as dicts (one query, no models)."""
    return (
        Location.objects.filter(deployment__in=deployments.values("pk"), geometry__isnull=False)
        .order_by("deployment_id", "id")
        .values(*GEOJSON_LOCATION_FIELDS)
    )


def geojson_feature(row: dict, technologies: list[str]) -> dict:
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": row["geometry"],
        "properties": {
            "id": row["deployment_id"],
            "slug": row["deployment__slug"],
            "title": row["deployment__title"],
            "status": row["deployment__status"],
            "technologies": technologies,
            "precision": row["precision"],
            "location": row["name"],
        },
    }


def technology_names(deployments) -> dict[int, list[str]]:
    """Deployment id -> technology names, in one query (`deployments`: a queryset or ids)."""
    if not isinstance(deployments, list):
        deployments = deployments.values("pk")
    names: dict[int, list[str]] = {}
    through = (
        Deployment.technologies.through.objects.filter(deployment__in=deployments)
        .values_list("deployment_id", "technology__name")
        .order_by("deployment_id", "technology__name")
    )
    for deployment_id, name in through:
        names.setdefault(deployment_id, []).append(name)
    return names


def geojson_features(deployments) -> Iterator[dict]:
    """Features of the filtered records' locations, records in the list's order (2 queries
    per batch)."""
    for ids in batched(ordered_ids(deployments)):
        technologies = technology_names(ids)
        by_deployment: dict[int, list[dict]] = {}
        rows = (
            Location.objects.filter(deployment_id__in=ids, geometry__isnull=False)
            .order_by("id")
            .values(*GEOJSON_LOCATION_FIELDS)
        )
        for row in rows:
            by_deployment.setdefault(row["deployment_id"], []).append(row)
        for deployment_id in ids:
            for row in by_deployment.get(deployment_id, []):
                yield geojson_feature(row, technologies.get(deployment_id, []))


def geojson(deployments) -> dict:
    """An RFC 7946 FeatureCollection of these deployments' locations."""
    return {"type": "FeatureCollection", "features": list(geojson_features(deployments))}


def geojson_lines(deployments) -> Iterator[bytes]:
    """The same FeatureCollection, streamed a feature at a time."""
    yield b'{"type":"FeatureCollection","features":['
    separator = b""
    for feature in geojson_features(deployments):
        yield separator + json.dumps(feature, ensure_ascii=False).encode()
        separator = b",\n"
    yield b"]}\n"


# One record (JSON detail) --------------------------------------------------------------------
