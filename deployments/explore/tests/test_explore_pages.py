"""The list page, facets, chips, the 400 page and the pinned query counts."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from deployments.core import filters
from deployments.core.dates import Precision
from deployments.explore import facets, records, timeline
from deployments.models import Citation, Deployment, Involvement, Location
from deployments.tests.cast import make_cast, point

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def listed(response) -> list[str]:
    return [d.slug for d in response.context["page"].object_list]


def test_it_lists_what_the_filter_gives(client, cast):
    response = client.get("/deployments/", {"technology": "anpr", "sort": "title"})
    assert response.status_code == 200
    assert listed(response) == ["camera", "scanner"]
    text = re.sub(r"<[^>]+>|\s+", " ", response.content.decode())
    assert "2 published deployments match these filters" in re.sub(r" +", " ", text)


def test_it_shows_active_filters_as_removable_chips(client, cast):
    response = client.get("/deployments/?technology=anpr&status=trial")
    chips = {chip["label"]: chip["remove"] for chip in response.context["chips"]}
    assert chips["Technology: Synthetic ANPR"] == "?status=trial"
    assert chips["Status: Trial or pilot"] == "?technology=anpr"


def test_it_answers_400_naming_the_bad_parameter(client, cast):
    response = client.get("/deployments/?technology=anpr&technology=999999&page=abc")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<code>technology</code>" in body
    assert "<code>page</code>" in body
    assert "Synthetic camera" not in body  # no results are shown for a bad question


@pytest.mark.parametrize(
    "query",
    ["from=2024-13", "bbox=1,2", "cost_min=abc&currency=GBP", "country=ZZ", "sort=random"],
)
def test_it_never_widens_results_on_bad_input(client, cast, query):
    assert client.get(f"/deployments/?{query}").status_code == 400


def test_it_answers_400_for_a_page_past_the_end(client, cast):
    response = client.get("/deployments/?page=9")
    assert response.status_code == 400
    assert "no page 9" in response.content.decode()


def test_it_counts_each_facet_option_with_the_other_filters_applied(cast):
    filterset = filters.filtered(QueryDict("technology=anpr&country=GB"))
    assert filterset.is_valid()
    counts = facets.all_facets(filterset)
    technology = {o.value: (o.count, o.selected) for o in counts["technology"]}
    # Technology counts ignore the technology filter but keep country=GB.
    assert technology == {"anpr": (1, True), "face": (1, False)}
    country = {o.value: o.count for o in counts["country"]}
    # Country counts keep technology=anpr: camera (GB) and scanner (FR).
    assert country == {"GB": 1, "FR": 1}
    status = {o.value: o.count for o in counts["status"]}
    assert status["trial"] == 1 and status["active"] == 0 and status["ended"] == 0
    organisation = {o.value: o.count for o in counts["organisation"]}
    assert organisation == {"police": 1, "devices": 0}


def test_it_keeps_zero_count_options_visible_and_marked(client, cast):
    response = client.get("/deployments/?country=FR")
    body = response.content.decode()
    assert 'value="trial"' in body  # no record is on trial in France, still offered
    assert 'class="zero"' in body


def test_it_counts_years_with_the_same_overlap_rule_as_the_date_filter(cast):
    filterset = filters.filtered(QueryDict(""))
    assert filterset.is_valid()
    years = {o.value: o.count for o in facets.year(filterset, today=dt.date(2026, 11, 21))}
    assert years["2021"] == 1 and years["2022"] == 1 and years["2023"] == 0
    assert years["2024"] == 1 and years["2026"] == 1  # camera is open-ended
    for year, count in years.items():
        assert len(_slugs(f"from={year}&to={year}")) == count


def _slugs(query):
    filterset = filters.filtered(QueryDict(query))
    assert filterset.is_valid()
    return list(filterset.qs)


def _grow(n: int, cast) -> None:
    """Add n published deployments shaped like the cast, so query counts can be compared."""
    for i in range(n):
        d = Deployment.objects.create(
            title=f"Synthetic bulk {i}",
            slug=f"synthetic-bulk-{i}",
            summary="Synthetic.",
            publication="published",
            status="active",
            start_date=dt.date(2020, 1, 1),
            start_precision=Precision.YEAR,
        )
        d.technologies.set([cast.anpr, cast.face])
        Citation.objects.create(deployment=d, source=cast.source)
        Involvement.objects.create(deployment=d, organisation=cast.police, role="operator")
        Location.objects.create(
            deployment=d,
            name="Synthetic spot",
            country="GB",
            precision="exact",
            geometry=point(-1 + i / 1000, 52),
        )


PAGES = [
    "/",
    "/deployments/?technology=anpr&country=GB&from=2019",
    "/deployments/?q=synthetic&sort=-cost&currency=GBP",
    "/deployments/map/?technology=anpr",
    "/deployments/timeline/?technology=anpr",
    "/deployments/camera/",
    "/organisations/police/",
    "/technologies/anpr/",
]


@pytest.mark.parametrize("url", PAGES)
def test_it_runs_the_same_number_of_queries_for_5_or_200_records(
    client, cast, url, django_assert_num_queries
):
    _grow(2, cast)
    assert client.get(url).status_code == 200  # warm per-process caches (content types)
    cache.clear()  # both measured requests count cold: cached facets would hide a growing query
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_more(cast, 200)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/deployments/timeline/?technology=anpr", "timeline"),
        ("/organisations/police/", "mini_timeline"),
        ("/technologies/anpr/", "mini_timeline"),
    ],
)
def test_it_runs_the_same_number_of_queries_for_an_aggregate_timeline_of_5_or_200_records(
    client, cast, url, name, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(timeline, "MAX_ROWS", 2)  # every timeline here counts per year
    _grow(2, cast)
    assert client.get(url).context[name].is_aggregate  # and warms per-process caches
    cache.clear()  # both measured requests count cold, as above
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_more(cast, 200)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context[name].is_aggregate
    assert response.context[name].count > 200


def _grow_more(cast, n):
    existing = Deployment.objects.count()
    for i in range(existing, existing + n):
        d = Deployment.objects.create(
            title=f"Synthetic more {i}",
            slug=f"synthetic-more-{i}",
            summary="Synthetic.",
            publication="published",
            status="trial",
            start_date=dt.date(2019, 1, 1),
            start_precision=Precision.YEAR,
        )
        d.technologies.set([cast.anpr])
        Citation.objects.create(deployment=d, source=cast.source)
        Involvement.objects.create(deployment=d, organisation=cast.police, role="operator")


@pytest.mark.parametrize(
    ("url", "query"),
    [("/organisations/police/", "organisation=police"), ("/technologies/anpr/", "technology=anpr")],
)
def test_it_links_organisation_and_technology_pages_to_the_filtered_views(client, cast, url, query):
    body = client.get(url).content.decode()
    for view in (
        "/deployments/",
        "/deployments/map/",
        "/deployments/timeline/",
        "/deployments.csv",
    ):
        assert f'href="{view}?{query}"' in body


@pytest.mark.parametrize(
    ("url", "query"),
    [("/organisations/police/", "organisation=police"), ("/technologies/anpr/", "technology=anpr")],
)
def test_it_lists_only_the_latest_records_and_links_to_all(client, cast, url, query, monkeypatch):
    monkeypatch.setattr(records, "COLLECTION_LIMIT", 2)
    _grow(3, cast)  # 2020 starts, under police and ANPR; camera started in October 2024

    response = client.get(url)
    total = response.context["total"]
    listed = [d.slug for d in response.context["deployments"]]
    assert total == (4 if "police" in url else 5)  # the draft is never counted
    assert listed[0] == "camera" and len(listed) == 2
    body = response.content.decode()
    assert f"Deployments ({total})" in body
    assert f'<a href="/deployments/?{query}">See all {total} in the list</a>' in body


def test_it_offers_the_same_question_without_the_bad_parameter(client, cast):
    response = client.get("/deployments/?technology=anpr&from=2024-13&page=2")
    assert response.status_code == 400
    assert 'href="/deployments/?technology=anpr"' in response.content.decode()


def test_a_regulators_finding_and_a_funder_are_filters_and_facets(client, cast):
    """Vocabulary that real European records needed: unlawfulness found by a data-protection
    authority, and an organisation that funded a deployment."""
    from deployments.models import LegalBasis, Organisation

    source = cast.camera.citations.get().source
    LegalBasis.objects.create(
        deployment=cast.scanner,
        source=source,
        instrument_type="regulation",
        instrument="Synthetic Regulation",
        status=LegalBasis.Status.UNLAWFUL_REGULATOR,
    )
    fund = Organisation.objects.create(name="Synthetic Fund", slug="fund")
    Involvement.objects.create(deployment=cast.watch, organisation=fund, role="funder")

    assert listed(client.get("/deployments/?legal_status=unlawful_regulator")) == ["scanner"]
    assert listed(client.get("/deployments/?role=funder")) == ["watch"]
    filterset = filters.filtered(QueryDict(""))
    assert filterset.is_valid()
    counts = facets.all_facets(filterset)
    legal = {o.value: (o.label, o.count) for o in counts["legal_status"]}
    assert legal["unlawful_regulator"] == (
        "Found unlawful by a regulator or data-protection authority",
        1,
    )
    assert legal["partly_unlawful"][1] == 0
    page = client.get("/deployments/scanner/").content.decode()
    assert "Found unlawful by a regulator or data-protection authority" in page


def test_it_says_an_unresearched_legal_basis_is_not_researched_yet(client, cast):
    # The scanner has no legal-basis row: nobody looked, which is not "none found".
    page = client.get(cast.scanner.get_absolute_url()).content.decode()
    assert "Not researched yet" in page
    assert "stated or found" not in page
