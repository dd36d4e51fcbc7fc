"""The home page's charts count what they say: each deployment once, in the year it is first
dated; amounts per currency and per kind of figure; a "No year" bar that never sets the scale;
and "Latest updated" lists edits, not the records just published."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from deployments.explore import charts
from deployments.models import Cost, Deployment, Event
from deployments.seed import load_seed_register
from deployments.tests.factories import make_deployment, make_technology

pytestmark = pytest.mark.django_db


def _counts(chart) -> dict[str, dict[str, float]]:
    return {bar.label: {s.label: s.value for s in bar.segments} for bar in chart.bars}


def test_on_the_seed_register_each_deployment_counts_once():
    load_seed_register()
    published = Deployment.objects.published()
    chart = charts.deployments_by_year(published)
    assert sum(bar.total for bar in chart.bars) == published.count() == 6
    # Undated records at their first dated event: the smartwatches' DPIA (August 2021), the
    # Proc764 contract (July 2022), the trial's announcement (October 2024).
    totals = {bar.label: bar.total for bar in chart.bars if bar.total}
    assert totals == {"2021": 1, "2022": 1, "2024": 1, charts.UNKNOWN: 3}


def test_a_record_with_several_technologies_is_one_deployment_of_several():
    record = make_deployment(
        publication="published", start_date=dt.date(2020, 1, 1), start_precision="year"
    )
    record.technologies.add(make_technology())
    single = make_deployment(
        publication="published", start_date=dt.date(2020, 1, 1), start_precision="year"
    )
    bare = make_deployment(
        publication="published", start_date=dt.date(2021, 1, 1), start_precision="year"
    )
    bare.technologies.clear()
    chart = charts.deployments_by_year(Deployment.objects.published())
    name = single.technologies.get().name
    assert _counts(chart) == {
        "2020": {charts.SEVERAL: 1, name: 1},
        "2021": {charts.NO_TECHNOLOGY: 1},
    }


def test_an_undated_record_counts_at_its_first_event_or_under_no_year():
    evented = make_deployment(publication="published")
    source = evented.citations.get().source
    for year in (2023, 2019):
        Event.objects.create(
            deployment=evented,
            source=source,
            kind="reported",
            date=dt.date(year, 5, 1),
            date_precision="month",
        )
    make_deployment(publication="published")  # no date at all
    chart = charts.deployments_by_year(Deployment.objects.published())
    # In 2019, its earliest event, and in no other year.
    assert [(bar.label, bar.total) for bar in chart.bars] == [("2019", 1), (charts.UNKNOWN, 1)]


def test_the_no_year_bar_never_sets_the_scale():
    chart = charts.stacked([(2020, "a", 1), (2021, "a", 2), (None, "a", 40)])
    undated = chart.bars[-1]
    assert undated.label == charts.UNKNOWN and undated.total == 40
    assert undated.clipped
    assert chart.maximum == 2
    tallest = max(chart.bars[:-1], key=lambda bar: bar.total)
    assert tallest.segments[0].height == charts.CHART_HEIGHT
    assert undated.segments[0].height == charts.CHART_HEIGHT  # cut at the top, not 20 times it
    # After a gap: it does not read as the year after the last.
    step = chart.bars[1].x - chart.bars[0].x
    assert undated.x - chart.bars[-2].x == pytest.approx(2 * step)


def test_bars_share_the_plot_whatever_their_number():
    few = charts.stacked([(2020, "a", 1), (2022, "a", 1)])
    many = charts.stacked([(year, "a", 1) for year in range(1990, 2026)])
    assert few.bar_width > many.bar_width
    assert few.width <= charts.PLOT_WIDTH
    assert many.width == pytest.approx(charts.PLOT_WIDTH, rel=0.35)


def test_amounts_are_never_added_across_kinds_or_currencies():
    record = make_deployment(
        publication="published", start_date=dt.date(2022, 1, 1), start_precision="year"
    )
    source = record.citations.get().source
    for amount, currency, covers in [
        ("100", "GBP", "budget"),
        ("50", "GBP", "contract"),
        ("70", "GBP", "contract"),
        ("9", "EUR", "contract"),
    ]:
        Cost.objects.create(
            deployment=record,
            source=source,
            amount=Decimal(amount),
            currency=currency,
            covers=covers,
        )
    found = charts.spend_by_year(Deployment.objects.published())
    assert {key: chart.bars[0].total for key, chart in found.items()} == {
        ("EUR", "Contract value"): 9,
        ("GBP", "Budget"): 100,
        ("GBP", "Contract value"): 120,
    }


def test_latest_updated_lists_edits_not_new_publications(client):
    long_ago = timezone.now() - dt.timedelta(days=30)
    edited = make_deployment(publication="published")
    Deployment.objects.filter(pk=edited.pk).update(published_at=long_ago)
    fresh = [make_deployment(publication="published") for _ in range(7)]
    page = client.get("/")
    latest = [d.pk for d in page.context["latest_published"]]
    updated = [d.pk for d in page.context["latest_updated"]]
    assert latest == [d.pk for d in reversed(fresh)][:6]
    assert updated == [edited.pk]
    assert "Deployments by the year first dated" in page.content.decode()
