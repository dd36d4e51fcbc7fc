"""What moves a public page's ETag and Last-Modified: a change the public can see, and nothing
else. A draft, a withdrawn record, a proposed change or an organisation no published record
names is on no public page, so working on one must not tell the world when it happened."""

import datetime as dt
from decimal import Decimal

import pytest

from deployments.core import versions
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Response,
)
from deployments.tests.cast import make_cast, point
from deployments.tests.factories import change_data, change_url, make_staff_user

pytestmark = pytest.mark.django_db

# A page that every public change reaches: a list of the register, and an entry's own page.
PAGES = ["/deployments/", "/organisations/", "/deployments.csv"]


@pytest.fixture
def cast():
    """The explore cast, with `watch` withdrawn (its address says why) and `draft` a draft."""
    cast = make_cast()
    cast.watch.publication = Deployment.Publication.WITHDRAWN
    cast.watch.withdrawal_reason = "Synthetic: the source retracted it."
    cast.watch.save()
    cast.withdrawn = cast.watch
    return cast


def _add_child(kind: str, deployment, cast) -> None:
    source = cast.source
    make = {
        "involvement": lambda: Involvement.objects.create(
            deployment=deployment, organisation=cast.police, role="supplier", source=source
        ),
        "location": lambda: Location.objects.create(
            deployment=deployment, name="Synthetic Leeds", country="GB", geometry=point(-1.5, 53.8)
        ),
        "cost": lambda: Cost.objects.create(
            deployment=deployment, amount=Decimal(7), currency="GBP", covers="spend", source=source
        ),
        "event": lambda: Event.objects.create(
            deployment=deployment,
            kind="reported",
            date=dt.date(2025, 1, 1),
            date_precision="year",
            source=source,
        ),
        "legal basis": lambda: LegalBasis.objects.create(
            deployment=deployment,
            instrument_type="statute",
            instrument="Synthetic Bill",
            status="asserted",
            source=source,
        ),
        "impact assessment": lambda: ImpactAssessment.objects.create(
            deployment=deployment, availability="published", source=source
        ),
        "citation": lambda: Citation.objects.create(
            deployment=deployment, source=source, claim="costs"
        ),
        "response": lambda: Response.objects.create(
            deployment=deployment,
            kind="statement",
            person="Synthetic Spokesperson",
            summary="Synthetic reply.",
            source=source,
        ),
    }
    make[kind]()


CHILD_KINDS = [
    "involvement",
    "location",
    "cost",
    "event",
    "legal basis",
    "impact assessment",
    "citation",
    "response",
]


def _save(deployment, **fields):
    for name, value in fields.items():
        setattr(deployment, name, value)
    deployment.save()


def _rename(organisation, name):
    organisation.name = name
    organisation.save()


# (what is done, does a public page move)
EDITS = {
    "publish a draft": (lambda c: _save(c.draft, publication="published"), True),
    "withdraw a published record": (lambda c: _save(c.camera, publication="withdrawn"), True),
    "edit a published record": (lambda c: _save(c.camera, summary="Synthetic, corrected."), True),
    "edit a draft": (lambda c: _save(c.draft, summary="Synthetic, reworded."), False),
    "edit a withdrawn record": (lambda c: _save(c.withdrawn, summary="Synthetic, again."), False),
    "edit the reason a withdrawn record gives": (
        lambda c: _save(c.withdrawn, withdrawal_reason="Synthetic: a better reason."),
        True,
    ),
    "retitle a withdrawn record (its address shows the title)": (
        lambda c: _save(c.withdrawn, title="Synthetic watch, retitled"),
        True,
    ),
    "move a withdrawn record back to draft (its address stops answering 410)": (
        lambda c: _save(c.withdrawn, publication="draft"),
        True,
    ),
    "a technology on a published record": (lambda c: c.camera.technologies.add(c.face), True),
    "a technology on a withdrawn record": (lambda c: c.withdrawn.technologies.add(c.anpr), False),
    "a technology on a draft": (lambda c: c.draft.technologies.remove(c.face), False),
    "delete a cost of a published record": (
        lambda c: c.camera.costs.get().delete(),
        True,
    ),
    "delete a cost of a withdrawn record": (lambda c: c.withdrawn.costs.get().delete(), False),
    "create an unused organisation": (
        lambda c: Organisation.objects.create(name="Synthetic Unused", slug="unused"),
        False,
    ),
    "delete an unused organisation": (
        lambda c: Organisation.objects.get(slug="unused-before").delete(),
        False,
    ),
    "rename an organisation a published record names": (
        lambda c: _rename(c.police, "Synthetic Police Service"),
        True,
    ),
    "rename an organisation only a withdrawn record names": (
        lambda c: _rename(c.devices_only_withdrawn, "Synthetic Withdrawn Ltd, renamed"),
        False,
    ),
    "rename a technology a published record names": (
        lambda c: _rename(c.anpr, "Synthetic ANPR, renamed"),
        True,
    ),
    "delete a published record": (lambda c: c.scanner.delete(), True),
    "delete a never-published draft": (lambda c: c.draft.delete(), False),
}
for _kind in CHILD_KINDS:
    EDITS[f"add a {_kind} to a published record"] = (
        lambda c, k=_kind: _add_child(k, c.camera, c),
        True,
    )
    EDITS[f"add a {_kind} to a withdrawn record"] = (
        lambda c, k=_kind: _add_child(k, c.withdrawn, c),
        False,
    )
    EDITS[f"add a {_kind} to a draft"] = (lambda c, k=_kind: _add_child(k, c.draft, c), False)
