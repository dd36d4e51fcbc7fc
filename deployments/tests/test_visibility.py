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


def test_it_withdraws_a_published_record_from_every_page(client):
    cast = make_cast()
    assert client.get("/deployments/camera/").status_code == 200
    cast.camera.publication = Deployment.Publication.WITHDRAWN
    cast.camera.save()
    assert client.get("/deployments/camera/").status_code == 404
    assert "Synthetic camera" not in _text(client.get("/deployments/"))
