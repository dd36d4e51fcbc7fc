"""Checkable claims: every citation mark on a record page leads to the source's words and the
source itself, in the page (no JavaScript needed) and in the record's JSON."""

import re

import pytest
from django.utils.html import escape

from deployments.models import Deployment
from deployments.seed import load_seed_register

SMARTWATCHES = "home-office-smartwatches-foreign-national-offenders"
pytestmark = pytest.mark.django_db


@pytest.fixture
def smartwatches():
    load_seed_register()
    return Deployment.objects.get(slug=SMARTWATCHES)


def _quotes(deployment) -> set[str]:
    """Every passage the record's claims quote: its citations, costs and responses."""
    quotes = {c.quote for c in deployment.citations.all()}
    quotes |= {c.quote for c in deployment.costs.all()}
    quotes |= {r.quote for r in deployment.responses.all()}
    return quotes - {""}


def _notes(html: str) -> dict[str, str]:
    """Note id -> the note's HTML."""
    return dict(re.findall(r'<li id="(note-\d+)" class="note">(.*?)</li>', html, re.S))


def test_it_shows_the_quote_behind_every_mark(client, smartwatches):
    html = client.get(smartwatches.get_absolute_url()).content.decode()
    notes = _notes(html)
    quoted = {
        q
        for note in notes.values()
        for q in re.findall(r'<q class="note-quote">(.*?)</q>', note, re.S)
    }
    assert len(_quotes(smartwatches)) >= 10
    assert {escape(q) for q in _quotes(smartwatches)} <= quoted
    # Every mark leads to a note on the page, and every note back to its mark.
    marks = re.findall(r'<a href="#(note-\d+)"', html)
    assert marks and set(marks) == set(notes)
    for note_id in notes:
        assert f'id="mark-{note_id[5:]}"' in html


def test_it_names_the_source_in_each_note(client, smartwatches):
    html = client.get(smartwatches.get_absolute_url()).content.decode()
    sources = {c.source for c in smartwatches.citations.all()}
    for note in _notes(html).values():
        number = int(re.search(r'href="#source-(\d+)"', note).group(1))
        assert number >= 1
    for source in sources:
        note = next(n for n in _notes(html).values() if escape(source.title) in n)
        assert escape(source.publisher) in note
        assert source.published_display in note
        if source.url:
            assert f'href="{source.url}"' in note
        else:
            assert "No web address known." in note


def test_it_lists_a_sections_notes_at_the_end_of_that_section(client, smartwatches):
    html = client.get(smartwatches.get_absolute_url()).content.decode()
    costs = html[html.index('id="costs-heading"') : html.index('id="events-heading"')]
    quote = smartwatches.costs.exclude(quote="").first().quote
    assert escape(quote) in costs


def test_it_gives_every_citation_with_its_quote_in_the_json(client, smartwatches):
    record = client.get(f"/deployments/{SMARTWATCHES}.json").json()
    given = {(c["claim"], c["quote"]) for c in record["citations"]}
    stored = {(c.claim, c.quote) for c in smartwatches.citations.all()}
    assert given == stored
    numbers = {s["number"]: s["title"] for s in record["sources"]}
    for c in record["citations"]:
        assert c["citation"] in numbers
