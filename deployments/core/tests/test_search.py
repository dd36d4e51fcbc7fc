"""The search document (search.py): what a record is found by, written in SQL on each database."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deployments.core import search
from deployments.core.dates import Precision
from deployments.models import Deployment, Event, Involvement, Organisation, Source
from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db(transaction=True)


def document(deployment) -> list[str]:
    return search.documents([deployment.pk])[deployment.pk][0].split("\n")


def refs(deployment) -> str:
    return search.documents([deployment.pk])[deployment.pk][1]


def test_it_holds_the_records_texts_each_cited_source_once_and_its_organisations_ids():
    with transaction.atomic():
        cast = make_cast()
        second = Source.objects.create(title="Synthetic second report", publisher="")
        Event.objects.create(
            deployment=cast.camera,
            kind="announced",
            date=dt.date(2024, 10, 1),
            date_precision=Precision.MONTH,
            source=second,
        )
        commissioner = Organisation.objects.create(
            name="Synthetic Commissioner", slug="commissioner"
        )
        Involvement.objects.create(
            deployment=cast.camera, organisation=commissioner, role="commissioner"
        )
        Involvement.objects.create(deployment=cast.camera, organisation=commissioner, role="funder")
    # Own texts, then sources by id, each once although the first is cited by the citation,
    # the cost and the legal basis. Organisations by id, each once, in text order.
    assert document(cast.camera) == [
        "Hidden cameras along synthetic routes.",
        "Synthetic London",  # its place
        "Synthetic source",
        "Synthetic Gazette",
        "Synthetic second report",
    ]
    police = Organisation.objects.get(slug="police")
    anpr = cast.camera.technologies.get()
    assert refs(cast.camera) == " ".join(
        sorted([f"o:{police.pk}", f"o:{commissioner.pk}", f"t:{anpr.pk}"])
    )
    assert document(cast.scanner)[:1] == ["Synthetic summary of scanner."]
    assert f"o:{police.pk}" not in refs(cast.scanner).split()


def test_what_is_stored_is_the_document_and_is_found():
    with transaction.atomic():
        cast = make_cast()
    stored = {
        pk: (text, refs)
        for pk, text, refs in Deployment.objects.values_list("pk", "search_text", "search_refs")
    }
    assert stored == search.documents(list(stored))
    with transaction.atomic():  # a rename reaches every record that names the organisation
        police = Organisation.objects.get(slug="police")
        police.name = "Synthetic Constabulary"
        police.save()
    found = search.search(Deployment.objects.published(), "Constabulary")
    assert [d.slug for d in found] == [cast.camera.slug]


def test_a_record_with_no_text_has_an_empty_document():
    record = Deployment.objects.create(title="Synthetic bare", slug="bare", summary="")
    assert search.documents([record.pk]) == {record.pk: ("", "")}


def found(text: str) -> list[str]:
    return sorted(d.slug for d in search.search(Deployment.objects.published(), text))


def test_a_renamed_organisation_is_found_by_its_new_name_in_every_record_at_once():
    with transaction.atomic():
        cast = make_cast()
    before = dict(Deployment.objects.values_list("pk", "search_text"))
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        police = Organisation.objects.get(slug="police")
        police.name = "Synthetic Constabulary"
        police.save()
    # Its records' documents name it by id: none was written again.
    assert not [q["sql"] for q in captured if "SET search_text" in q["sql"]]
    assert dict(Deployment.objects.values_list("pk", "search_text")) == before
    assert found("Constabulary") == [cast.camera.slug]
    assert found("police") == []
    # A term of its name and a term of the record's own text, together, as a reader would.
    assert found("constabulary hidden") == [cast.camera.slug]
    assert found('"synthetic constabulary" hidden') == [cast.camera.slug]
    assert found("constabulary scanner") == []


def test_or_and_minus_reach_an_organisations_name():
    with transaction.atomic():
        cast = make_cast()
        police = Organisation.objects.get(slug="police")
        police.name = "Synthetic Constabulary"
        police.save()
    assert found("constabulary or scanner") == sorted([cast.camera.slug, cast.scanner.slug])
    assert cast.camera.slug not in found("synthetic -constabulary")
    assert cast.scanner.slug in found("synthetic -constabulary")


@pytest.mark.parametrize(
    "text, clauses",
    [
        ("a b", [[(False, "a")], [(False, "b")]]),
        ("a or b c", [[(False, "a"), (False, "b")], [(False, "c")]]),
        ('-a "b c" or d', [[(True, "a")], [(False, '"b c"'), (False, "d")]]),
        ('or a "open', [[(False, "or")], [(False, "a")], [(False, '"open')]]),
        ("a or or b", [[(False, "a"), (False, "or")], [(False, "b")]]),
    ],
)
def test_a_query_is_read_as_websearch_reads_it(text, clauses):
    assert search.terms(text) == clauses


# A shared corpus: the same records, the same queries and the same answers on SQLite (FTS5)
# and PostgreSQL (tsvector), as CI runs this file on both.


@pytest.fixture
def corpus():
    from deployments.models import Citation, Location, Technology

    with transaction.atomic():
        source = Source.objects.create(title="Synthetic report", publisher="Synthetic Gazette")
        inquiry = Source.objects.create(
            title="Synthetic inquiry into drones", publisher="Synthetic Chronicle"
        )
        cameras = Technology.objects.create(
            name="Synthetic cameras", slug="cameras", description="Synthetic lenses."
        )
        drones = Technology.objects.create(
            name="Synthetic drones", slug="drones", description="Unmanned aircraft filming."
        )
        buddi = Organisation.objects.create(name="Synthetic Buddi", slug="buddi")
        leonardo = Organisation.objects.create(name="Synthetic Leonardo", slug="leonardo")

        def record(slug, summary, technology=cameras, title=None, cites=source):
            d = Deployment.objects.create(
                title=title or f"Synthetic {slug}",
                slug=slug,
                summary=summary,
                publication="published",
            )
            d.technologies.set([technology])
            Citation.objects.create(deployment=d, source=cites)
            return d

        tags = record(
            "tags", "Synthetic ankle tagging of people on bail.", title="Synthetic ankles"
        )
        Involvement.objects.create(deployment=tags, organisation=buddi, role="supplier")
        plates = record("plates", "Synthetic cameras read every number plate on the road.")
        Involvement.objects.create(deployment=plates, organisation=leonardo, role="supplier")
        record("glass", "Synthetic plate glass and number theory.")
        harbour = record("harbour", "Synthetic watch over a harbour.", technology=drones)
        Location.objects.create(deployment=harbour, name="Synthetic Dover", precision="city")
        record("hearing", "Synthetic hearing.", cites=inquiry)
        record("review", "Synthetic.", title="Synthetic tagging review")
        record("hidden", "Synthetic tagging, never published.").__class__.objects.filter(
            slug="hidden"
        ).update(publication="draft")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tagging", ["review", "tags"]),
        ("tagged", ["review", "tags"]),  # stemmed
        ("tag*", ["review", "tags"]),  # a prefix
        ('"number plate"', ["plates"]),  # a phrase: "plate glass and number" is not one
        ("number plate", ["glass", "plates"]),  # both words, anywhere
        ("Buddi OR Leonardo", ["plates", "tags"]),  # organisations' names
        ("leonardo cameras", ["plates"]),
        ('"synthetic buddi"', ["tags"]),
        ("synthetic -tagging", ["glass", "harbour", "hearing", "plates"]),
        ("-tagging", ["glass", "harbour", "hearing", "plates"]),
        ("Dover", ["harbour"]),  # a place name
        ("Chronicle", ["hearing"]),  # a source's publisher
        ("drones", ["harbour", "hearing"]),  # a technology's name; a source's title
        ("unmanned aircraft", ["harbour"]),  # a technology's description
        ("bail OR harbour", ["harbour", "tags"]),
        ('""', []),
    ],
)
def test_it_finds_the_same_records_on_both_databases(corpus, query, expected):
    assert found(query) == expected


def test_it_ranks_a_title_match_first(corpus):
    found = search.search(Deployment.objects.published(), "tagging")
    ranked = search.ranked(found, "tagging").order_by("-rank", "slug")
    assert [d.slug for d in ranked] == ["review", "tags"]


def test_the_filter_that_counts_and_facets_read_never_joins_the_index(corpus):
    """Joined to the index, SQLite may run the MATCH once per deployment (seconds on 100,000
    records); the filter is a subquery read once, and only the ranked page joins."""
    found = search.search(Deployment.objects.published(), "tagging -ankle")
    sql = str(found.values("pk").query)
    assert " JOIN " not in sql
    assert sorted(found.values_list("slug", flat=True)) == ["review"]


def test_it_marks_the_matching_words_in_a_snippet(corpus):
    tags = Deployment.objects.get(slug="tags")
    marked = search.snippets([tags.pk], "tagging")[tags.pk]
    assert "<mark>tagging</mark>" in marked
    assert "ankle" in marked
    hostile = Deployment.objects.get(slug="glass")
    with transaction.atomic():
        hostile.summary = "Synthetic number <img src=x onerror=alert(1)> & plate."
        hostile.save()
    marked = search.snippets([hostile.pk], "number")[hostile.pk]
    assert "<mark>number</mark>" in marked
    assert "<img" not in marked
