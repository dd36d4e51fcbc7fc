"""Every internal link a reader can follow from the home page, three clicks deep, and every
link on the data page, leads to a page that answers: no 404, no error, on the seed register."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from deployments.seed import load_seed_register

pytestmark = pytest.mark.django_db
DEPTH = 3
# The explore pages link to hundreds of filter combinations (every facet option, chip and
# year); the filter tests check those answers. Here a few of each page's addresses suffice
# to show that its links lead somewhere, and keep the crawl to seconds.
VARIANTS_PER_PATH = 6
# Not pages of the public site: the staff admin and the static files (served by whitenoise).
OUTSIDE = ("/admin/", "/static/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href:
            self.hrefs.append(href)


def _internal_links(page_url: str, html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    found = set()
    for href in parser.hrefs:
        url = urldefrag(urljoin(f"http://testserver{page_url}", href)).url
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or parsed.netloc != "testserver":
            continue
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if not path.startswith(OUTSIDE):
            found.add(path)
    return found


def _crawl(client, starts: list[str], depth: int) -> dict[str, int]:
    """{url: final status} for every page reached within `depth` links of the starts."""
    seen: dict[str, int] = {}
    variants: dict[str, int] = {}
    frontier = set(starts)
    for _level in range(depth + 1):
        following = set()
        for url in sorted(frontier - set(seen)):
            path = url.split("?")[0]
            if "?" in url and variants.get(path, 0) >= VARIANTS_PER_PATH:
                continue
            variants[path] = variants.get(path, 0) + ("?" in url)
            response = client.get(url, follow=True)
            seen[url] = response.status_code
            kind = response.get("Content-Type", "")
            if response.status_code == 200 and kind.startswith("text/html"):
                following |= _internal_links(
                    response.request["PATH_INFO"], response.content.decode()
                )
        frontier = following
    return seen


def test_no_internal_link_is_broken(client):
    load_seed_register()
    reached = _crawl(client, ["/"], DEPTH)
    reached |= _crawl(client, ["/data/"], 1)
    broken = {url: status for url, status in reached.items() if status != 200}
    assert len(reached) > 40  # the crawl got somewhere: records, entries, indexes, data
    for page in ("/organisations/", "/technologies/", "/countries/", "/sources/"):
        assert page in reached
    assert broken == {}
