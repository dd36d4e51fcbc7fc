"""Drafts, records in review and withdrawn records exist nowhere for the public."""

import pytest

from deployments.models import Deployment, Involvement, Organisation
from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/deployments/",
    "/deployments/?q=hidden",
    "/deployments/map/",
    "/deployments/timeline/",
    "/organisations/police/",
    "/technologies/anpr/",
    "/deployments.csv",
    "/deployments.json",
    "/deployments.geojson",
    "/feeds/deployments.atom",
    "/data/register.zip",
]


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# "withdrawn" here: set before the record was ever published (only SQL can), so never public.
@pytest.mark.parametrize("state", ["draft", "review", "withdrawn"])
def test_it_answers_404_for_an_unpublished_record(client, state):
    cast = make_cast()
    Deployment.objects.filter(pk=cast.draft.pk).update(publication=state)
    assert client.get("/deployments/draft/").status_code == 404
    assert client.get("/deployments/draft.json").status_code == 404


@pytest.mark.parametrize("state", ["draft", "review", "withdrawn"])
def test_it_lists_an_unpublished_record_on_no_public_page(client, state):
    cast = make_cast()
    Deployment.objects.filter(pk=cast.draft.pk).update(
        publication=state, title="Synthetic secret record"
    )
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert "Synthetic secret record" not in text, url
        assert "/deployments/draft/" not in text, url


def test_it_answers_404_for_an_organisation_known_only_from_drafts(client):
    cast = make_cast()
    hidden = Organisation.objects.create(name="Synthetic Hidden Ltd", slug="hidden")
    Involvement.objects.create(deployment=cast.draft, organisation=hidden, role="supplier")
    assert client.get("/organisations/hidden/").status_code == 404
    assert client.get("/organisations/police/").status_code == 200


def withdraw(deployment, reason="", replaced_by=None):
    deployment.publication = Deployment.Publication.WITHDRAWN
    deployment.withdrawal_reason = reason
    deployment.replaced_by = replaced_by
    deployment.save()


def test_it_withdraws_a_published_record_from_every_page(client):
    cast = make_cast()
    assert client.get("/deployments/camera/").status_code == 200
    withdraw(cast.camera, "Synthetic reason.")
    assert client.get("/deployments/camera/").status_code == 410
    for url in PUBLIC_PAGES:
        assert "/deployments/camera/" not in _text(client.get(url)), url


def test_a_withdrawn_records_address_says_when_why_and_what_replaces_it(client):
    """A reader following an old citation learns what happened to the record."""
    cast = make_cast()
    withdraw(cast.camera, "Synthetic reason: merged into a fuller record.", cast.watch)
    cast.camera.refresh_from_db()

    response = client.get("/deployments/camera/")

    assert response.status_code == 410
    text = _text(response)
    assert "Synthetic camera" in text
    assert "withdrawn from the register on" in text
    assert f'datetime="{cast.camera.withdrawn_at:%Y-%m-%d}"' in text
    assert "Synthetic reason: merged into a fuller record." in text
    assert 'href="/deployments/watch/"' in text
    assert "Synthetic summary of camera" not in text  # the claims are gone with the record

    body = client.get("/deployments/camera.json").json()
    assert body["withdrawn"]["title"] == "Synthetic camera"
    assert body["withdrawn"]["reason"] == "Synthetic reason: merged into a fuller record."
    assert body["withdrawn"]["replaced_by"] == "http://testserver/deployments/watch/"
    assert body["withdrawn"]["withdrawn_at"].startswith(f"{cast.camera.withdrawn_at:%Y-%m-%d}")
    assert client.get("/deployments/camera.json").status_code == 410


def test_a_withdrawn_record_links_no_replacement_the_public_cannot_open(client):
    cast = make_cast()
    withdraw(cast.camera, "Synthetic reason.", cast.draft)

    text = _text(client.get("/deployments/camera/"))

    assert "/deployments/draft/" not in text
    assert client.get("/deployments/camera.json").json()["withdrawn"]["replaced_by"] is None


def test_publishing_a_withdrawn_record_again_clears_its_withdrawal_date(client):
    cast = make_cast()
    withdraw(cast.camera, "Synthetic reason.")
    assert cast.camera.withdrawn_at is not None
    cast.camera.publication = Deployment.Publication.PUBLISHED
    cast.camera.save()
    assert cast.camera.withdrawn_at is None
    assert client.get("/deployments/camera/").status_code == 200


def test_a_public_records_former_slug_redirects_for_good(client):
    cast = make_cast()
    cast.camera.slug = "camera-renamed"
    cast.camera.save()

    page = client.get("/deployments/camera/")
    data = client.get("/deployments/camera.json")

    assert (page.status_code, page["Location"]) == (301, "/deployments/camera-renamed/")
    assert (data.status_code, data["Location"]) == (301, "/deployments/camera-renamed.json")
    assert client.get("/deployments/camera-renamed/").status_code == 200


def test_a_drafts_former_slug_is_never_a_link(client):
    """A slug a record had only as a draft was never public, so it is a plain 404, and so is
    a published record's former slug once the record itself is a draft again."""
    cast = make_cast()
    cast.draft.slug = "draft-renamed"
    cast.draft.save()
    cast.draft.publication = Deployment.Publication.PUBLISHED
    cast.draft.save()
    assert client.get("/deployments/draft/").status_code == 404

    cast.camera.slug = "camera-renamed"
    cast.camera.save()
    cast.camera.publication = Deployment.Publication.REVIEW
    cast.camera.save()
    assert client.get("/deployments/camera/").status_code == 404
    assert client.get("/deployments/camera.json").status_code == 404


def test_a_slug_taken_by_a_new_record_opens_the_new_record(client):
    cast = make_cast()
    cast.camera.slug = "camera-renamed"
    cast.camera.save()
    cast.watch.slug = "camera"
    cast.watch.save()

    response = client.get("/deployments/camera/")

    assert response.status_code == 200
    assert response.context["deployment"] == cast.watch
