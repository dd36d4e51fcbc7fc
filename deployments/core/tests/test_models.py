"""Every invariant of the register, each refused with a clear message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deployments.core.dates import Precision
from deployments.models import (
    RESERVED_SLUGS,
    Cost,
    Deployment,
    Event,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Source,
    Technology,
)
from deployments.tests.factories import make_deployment, make_source

pytestmark = pytest.mark.django_db


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_it_refuses_an_end_before_the_start():
    d = make_deployment(start_date=dt.date(2024, 10, 1), start_precision=Precision.MONTH)
    d.end_date, d.end_precision = dt.date(2023, 1, 1), Precision.YEAR
    assert "before the start" in _errors(d)["end_date"][0]


def test_it_accepts_an_end_year_that_contains_the_start_month():
    # "October 2024 to 2024" is consistent: the year 2024 may end after October.
    d = make_deployment(start_date=dt.date(2024, 10, 1), start_precision=Precision.MONTH)
    d.end_date, d.end_precision = dt.date(2024, 1, 1), Precision.YEAR
    d.full_clean()
    d.save()
    assert d.end_latest == dt.date(2024, 12, 31)


def test_the_database_refuses_an_end_before_the_start():
    d = make_deployment(start_date=dt.date(2024, 10, 1), start_precision=Precision.MONTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deployment.objects.filter(pk=d.pk).update(end_latest=dt.date(2020, 1, 1))


def test_it_refuses_a_date_without_a_precision_and_the_reverse():
    d = make_deployment()
    d.start_date, d.start_precision = dt.date(2024, 1, 1), Precision.UNKNOWN
    assert "precision" in _errors(d)["start_date"][0]
    d.start_date, d.start_precision = None, Precision.MONTH
    assert "unknown" in _errors(d)["start_date"][0]


def test_it_stores_a_month_as_its_first_day():
    d = make_deployment(start_date=dt.date(2024, 10, 14), start_precision=Precision.MONTH)
    d.refresh_from_db()
    assert d.start_date == dt.date(2024, 10, 1)
    assert d.start_display == "October 2024"


def test_it_refuses_a_negative_cost_in_clean_and_in_the_database():
    d, source = make_deployment(), make_source()
    cost = Cost(deployment=d, source=source, amount=Decimal("-1"), currency="GBP", covers="budget")
    assert "amount" in _errors(cost)
    with pytest.raises(IntegrityError), transaction.atomic():
        cost.save()


def test_it_refuses_an_amount_missing_unless_not_disclosed():
    d, source = make_deployment(), make_source()
    cost = Cost(deployment=d, source=source, amount=None, currency="GBP", covers="contract")
    assert "not disclosed" in _errors(cost)["amount"][0]
    cost.qualifier = Cost.Qualifier.NOT_DISCLOSED
    cost.full_clean()
    cost.save()
    assert str(cost) == "Contract value: not disclosed"


def test_it_refuses_a_currency_that_is_not_iso_4217_shaped():
    cost = Cost(
        deployment=make_deployment(),
        source=make_source(),
        amount=1,
        currency="pounds",
        covers="budget",
    )
    assert "ISO 4217" in " ".join(_errors(cost)["currency"])


def test_it_shows_a_qualified_amount_without_false_precision():
    cost = Cost(amount=Decimal("80000.00"), currency="GBP", covers="budget", qualifier="up_to")
    assert cost.display() == "Up to GBP 80,000"


def test_it_refuses_a_source_url_that_is_not_http():
    source = Source(title="Synthetic", publisher="Synthetic Gazette", url="ftp://example.org/x")
    assert "url" in _errors(source)
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="Synthetic", publisher="Synthetic", url="javascript:alert(1)")


def test_a_source_may_have_no_url():
    source = Source(title="Synthetic print article", publisher="Synthetic Gazette")
    source.full_clean()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [51.5, -0.1, 7, 8]}, "position"),
        ({"type": "Point", "coordinates": [200, 10]}, "longitude"),
        ({"type": "Point", "coordinates": [10, 95]}, "latitude"),
        ({"type": "Circle", "coordinates": [0, 0]}, "not supported"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}, "ring"),
        ({"type": "LineString", "coordinates": [[0, 0]]}, "two positions"),
        ("POINT(0 0)", "GeoJSON"),
    ],
)
def test_it_refuses_an_invalid_geometry(geometry, message):
    location = Location(
        deployment=make_deployment(),
        name="Synthetic site",
        precision="approximate",
        geometry=geometry,
    )
    assert message in " ".join(_errors(location)["geometry"])


def test_it_keeps_a_representative_point_for_each_location():
    d = make_deployment()
    polygon = {"type": "Polygon", "coordinates": [[[0, 50], [2, 50], [2, 52], [0, 52], [0, 50]]]}
    location = Location.objects.create(
        deployment=d, name="Synthetic area", precision="city", geometry=polygon
    )
    assert (location.longitude, location.latitude) == (1.0, 51.0)


def test_it_needs_a_geometry_for_an_exact_site_and_a_country_for_a_national_one():
    d = make_deployment()
    assert "geometry" in _errors(Location(deployment=d, name="Synthetic", precision="exact"))
    assert "country" in _errors(Location(deployment=d, name="Synthetic", precision="national"))
    Location(deployment=d, name="Across Europe", precision="multi").full_clean()


def test_it_needs_an_event_date_at_least_to_the_year():
    event = Event(deployment=make_deployment(), source=make_source(), kind="announced")
    errors = _errors(event)
    assert "year" in " ".join(errors.get("date_precision", []))


def test_it_needs_a_named_instrument_unless_none_is_stated():
    basis = LegalBasis(
        deployment=make_deployment(),
        source=make_source(),
        instrument_type="statute",
        status="asserted",
    )
    assert "none stated" in _errors(basis)["instrument"][0]


def test_it_refuses_to_publish_without_a_source():
    d = make_deployment(cited=False)
    assert any("source" in problem for problem in d.publication_problems())
    assert make_deployment().publication_problems() == []


def test_published_only_lists_published_records():
    public = make_deployment(publication="published")
    for state in ("draft", "review", "withdrawn"):
        make_deployment(publication=state)
    assert list(Deployment.objects.published()) == [public]


def _fixed_words_under(prefix: str) -> set[str]:
    """The fixed first segments after `prefix` of every URL pattern: where a slug could go."""
    from django.urls import get_resolver

    words = set()
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", [pattern]):
            route = str(pattern.pattern) + str(inner.pattern)
            if route.startswith(prefix):
                word = route[len(prefix) :].split("/")[0].split(".")[0]
                if word and "<" not in word:
                    words.add(word)
    return words


@pytest.mark.parametrize("prefix", ["deployments/", "organisations/", "technologies/"])
def test_every_fixed_word_of_an_address_is_a_reserved_slug(prefix):
    assert _fixed_words_under("deployments/") >= {"map", "timeline"}  # the walk finds them
    assert _fixed_words_under(prefix) <= RESERVED_SLUGS


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Deployment, Organisation, Technology])
def test_it_refuses_a_reserved_slug_with_a_clear_message(model):
    record = model(slug="map", name="Synthetic name") if model is not Deployment else None
    record = record or Deployment(slug="map", title="Synthetic map", summary="Synthetic.")
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "“map” is reserved" in str(refused.value.message_dict["slug"])


@pytest.mark.django_db
def test_the_database_refuses_a_reserved_slug_written_without_the_model():
    Technology.objects.create(name="Synthetic tech", slug="synthetic-tech", description="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Technology.objects.filter(slug="synthetic-tech").update(slug="timeline")


def test_the_lists_default_order_index_survives_the_migrations():
    """Made outside the model's Meta (migration 0004), so a migration that rebuilds the table
    on SQLite would drop it silently and the first list page would sort the whole table."""
    from django.db import connection

    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "deployments_deployment")
    assert "deployment_listing" in indexes


def test_a_descriptive_field_takes_what_real_reporting_says():
    source = make_source()
    long_scale = "Synthetic scale, " * 50  # 850 characters
    deployment = make_deployment(scale=long_scale)
    deployment.full_clean()
    role = Involvement(
        deployment=deployment,
        organisation=Organisation.objects.create(name="Synthetic Fund", slug="synthetic-fund"),
        role=Involvement.Role.FUNDER,
        note="Synthetic note on its role. " * 30,
        source=source,
    )
    role.full_clean()
    role.save()
    deployment.refresh_from_db()
    assert deployment.scale == long_scale
    with pytest.raises(ValidationError, match="scale"):
        Deployment(title="x", slug="x", summary="x", scale="x" * 1001).full_clean()
