"""manage.py generate_synthetic: obviously synthetic, repeatable, valid, never mixed in."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from deployments.core import dates, geo, search
from deployments.dev import synthetic, vocabulary
from deployments.models import Cost, Deployment, Location, Organisation, Source, Technology

pytestmark = pytest.mark.django_db


def _generate(*args) -> str:
    out = StringIO()
    call_command("generate_synthetic", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def _rows_by_model(n: int, **kwargs) -> dict:
    """Everything generate() yields, by model, in order."""
    rows = {}
    for batch in synthetic.generate(n, **kwargs):
        for model, model_rows in batch.items():
            rows.setdefault(model, []).extend(model_rows)
    return rows


def _dump() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in synthetic.MODELS
    }


def _all_texts() -> str:
    parts = []
    for deployment in Deployment.objects.all():
        parts += [deployment.title, deployment.summary, deployment.description]
    parts += Organisation.objects.values_list("name", flat=True)
    parts += Source.objects.values_list("title", flat=True)
    parts += Location.objects.values_list("name", flat=True)
    return "\n".join(parts)


# Determinism ----------------------------------------------------------------------------------


def test_it_yields_the_same_rows_for_the_same_n_and_seed():
    first = _rows_by_model(300)

    assert first == _rows_by_model(300)
    assert first != _rows_by_model(300, seed=2)
    assert len(first[Deployment]) == 300


def test_its_rows_do_not_depend_on_the_batch_size():
    assert _rows_by_model(120, batch_size=7) == _rows_by_model(120)


def test_it_writes_the_same_database_again_with_replace():
    _generate(60)
    first = _dump()

    _generate(60, "--replace")

    assert _dump() == first
    assert Deployment.objects.count() == 60


# Validity -------------------------------------------------------------------------------------


def test_it_writes_records_that_pass_every_model_check():
    _generate(200)  # the database's own constraints are checked as the rows go in

    for model in synthetic.MODELS:
        objects = list(model.objects.order_by("pk"))
        assert objects, model
        for obj in objects[:: max(1, len(objects) // 30)]:
            obj.full_clean()


def test_it_stores_what_save_would_store():
    _generate(200)

    for d in Deployment.objects.all():
        assert d.start_date == dates.normalise(d.start_date, d.start_precision)
        assert d.end_date == dates.normalise(d.end_date, d.end_precision)
        assert d.end_latest == dates.latest(d.end_date, d.end_precision)
        assert (d.published_at is not None) == (d.publication in ("published", "withdrawn"))
    for location in Location.objects.all():
        if location.geometry is None:
            assert location.longitude is None and location.latitude is None
        else:
            point = geo.representative_point(location.geometry)
            assert (location.longitude, location.latitude) == point
            # Somewhere in Europe.
            assert -10 < location.longitude < 30 and 35 < location.latitude < 61


def test_it_writes_every_kind_of_uncertain_fact():
    _generate(200)
    deployments = Deployment.objects.all()

    assert {"exact", "approximate", "city", "national", "multi"} == set(
        Location.objects.values_list("precision", flat=True)
    )
    assert {"day", "month", "year", "unknown"} == set(
        deployments.values_list("start_precision", flat=True)
    )
    assert deployments.filter(end_date__isnull=True, status="active").exists()
    assert deployments.filter(end_date__isnull=False).exists()
    costs = Cost.objects
    assert costs.filter(amount__isnull=True, qualifier="undisclosed").exists()
    assert {"GBP", "EUR", "SEK", "PLN"} <= set(costs.values_list("currency", flat=True))
    assert set(Deployment.Publication.values) == set(
        deployments.values_list("publication", flat=True)
    )
    assert Source.objects.filter(url="").exists()
    assert Source.objects.filter(published__isnull=True).exists()


def test_its_search_text_is_the_search_document():
    _generate(60)

    stored = {
        pk: (text, refs)
        for pk, text, refs in Deployment.objects.values_list("pk", "search_text", "search_refs")
    }
    documents = search.documents(list(stored))
    for pk, text in stored.items():
        assert text, pk  # written (plain inserts send no signals)
        assert text == documents[pk], pk


def test_the_next_ordinary_insert_gets_a_free_id():
    _generate(20)

    # On PostgreSQL this fails unless the sequences were moved past the ids written.
    source = Source.objects.create(title="Synthetic later source", publisher="Synthetic Gazette")
    deployment = Deployment.objects.create(
        title="Synthetic later record", slug="synthetic-later", summary="Added by hand."
    )
    assert source.pk > Source.objects.exclude(pk=source.pk).order_by("-pk")[0].pk
    assert deployment.pk == 21


# Never mixed in -------------------------------------------------------------------------------


def test_it_refuses_to_mix_with_records_that_are_not_synthetic():
    Deployment.objects.create(
        title="Synthetic stand-in for a real record", slug="stand-in", summary="Not generated."
    )

    with pytest.raises(CommandError, match="not synthetic.*--allow-mixed"):
        _generate(10)
    assert Deployment.objects.count() == 1
    assert not Organisation.objects.exists()

    _generate(10, "--allow-mixed")
    _generate(12, "--allow-mixed", "--replace")
    assert Deployment.objects.filter(slug__startswith="synthetic-").count() == 12
    assert Deployment.objects.filter(slug="stand-in").exists()


def test_it_refuses_to_add_to_an_earlier_run_unless_replacing_it():
    _generate(10)

    with pytest.raises(CommandError, match="--replace"):
        _generate(10)
    output = _generate(20, "--replace")

    assert Deployment.objects.count() == 20
    assert Organisation.objects.count() == synthetic.organisation_count(20)
    assert Source.objects.count() == synthetic.source_count(20)
    assert Technology.objects.count() == len(vocabulary.TECHNOLOGIES)
    assert output.startswith("Wrote 20 synthetic deployments (")
    assert "deployments/s." in output


def test_everything_it_writes_is_obviously_synthetic():
    _generate(200)

    for title, slug in Deployment.objects.values_list("title", "slug"):
        assert title.startswith("[Synthetic] ") and slug.startswith("synthetic-")
    for name in Organisation.objects.values_list("name", flat=True):
        assert "Synthetic" in name
    for name in Technology.objects.values_list("name", flat=True):
        assert name.startswith("Synthetic ")
    for source in Source.objects.all():
        assert "Synthetic" in source.title and "Synthetic" in source.publisher
        for url in (source.url, source.archive_url):
            assert url == "" or url.startswith("https://example.org/")
    for website in Organisation.objects.values_list("website", flat=True):
        assert website == "" or website.startswith("https://example.org/")


def test_its_texts_exercise_the_exports():
    _generate(200)
    names = list(Organisation.objects.values_list("name", flat=True))
    texts = _all_texts()

    assert any(";" in name for name in names)
    assert any("\\" in name for name in names)
    for char in "=+-@":
        assert any(name.startswith(char) for name in names), char
        assert Deployment.objects.filter(summary__startswith=char).exists(), char
    for word in ("Zürich", "Łódź", "Ελλάδα", "Øresund", '"', ",", "\n"):
        assert word in texts, word


# Selectors for the benchmark ---------------------------------------------------------------------


def test_its_publishers_sort_the_same_in_any_collation():
    # The search document lists sources by (publisher, title), as the database sorts them.
    after_prefix = [p.removeprefix("Synthetic ")[0] for p in vocabulary.PUBLISHERS]
    assert all(p.startswith("Synthetic ") for p in vocabulary.PUBLISHERS)
    assert all(c.isascii() and c.isupper() for c in after_prefix)
    assert len(set(after_prefix)) == len(after_prefix)


def test_the_bench_search_word_finds_every_50th_record():
    _generate(200)

    found = search.search(Deployment.objects.all(), vocabulary.BENCH_SEARCH_WORD)

    assert sorted(found.values_list("slug", flat=True)) == sorted(
        ["synthetic-1", "synthetic-51", "synthetic-101", "synthetic-151"]
    )


def test_the_bench_selectors_hold_their_shares():
    _generate(2000)
    published = Deployment.objects.published()
    total = published.count()

    with_technology = published.filter(technologies__slug=vocabulary.BENCH_TECHNOLOGY_SLUG)
    in_country = published.filter(locations__country=vocabulary.BENCH_COUNTRY).distinct()
    with_status = published.filter(status=vocabulary.BENCH_STATUS)
    assert 0.9 < total / 2000 < 1
    assert 0.16 < with_technology.count() / total < 0.24
    assert 0.16 < in_country.count() / total < 0.24
    assert 0.16 < with_status.count() / total < 0.24
    with_word = Deployment.objects.filter(summary__contains=vocabulary.BENCH_SEARCH_WORD)
    assert with_word.count() == 2000 // vocabulary.BENCH_SEARCH_EVERY
    assert not Deployment.objects.exclude(pk__in=with_word).filter(
        search_text__icontains=vocabulary.BENCH_SEARCH_WORD
    )
