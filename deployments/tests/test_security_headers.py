"""Every answer carries the Content-Security-Policy and the Permissions-Policy: pages, data
downloads, static files and the admin, whatever their status."""

import pytest

from deployments.tests.factories import make_deployment

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    return make_deployment(publication="published")


def _policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/deployments/",
        "/deployments/?technolgy=anpr",  # a 400
        "/deployments/no-such-record/",  # a 404
        "/deployments.csv",
        "/deployments.json",
        "/deployments.geojson",
        "/data/register.zip",
        "/feeds/deployments.atom",
        "/admin/login/",
    ],
)
def test_each_answer_carries_both_policies(client, record, url):
    response = client.get(url)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    assert "geolocation=()" in permissions
    assert "camera=()" in permissions
    assert "microphone=()" in permissions


def test_a_record_page_has_no_inline_script_or_style(client, record):
    html = client.get(record.get_absolute_url()).content.decode()
    assert " style=" not in html
    assert "<style" not in html
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert " src=" in opening or 'type="application/json"' in opening, opening
