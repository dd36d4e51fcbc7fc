"""Writers for the register's data: GeoJSON (map), and more to come (CSV, JSON).

Plain functions over plain rows, so they are tested directly and reused by every view.
"""

from .models import Location

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
    """Deployment id -> technology names, in one query."""
    from .models import Deployment

    names: dict[int, list[str]] = {}
    through = Deployment.technologies.through.objects.filter(
        deployment__in=deployments.values("pk")
    ).values_list("deployment_id", "technology__name").order_by("deployment_id", "technology__name")
    for deployment_id, name in through:
        names.setdefault(deployment_id, []).append(name)
    return names


def geojson(deployments) -> dict:
    """An RFC 7946 FeatureCollection of these deployments' locations."""
    technologies = technology_names(deployments)
    return {
        "type": "FeatureCollection",
        "features": [
            geojson_feature(row, technologies.get(row["deployment_id"], []))
            for row in location_rows(deployments)
        ],
    }
