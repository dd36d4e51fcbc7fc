"""Reviewed changes, as a researcher and an editor use them: a researcher's edit to a published
record waits, invisible to the public, until an editor approves it; a rejection says why."""

from decimal import Decimal

import pytest
from django.urls import reverse

from deployments.core import versions
from deployments.models import Cost, Deployment, Revision
from deployments.tests.factories import (
    add_row,
    change_data,
    change_url,
    make_deployment,
    make_staff_user,
)
from deployments.tests.test_visibility import PUBLIC_PAGES, _text

pytestmark = pytest.mark.django_db


@pytest.fixture
def researcher(client):
    client.force_login(make_staff_user("synthetic-researcher", "researcher"))
    return client


@pytest.fixture
def editor():
    from django.test import Client

    editor = Client()
    editor.force_login(make_staff_user("synthetic-editor", "editor"))
    return editor


@pytest.fixture
def published():
    """A published record with a GBP 150,000 contract and a scale."""
    deployment = make_deployment(
        publication="published", scale="Synthetic ten cameras", slug="synthetic-reviewed"
    )
    Cost.objects.create(
        deployment=deployment,
        source=deployment.citations.get().source,
        amount=Decimal("150000"),
        covers="contract",
    )
    return deployment


def propose(researcher, deployment, **changes):
    data = change_data(deployment) | {"change_reason": "Synthetic: the council's figures."}
    data |= changes
    return researcher.post(change_url(deployment), data)


def public_text(client, deployment) -> str:
    urls = [*PUBLIC_PAGES, deployment.get_absolute_url(), f"/deployments/{deployment.slug}.json"]
    return " ".join(_text(client.get(url)) for url in urls)


def test_a_researchers_edit_to_a_published_record_waits_invisible_until_approved(
    client, researcher, editor, published
):
    from django.test import Client

    public = Client()
    before = public_text(public, published)
    assert "Synthetic ten cameras" in before and "999999" not in before

    response = propose(
        researcher, published, scale="Synthetic ninety cameras", **{"costs-0-amount": "999999"}
    )

    revision = Revision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:deployments_revision_change", args=[revision.pk])
    published.refresh_from_db()
    assert published.scale == "Synthetic ten cameras"
    assert Cost.objects.get(deployment=published).amount == Decimal("150000")
    after = public_text(public, published)
    assert "Synthetic ninety cameras" not in after and "999999" not in after
    assert "999,999" not in after

    home = editor.get(reverse("admin:index")).content.decode()
    assert "Changes waiting for review: 1" in home
    page = editor.get(reverse("admin:deployments_revision_change", args=[revision.pk]))
    rows = [(d.what, d.before, d.after) for d in page.context["review"].differences]
    assert ("Scale", "Synthetic ten cameras", "Synthetic ninety cameras") in rows
    assert ("Cost “contract value”", "GBP 150,000", "GBP 999,999") in rows

    approved = editor.post(
        reverse("admin:deployments_revision_change", args=[revision.pk]),
        {"decision": "approve", "note": "Synthetic: checked against the source."},
    )

    assert approved.status_code == 302
    published.refresh_from_db()
    assert published.scale == "Synthetic ninety cameras"
    assert Cost.objects.get(deployment=published).amount == Decimal("999999")
    now = public_text(public, published)
    assert "Synthetic ninety cameras" in now
    assert "GBP 150,000 → GBP 999,999" in _text(public.get(published.get_absolute_url()))
    latest = versions.history(published.pk)[-1]
    assert "the council's figures" in latest.edit.reason and "approved" in latest.edit.reason
    mine = researcher.get(reverse("admin:index")).content.decode()
    assert "approved: Synthetic: checked against the source." in mine


def test_a_rejection_needs_a_note_and_the_researcher_reads_it(researcher, editor, published):
    propose(researcher, published, scale="Synthetic wrong scale")
    revision = Revision.objects.get()
    url = reverse("admin:deployments_revision_change", args=[revision.pk])

    refused = editor.post(url, {"decision": "reject", "note": ""})
    rejected = editor.post(url, {"decision": "reject", "note": "Synthetic: not in the source."})

    assert "Say why you reject it" in refused.content.decode()
    assert rejected.status_code == 302
    revision.refresh_from_db()
    assert revision.status == Revision.Status.REJECTED
    published.refresh_from_db()
    assert published.scale == "Synthetic ten cameras"
    assert (
        "rejected: Synthetic: not in the source."
        in researcher.get(reverse("admin:index")).content.decode()
    )


