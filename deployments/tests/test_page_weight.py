"""Explore pages stay light: HTML + CSS + JS of a first load, gzip-compressed, under 300 KB.

Sizes, not times, so the figure is the same on any machine; it is printed for the record
(`make test ARGS="-s -k page_weight"`).
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db
BUDGET = 300 * 1024
ASSET = re.compile(r'<(?:script[^>]+src|link[^>]+rel="stylesheet"[^>]+href)="/static/([^"?]+)')


def first_load_bytes(client, url) -> tuple[int, list[str]]:
    html = client.get(url).content
    total = len(gzip.compress(html))
    assets = sorted(set(ASSET.findall(html.decode())))
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
