"""A geometry too deep, too long or too large is refused with a plain message, never a 500.

Python's json module and JSONField's own check recurse once per level of nesting, so a value
nested fifty thousand deep used to raise RecursionError: in the admin form and in full_clean().
"""

import html
import re

import pytest
from django.core.exceptions import ValidationError

from deployments.core import geo
from deployments.editing.forms import BAD_GEOJSON_TEXT
from deployments.models import Location
from deployments.tests.factories import add_row, change_data, change_url, make_deployment

pytestmark = pytest.mark.django_db

DEEP_TEXT = "[" * 50_000 + "]" * 50_000


def deeply_nested(levels: int) -> list:
    value = []
    for _ in range(levels):
        value = [value]
    return value


def location(geometry) -> Location:
    return Location(
        deployment=make_deployment(), name="Synthetic site", precision="city", geometry=geometry
    )


def geometry_errors(geometry) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        location(geometry).full_clean()
    return raised.value.message_dict["geometry"]


@pytest.mark.parametrize(
    "geometry",
    [
        deeply_nested(50_000),
        {"type": "MultiPolygon", "coordinates": deeply_nested(50_000)},
        {"type": "Point", "coordinates": [0, 0], "extra": deeply_nested(20)},
    ],
    ids=["a bare list", "as coordinates", "beside them"],
)
def test_it_refuses_a_geometry_nested_too_deep_on_full_clean(geometry):
    assert geometry_errors(geometry) == [geo.TOO_DEEP]


def test_it_refuses_a_geometry_with_too_many_coordinates():
    points = [[0.001 * (i % 1000), 0.001 * (i // 1000)] for i in range(50_001)]
    assert geometry_errors({"type": "MultiPoint", "coordinates": points}) == [geo.TOO_MANY]


def test_it_refuses_a_geometry_too_large_as_json():
    padded = {"type": "Point", "coordinates": [0, 0], "name": "x" * geo.MAX_JSON_CHARS}
    assert geometry_errors(padded) == [geo.TOO_LARGE]


def test_it_accepts_a_multipolygon_the_deepest_geojson_there_is():
    ring = [[-0.2, 51.4], [0.0, 51.4], [0.0, 51.6], [-0.2, 51.4]]
    location({"type": "MultiPolygon", "coordinates": [[ring], [ring]]}).full_clean()


# Through the admin ---------------------------------------------------------------------------


def post_geometry(client, text: str):
    deployment = make_deployment()
    data = add_row(
        change_data(deployment),
        "locations",
        {"name": "Synthetic High Street", "country": "GB", "precision": "exact", "geometry": text},
    )
    return client.post(change_url(deployment), data), deployment


def geometry_field_errors(response) -> list[str]:
    formsets = [i.formset for i in response.context["inline_admin_formsets"]]
    locations = next(formset for formset in formsets if formset.prefix == "locations")
    return locations.forms[0].errors["geometry"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (DEEP_TEXT, geo.TOO_DEEP),  # deeper than the JSON parser can go
        ("[" * 200 + "]" * 200, geo.TOO_DEEP),  # parsed, then refused by the model
        ('{"type": "Point", "coordinates": [' + "1" * 5000 + ", 0]}", BAD_GEOJSON_TEXT),
        (" " * geo.MAX_JSON_CHARS + "{}", geo.TOO_LARGE),
    ],
    ids=["50,000 deep", "200 deep", "a 5,000-digit number", "over the size limit"],
)
def test_it_shows_a_field_error_for_a_geometry_it_cannot_take(admin_client, text, message):
    response, deployment = post_geometry(admin_client, text)

    assert response.status_code == 200
    assert geometry_field_errors(response) == [message]
    assert not deployment.locations.exists()


def test_it_keeps_the_refused_text_in_the_field(admin_client):
    response, _deployment = post_geometry(admin_client, DEEP_TEXT)

    textarea = re.search(
        r'<textarea id="id_locations-0-geometry"[^>]*>(.*?)</textarea>',
        response.content.decode(),
        re.DOTALL,
    )
    assert html.unescape(textarea.group(1)).strip() == DEEP_TEXT