def test_a_change_saved_since_blocks_the_approval_of_an_older_proposal(
    researcher, editor, published
):
    propose(researcher, published, scale="Synthetic proposed scale")
    revision = Revision.objects.get()
    data = change_data(published) | {"summary": "Synthetic editor's own fix."}
    assert editor.post(change_url(published), data).status_code == 302

    response = editor.post(
        reverse("admin:deployments_revision_change", args=[revision.pk]), {"decision": "approve"}
    )

    assert response.status_code == 200
    assert "approving it would undo that change" in response.content.decode()
    published.refresh_from_db()
    assert (published.scale, published.summary) == (
        "Synthetic ten cameras",
        "Synthetic editor's own fix.",
    )


def test_a_researchers_draft_is_saved_at_once_and_an_editors_edit_goes_live(
    researcher, editor, published
):
    draft = make_deployment(title="Synthetic draft")
    data = change_data(draft) | {"title": "Synthetic draft, better"}
    assert researcher.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Synthetic draft, better"

    data = change_data(published) | {"scale": "Synthetic editor scale"}
    assert editor.post(change_url(published), data).status_code == 302
    assert Deployment.objects.get(pk=published.pk).scale == "Synthetic editor scale"
    assert not Revision.objects.exists()


def test_a_researcher_sees_only_their_own_proposals_and_cannot_approve(
    researcher, client, published
):
    propose(researcher, published, scale="Synthetic mine")
    revision = Revision.objects.get()
    url = reverse("admin:deployments_revision_change", args=[revision.pk])

    assert researcher.get(url).status_code == 200
    assert researcher.post(url, {"decision": "approve"}).status_code == 403
    other = make_staff_user("synthetic-researcher-b", "researcher")
    client.force_login(other)
    assert client.get(url).status_code in (302, 404)  # not theirs: not found
    published.refresh_from_db()
    assert published.scale == "Synthetic ten cameras"


def test_a_proposal_can_add_a_row_and_approval_adds_it(researcher, editor, published):
    data = change_data(published) | {"change_reason": "Synthetic: a budget too."}
    add_row(data, "costs", {"amount": "5", "currency": "GBP", "qualifier": "exact"})
    source = published.citations.get().source
    data |= {"costs-1-covers": "budget", "costs-1-source": str(source.pk)}
    assert researcher.post(change_url(published), data).status_code == 302
    assert Cost.objects.filter(deployment=published).count() == 1

    editor.post(
        reverse("admin:deployments_revision_change", args=[Revision.objects.get().pk]),
        {"decision": "approve"},
    )

    assert sorted(Cost.objects.filter(deployment=published).values_list("covers", flat=True)) == [
        "budget",
        "contract",
    ]


def test_a_researchers_rename_of_what_a_published_record_shows_waits_for_an_editor(
    client, researcher, editor, published
):
    """The shared entry keeps its published name everywhere until an editor approves."""
    from deployments.models import Involvement, Organisation

    shown = Organisation.objects.create(name="Synthetic Shown Ltd", slug="synthetic-shown")
    Involvement.objects.create(deployment=published, organisation=shown, role="supplier")
    draft_only = Organisation.objects.create(name="Synthetic Draft Ltd", slug="synthetic-draft")
    Involvement.objects.create(
        deployment=make_deployment(), organisation=draft_only, role="supplier"
    )
    url = reverse("admin:deployments_organisation_change", args=[shown.pk])

    def rename(client, organisation, name, **extra):
        url = reverse("admin:deployments_organisation_change", args=[organisation.pk])
        data = {"name": name, "slug": organisation.slug, "kind": "company", "country": ""}
        data |= {"website": "", "description": "", **extra}
        return client.post(url, data)

    form = researcher.get(url).content.decode()
    assert 'name="change_reason"' in form  # asked why, before anything is sent
    unexplained = rename(researcher, shown, "Synthetic Renamed Ltd")
    assert unexplained.status_code == 200
    assert "change_reason" in unexplained.context["adminform"].form.errors

    sent = rename(researcher, shown, "Synthetic Renamed Ltd", change_reason="Synthetic: renamed.")
    revision = Revision.objects.pending().get()
    assert sent.url == reverse("admin:deployments_revision_change", args=[revision.pk])
    assert Organisation.objects.get(pk=shown.pk).name == "Synthetic Shown Ltd"
    for page in PUBLIC_PAGES:
        assert "Synthetic Renamed Ltd" not in _text(client.get(page.format(slug=published.slug)))
    home = editor.get(reverse("admin:index")).content.decode()
    assert "Changes waiting for review: 1" in home
    assert "Synthetic Shown Ltd" in home
    page = editor.get(sent.url).content.decode()
    assert "Synthetic Shown Ltd" in page and "Synthetic Renamed Ltd" in page

    approved = editor.post(sent.url, {"decision": "approve", "note": "Synthetic: checked."})
    assert approved.status_code == 302
    assert Organisation.objects.get(pk=shown.pk).name == "Synthetic Renamed Ltd"
    assert "Synthetic Renamed Ltd" in _text(client.get(f"/deployments/{published.slug}/"))
    csv = _text(client.get("/deployments.csv"))
    assert "Synthetic Renamed Ltd" in csv and "Synthetic Shown Ltd" not in csv
    revision.refresh_from_db()
    assert (revision.status, revision.reviewer.username) == ("approved", "synthetic-editor")
    # Nobody reviews what no published record shows, nor an editor's own change.
    assert rename(researcher, draft_only, "Synthetic Draft Two Ltd").status_code == 302
    assert Organisation.objects.get(pk=draft_only.pk).name == "Synthetic Draft Two Ltd"
    assert rename(editor, shown, "Synthetic Third Ltd").status_code == 302
    assert Organisation.objects.get(pk=shown.pk).name == "Synthetic Third Ltd"
    assert not Revision.objects.pending().exists()