EDITS["edit a cost of a published record"] = (
    lambda c: _save(c.camera.costs.get(), amount=Decimal(1)),
    True,
)
EDITS["edit a cost of a withdrawn record"] = (
    lambda c: _save(c.withdrawn.costs.get(), amount=Decimal(1)),
    False,
)


@pytest.mark.parametrize("name", EDITS)
def test_it_moves_the_validators_of_public_pages_only_for_a_public_change(client, cast, name):
    Organisation.objects.create(name="Synthetic Unused Before", slug="unused-before")
    cast.devices_only_withdrawn = Organisation.objects.create(
        name="Synthetic Withdrawn Ltd", slug="withdrawn-ltd"
    )
    Involvement.objects.create(
        deployment=cast.withdrawn, organisation=cast.devices_only_withdrawn, role="operator"
    )
    before = {url: client.get(url) for url in PAGES}
    edit, moves = EDITS[name]

    edit(cast)

    for url, first in before.items():
        assert first.status_code == 200
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        if moves:
            assert again.status_code == 200, url
            assert again["ETag"] != first["ETag"], url
        else:
            assert again.status_code == 304, url
            assert again["ETag"] == first["ETag"], url
            assert again["Last-Modified"] == first["Last-Modified"], url


def test_a_proposed_change_to_a_published_record_moves_nothing_then_or_later(client, cast):
    researcher = make_staff_user("synthetic-researcher", "researcher")
    editor = make_staff_user("synthetic-editor", "editor")
    first = client.get("/deployments/")
    client.force_login(researcher)
    data = change_data(cast.camera) | {
        "change_reason": "Synthetic: a better summary.",
        "summary": "Synthetic, as a researcher proposes it.",
    }
    assert client.post(change_url(cast.camera), data).status_code == 302
    assert cast.camera.revisions.count() == 1
    # The proposal's save was taken back; a later, unpublic write on the same connection must
    # not carry it into the token either.
    client.force_login(editor)
    draft = change_data(cast.draft) | {"summary": "Synthetic, a draft reworded."}
    assert client.post(change_url(cast.draft), draft).status_code == 302
    client.logout()

    again = client.get("/deployments/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_the_change_log_shows_no_edit_made_while_the_record_was_withdrawn(client, cast):
    camera = cast.camera
    _save(camera, summary="Synthetic, edited while published.")
    _save(camera, publication="withdrawn", withdrawal_reason="Synthetic: checking it.")
    _save(camera, summary="Synthetic, edited while withdrawn.")
    Cost.objects.create(
        deployment=camera, amount=Decimal(5), currency="GBP", covers="spend", source=cast.source
    )
    _save(camera, scale="Synthetic ten cameras, while withdrawn.")
    _save(camera, publication="published")

    log = client.get(f"/deployments/{camera.slug}.json").json()["changes"]
    page = client.get(camera.get_absolute_url()).content.decode()

    # One entry for the publication again, showing the new public state against the last
    # public one; none for each edit made meanwhile, and no state between them to cite.
    newest, before = log[0], log[1]
    assert newest["what"] == "Published again"
    assert before["changes"] == [
        "Summary: Hidden cameras along synthetic routes. → Synthetic, edited while published."
    ]
    assert (
        "Summary: Synthetic, edited while published. → Synthetic, edited while withdrawn."
        in (newest["changes"])
    )
    assert not any("withdrawn" in e["what"].casefold() for e in log)
    versions_shown = [e["version"] for e in log]
    assert versions_shown == sorted(versions_shown, reverse=True)
    assert len(versions.published_versions(camera.pk)) == len(log)
    assert "Synthetic, edited while withdrawn." in page
