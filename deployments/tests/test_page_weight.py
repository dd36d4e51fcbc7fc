"""Explore pages stay light: HTML + CSS + JS of a first load, and the data the map fetches as
it starts (outlines and features), gzip-compressed, under 300 KB.

Sizes, not times, so the figure is the same on any machine; it is printed for the record
(`make test ARGS="-s -k page_weight"`).
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from deployments.seed import load_seed_register
from deployments.tests.cast import make_cast
from deployments.tests.synthetic import body

pytestmark = pytest.mark.django_db
BUDGET = 300 * 1024
ASSET = re.compile(r'<(?:script[^>]+src|link[^>]+rel="stylesheet"[^>]+href)="/static/([^"?]+)')
# Data a page's script fetches as it starts: the map's country outlines and its features.
FETCHED_ASSET = re.compile(r'data-outlines="/static/([^"?]+)"')
FETCHED_DATA = re.compile(r'data-geojson="([^"]+)"')


def first_load_bytes(client, url) -> tuple[int, list[str]]:
    html = client.get(url).content
    total = len(gzip.compress(html))
    text = html.decode()
    assets = sorted(set(ASSET.findall(text)) | set(FETCHED_ASSET.findall(text)))
    for url in FETCHED_DATA.findall(text):
        response = client.get(url.replace("&amp;", "&"))
        total += len(gzip.compress(body(response)))
    for asset in assets:
        path = finders.find(asset)
        assert path, f"{asset} is linked but not found"
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total, assets


@pytest.mark.parametrize(
    "url",
    ["/", "/deployments/", "/deployments/map/", "/deployments/timeline/", "/deployments/camera/"],
)
def test_it_keeps_each_explore_page_under_300_kb_compressed(client, url):
    make_cast()
    total, assets = first_load_bytes(client, url)
    print(f"\npage weight {url}: {total / 1024:.1f} KB gzip ({len(assets)} assets)")
    assert total < BUDGET, assets


def test_it_keeps_the_map_of_the_seed_register_under_300_kb_compressed(client):
    """With its outlines and features, which the map fetches as it starts."""
    load_seed_register()
    total, assets = first_load_bytes(client, "/deployments/map/")
    assert "vendor/world-atlas-2.0.2/countries-110m.json" in assets
    print(f"\npage weight of the seed map: {total / 1024:.1f} KB gzip ({len(assets)} assets)")
    assert total < BUDGET, assets
