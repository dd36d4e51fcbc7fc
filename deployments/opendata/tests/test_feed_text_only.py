"""The Atom feed carries every typed text as text, never as markup a reader would render."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from deployments.tests.factories import make_deployment, make_technology

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
TEXT_CONSTRUCTS = ("title", "subtitle", "summary", "content", "rights")

TITLE = '"><img src=x onerror=alert("title")>'
SUMMARY = '"><img src=x onerror=alert(1)> &amp; <b>bold</b>'
TECHNOLOGY = "<script>alert('technology')</script>"
REGISTER = "<i>Register</i> & co"
LICENCE = "<a href='https://example.org/'>Licence</a>"


@pytest.fixture
def marked_up_feed(client):
    deployment = make_deployment(publication="published", title=TITLE, summary=SUMMARY)
    deployment.technologies.set([make_technology(name=TECHNOLOGY)])
    with override_settings(REGISTER_NAME=REGISTER, DATA_LICENSE_TITLE=LICENCE):
        response = client.get("/feeds/deployments.atom")
    assert response.status_code == 200, response.content
    return response.content


def test_it_marks_every_text_construct_as_text(marked_up_feed):
    feed = ET.fromstring(marked_up_feed)  # noqa: S314 (our own feed, in a test)
    constructs = [element for name in TEXT_CONSTRUCTS for element in feed.iter(f"{ATOM}{name}")]
    assert {element.tag.removeprefix(ATOM) for element in constructs} == {
        "title",
        "subtitle",
        "summary",
        "rights",
    }
    assert [e.get("type") for e in constructs] == ["text"] * len(constructs)


def test_it_gives_each_field_exactly_as_typed(marked_up_feed):
    feed = ET.fromstring(marked_up_feed)  # noqa: S314 (our own feed, in a test)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == TITLE
    assert entry.findtext(f"{ATOM}summary") == SUMMARY
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [TECHNOLOGY]
    assert feed.findtext(f"{ATOM}title").startswith(REGISTER)
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == REGISTER
    assert LICENCE in feed.findtext(f"{ATOM}rights")


def test_it_escapes_the_markup_in_the_bytes(marked_up_feed):
    for raw in (b"<img", b"<script", b"<b>", b"<i>", b"<a "):
        assert raw not in marked_up_feed
    assert b"&lt;img src=x onerror=" in marked_up_feed
    assert b"&amp;amp;" in marked_up_feed  # a typed entity stays the characters typed