def test_a_proposed_rename_is_not_approved_over_a_later_one(researcher, editor, published):
    from deployments.models import Involvement, Organisation

    shown = Organisation.objects.create(name="Synthetic Shown Ltd", slug="synthetic-shown")
    Involvement.objects.create(deployment=published, organisation=shown, role="supplier")
    url = reverse("admin:deployments_organisation_change", args=[shown.pk])
    data = {"slug": "synthetic-shown", "kind": "company", "country": "", "website": ""}
    data |= {"description": ""}
    researcher.post(url, {**data, "name": "Synthetic A Ltd", "change_reason": "Synthetic."})
    revision = Revision.objects.pending().get()
    editor.post(url, {**data, "name": "Synthetic B Ltd"})  # an editor renames it meanwhile

    refused = editor.post(
        reverse("admin:deployments_revision_change", args=[revision.pk]), {"decision": "approve"}
    )

    assert refused.status_code == 200
    assert "changed after this was proposed" in refused.content.decode()
    assert Organisation.objects.get(pk=shown.pk).name == "Synthetic B Ltd"
    rejected = editor.post(
        reverse("admin:deployments_revision_change", args=[revision.pk]),
        {"decision": "reject", "note": "Synthetic: renamed since."},
    )
    assert rejected.status_code == 302
    revision.refresh_from_db()
    assert revision.status == "rejected"


def test_a_researchers_restore_of_a_published_record_waits_for_an_editor_too(
    researcher, editor, published
):
    published.scale = "Synthetic later scale"
    published.save()
    first = versions.history(published.pk)[-2]
    url = reverse("admin:deployments_deployment_restore", args=[published.pk, first.index])

    response = researcher.post(url, {"reason": "Synthetic: back to the first scale."})

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.scale == "Synthetic later scale"
    revision = Revision.objects.get()
    assert revision.proposed["record"]["scale"] == "Synthetic ten cameras"
    editor.post(
        reverse("admin:deployments_revision_change", args=[revision.pk]), {"decision": "approve"}
    )
    published.refresh_from_db()
    assert (published.scale, published.publication) == ("Synthetic ten cameras", "published")


def test_a_researcher_reopening_the_record_is_told_a_change_is_waiting(researcher, published):
    propose(researcher, published, scale="Synthetic waiting scale")

    page = researcher.get(change_url(published)).content.decode()

    assert "Changes waiting for review" in page
    assert str(Revision.objects.get()) in page


def test_a_proposed_source_date_keeps_the_precision_typed_with_it(researcher, editor, published):
    """A source's date typed as "2022" is a year: approving sets the date and its precision."""
    source = published.citations.get().source
    url = reverse("admin:deployments_source_change", args=[source.pk])
    data = {"title": source.title, "publisher": source.publisher, "source_type": "news"}
    data |= {"url": source.url, "archive_url": "", "published": "2022"}
    data |= {"published_precision": "", "accessed": "", "notes": ""}

    sent = researcher.post(url, {**data, "change_reason": "Synthetic: the year only."})
    assert sent.status_code == 302, sent.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.published_precision == "day"  # unchanged until approved

    editor.post(sent.url, {"decision": "approve"})
    source.refresh_from_db()
    assert (source.published.year, source.published_precision) == (2022, "year")
