"""The register's freshness token: what moves it, what it keys, and the HTTP caching it drives."""

import datetime as dt
import re
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings

from deployments.core import freshness
from deployments.models import Cost, Deployment, Involvement, Organisation
from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def _count_on_list(client, query="") -> int:
    body = client.get("/deployments/" + query).content.decode()
    return int(re.search(r"<strong>(\d+)</strong> published deployment", body).group(1))


def test_it_moves_the_token_when_a_published_record_or_its_costs_change(cast):
    before = freshness.current()
    cast.camera.summary = "Synthetic summary, corrected."
    cast.camera.save()
    after_edit = freshness.current()
    assert after_edit.token != before.token
    assert after_edit.changed >= before.changed
    Cost.objects.create(
        deployment=cast.camera, amount=Decimal(1), currency="GBP", source=cast.source
    )
    assert freshness.current().token != after_edit.token


def test_it_keeps_the_token_when_only_a_never_published_draft_changes(cast):
    before = freshness.current()
    cast.draft.summary = "Synthetic draft, reworded."
    cast.draft.save()
    Cost.objects.create(
        deployment=cast.draft, amount=Decimal(2), currency="GBP", source=cast.source
    )
    cast.draft.technologies.set([cast.anpr])
    assert freshness.current() == before


def test_it_moves_the_token_for_a_shared_name_only_when_a_published_record_uses_it(cast):
    only_in_draft = Organisation.objects.create(name="Synthetic Draft-Only Ltd", slug="draft-only")
    Involvement.objects.create(deployment=cast.draft, organisation=only_in_draft, role="supplier")
    before = freshness.current()
    only_in_draft.name = "Synthetic Draft-Only Limited"
    only_in_draft.save()
    assert freshness.current() == before
    cast.police.name = "Synthetic Police Service"
    cast.police.save()
    assert freshness.current().token != before.token


def test_it_moves_the_token_on_publishing_and_withdrawing(cast):
    before = freshness.current()
    cast.draft.publication = Deployment.Publication.PUBLISHED
    cast.draft.save()
    published = freshness.current()
    assert published.token != before.token
    cast.draft.publication = Deployment.Publication.WITHDRAWN
    cast.draft.save()
    assert freshness.current().token != published.token


def test_it_does_not_reveal_draft_edits_in_last_modified(client, cast):
    first = client.get("/deployments.csv")
    cast.draft.summary = "Synthetic draft, reworded again."
    cast.draft.save()
    second = client.get("/deployments.csv")
    assert first["Last-Modified"] == second["Last-Modified"]
    assert first["ETag"] == second["ETag"]


def test_it_recounts_cached_facets_and_totals_after_publishing(client, cast):
    query = "?technology=anpr"
    before = _count_on_list(client, query)
    assert _count_on_list(client, query) == before  # now from the cache
    cast.draft.technologies.set([cast.anpr])
    assert _count_on_list(client, query) == before  # a draft changes nothing public
    cast.draft.publication = Deployment.Publication.PUBLISHED
    cast.draft.save()
    assert _count_on_list(client, query) == before + 1
    facet = client.get("/deployments/").content.decode()
    assert "Synthetic ANPR" in facet


def test_it_lets_caches_hold_anonymous_pages_and_answers_304_when_unchanged(client, cast):
    response = client.get("/deployments/?technology=anpr")
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "public" in control and "max-age=0" in control
    assert f"s-maxage={freshness.SHARED_CACHE_SECONDS}" in control
    assert "Cookie" in response["Vary"]
    again = client.get("/deployments/?technology=anpr", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    other = client.get("/deployments/?technology=face", HTTP_IF_NONE_MATCH=response["ETag"])
    assert other.status_code == 200  # another question is another page


def test_it_serves_a_fresh_page_once_something_public_changes(client, cast):
    response = client.get("/deployments/")
    cast.camera.title = "Synthetic camera, retitled"
    cast.camera.save()
    again = client.get("/deployments/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 200
    assert "Synthetic camera, retitled" in again.content.decode()


def test_it_keeps_pages_private_for_signed_in_staff(client, cast):
    client.cookies[settings.SESSION_COOKIE_NAME] = "synthetic-session"
    response = client.get("/deployments/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


def test_it_never_caches_an_error_page(client, cast):
    response = client.get("/deployments/?from=2024-13")
    assert response.status_code == 400
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_it_keys_cached_values_by_day_as_well_as_token(monkeypatch):
    calls = []
    assert freshness.cached("synthetic", "k", lambda: calls.append(1) or 1) == 1
    assert freshness.cached("synthetic", "k", lambda: calls.append(1) or 2) == 1
    tomorrow = freshness.timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(freshness.timezone, "localdate", lambda: tomorrow)
    assert freshness.cached("synthetic", "k", lambda: calls.append(1) or 3) == 3
    assert len(calls) == 2


def test_a_new_version_of_the_code_reuses_no_cached_value_and_no_etag(client, cast, monkeypatch):
    assert freshness.cached("synthetic", "k", lambda: "old code's") == "old code's"
    etag = client.get("/deployments/")["ETag"]
    assert client.get("/deployments/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    monkeypatch.setattr(freshness, "CODE_VERSION", "synthetic-next-release")

    assert freshness.cached("synthetic", "k", lambda: "new code's") == "new code's"
    response = client.get("/deployments/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_crowd_after_an_edit_computes_a_count_once():
    # Eight requests at once find no entry: one computes, seven wait for its result.
    calls, results, start = [], [], threading.Barrier(8)

    def slow_count():
        calls.append(1)
        time.sleep(0.5)
        return 42

    def request():
        start.wait()
        results.append(freshness.cached("synthetic-crowd", "k", slow_count))

    crowd = [threading.Thread(target=request) for _ in range(8)]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join(10)

    assert results == [42] * 8
    assert len(calls) == 1


def test_a_count_whose_computer_died_is_computed_by_the_next_request(monkeypatch):
    monkeypatch.setattr(freshness, "COMPUTE_WAIT_SECONDS", 0.2)
    # A lock left behind by a worker killed while computing.
    key = freshness.cache_key("synthetic", "k", freshness.current()) + ":computing"
    freshness.cache.set(key, 1, 60)

    assert freshness.cached("synthetic", "k", lambda: 7) == 7
