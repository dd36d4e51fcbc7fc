"""Who may do what in the admin: researchers enter data, editors also publish and delete."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from deployments.core import versions
from deployments.editing.forms import EDITORS_ONLY, NEEDS_CITATION, NEEDS_REASON
from deployments.models import Deployment, Revision
from deployments.tests.factories import (
    ADD_URL,
    CHANGELIST_URL,
    change_data,
    change_url,
    deployment_data,
    empty_inlines,
    make_deployment,
    make_source,
    make_staff_user,
    make_technology,
)

pytestmark = pytest.mark.django_db

PUBLISHED = Deployment.Publication.PUBLISHED
WITHDRAWN = Deployment.Publication.WITHDRAWN


@pytest.fixture
def researcher(client):
    client.force_login(make_staff_user("synthetic-researcher", "researcher"))
    return client


@pytest.fixture
def researcher_user():
    return make_staff_user("synthetic-researcher-2", "researcher")


@pytest.fixture
def editor(client):
    client.force_login(make_staff_user("synthetic-editor", "editor"))
    return client


def new_deployment_data(**fields) -> dict:
    """A minimal add-page post: the record, one technology, one citation."""
    data = deployment_data(Deployment(title="Synthetic new", slug="synthetic-new"))
    data |= {"summary": "Made up.", "technologies": [make_technology().pk]}
    data |= empty_inlines()
    data |= {
        "citations-TOTAL_FORMS": "1",
        "citations-0-source": str(make_source().pk),
        "citations-0-claim": "general",
    }
    return data | fields


def run_action(client, action: str, *deployments, **answers):
    """The changelist's action; with answers, also the action's own page posted back."""
    data = {"action": action, "_selected_action": [d.pk for d in deployments]}
    if answers:
        data |= {"confirm": "yes", **answers}
    return client.post(CHANGELIST_URL, data, follow=True)


def test_it_creates_the_researcher_and_editor_groups_with_their_permissions():
    researcher = make_staff_user("synthetic-r", "researcher")
    editor = make_staff_user("synthetic-e", "editor")

    for permission in ["add_deployment", "change_deployment", "add_source", "change_location"]:
        assert researcher.has_perm(f"deployments.{permission}")
    for child in ["location", "cost", "event", "involvement", "citation"]:
        assert researcher.has_perm(f"deployments.delete_{child}")
    assert not researcher.has_perm("deployments.publish_deployment")
    assert not researcher.has_perm("deployments.delete_deployment")
    assert not researcher.has_perm("deployments.delete_source")
    researcher_perms = set(Group.objects.get(name="researcher").permissions.all())
    editor_perms = set(Group.objects.get(name="editor").permissions.all())
    assert researcher_perms < editor_perms
    assert editor.has_perm("deployments.publish_deployment")
    assert editor.has_perm("deployments.delete_deployment")


def test_it_lets_a_researcher_add_and_change_a_draft(researcher):
    assert researcher.get(ADD_URL).status_code == 200
    response = researcher.post(ADD_URL, new_deployment_data(publication="review"))
    assert response.status_code == 302
    deployment = Deployment.objects.get(slug="synthetic-new")
    assert deployment.publication == "review"

    data = change_data(deployment) | {"title": "Synthetic new, corrected"}
    data["citations-0-DELETE"] = "on"  # removing a row is part of correcting a draft
    response = researcher.post(change_url(deployment), data)

    assert response.status_code == 302
    deployment.refresh_from_db()
    assert deployment.title == "Synthetic new, corrected"
    assert not deployment.citations.exists()


def test_it_offers_a_researcher_only_draft_and_review(researcher):
    response = researcher.get(ADD_URL)

    field = response.context["adminform"].form.fields["publication"]
    assert [value for value, _label in field.choices] == ["draft", "review"]


@pytest.mark.parametrize("publication", [PUBLISHED, WITHDRAWN])
def test_it_refuses_a_researcher_publishing_or_withdrawing_through_the_form(
    researcher, publication
):
    response = researcher.post(ADD_URL, new_deployment_data(publication=publication))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publication"] == [EDITORS_ONLY]
    assert not Deployment.objects.exists()

    draft = make_deployment(publication="review")
    response = researcher.post(change_url(draft), change_data(draft) | {"publication": publication})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.publication == "review"


def test_it_shows_a_researcher_the_publication_of_a_public_record_read_only(researcher):
    published = make_deployment(publication=PUBLISHED)

    page = researcher.get(change_url(published))
    assert "publication" not in page.context["adminform"].form.fields
    data = change_data(published) | {"publication": "draft", "scale": "Synthetic scale"}
    response = researcher.post(change_url(published), data)

    assert response.status_code == 302
    published.refresh_from_db()
    # Not saved over the published record: proposed, for an editor (editing/review.py).
    assert (published.publication, published.scale) == (PUBLISHED, "")
    proposed = Revision.objects.get(deployment=published).proposed["record"]
    assert (proposed["publication"], proposed["scale"]) == (PUBLISHED, "Synthetic scale")


def test_it_gives_a_researcher_no_publish_withdraw_or_delete_action(researcher):
    draft = make_deployment()

    page = researcher.get(CHANGELIST_URL)
    # Publish, withdraw and delete are the only actions, so a researcher gets no action menu.
    assert page.context["action_form"] is None
    assert "Publish selected" not in page.content.decode()
    run_action(researcher, "publish", draft)
    draft.refresh_from_db()
    assert draft.publication == "draft"


def test_it_refuses_a_researcher_deleting_a_deployment(researcher):
    deployment = make_deployment()

    response = researcher.post(f"/admin/deployments/deployment/{deployment.pk}/delete/")

    assert response.status_code == 403
    assert Deployment.objects.filter(pk=deployment.pk).exists()


def test_it_lets_an_editor_publish_and_withdraw_with_actions(editor):
    first, second = make_deployment(), make_deployment(publication="review")

    page = editor.get(CHANGELIST_URL)
    actions = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert {"publish", "withdraw", "delete_selected"} <= set(actions)
    run_action(editor, "publish", first, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.publication, second.publication) == (PUBLISHED, PUBLISHED)
    assert first.published_at is not None

    run_action(editor, "withdraw", first, reason="Synthetic reason.")
    first.refresh_from_db()
    assert first.publication == WITHDRAWN
    assert first.withdrawal_reason == "Synthetic reason."
    assert first.published_at is not None  # it was public once: its address keeps answering
    assert first.history.first().publication == WITHDRAWN  # a recorded, revertible edit


def test_the_withdraw_action_asks_for_the_public_reason_first(editor):
    published = make_deployment(publication=PUBLISHED)
    replacement = make_deployment(publication=PUBLISHED)

    asked = run_action(editor, "withdraw", published)
    refused = run_action(editor, "withdraw", published, reason="  ")
    unknown = run_action(editor, "withdraw", published, reason="Synthetic.", replaced_by="nope")

    published.refresh_from_db()
    assert published.publication == PUBLISHED
    assert "Public reason for withdrawal" in asked.content.decode()
    assert NEEDS_REASON in refused.content.decode()
    assert "No published deployment has the slug “nope”" in unknown.content.decode()

    address = f"https://example.org/deployments/{replacement.slug}/"
    response = run_action(
        editor, "withdraw", published, reason="Synthetic duplicate.", replaced_by=address
    )

    published.refresh_from_db()
    assert (published.publication, published.replaced_by) == (WITHDRAWN, replacement)
    assert published.withdrawal_reason == "Synthetic duplicate."
    assert "410 Gone" in str(list(get_messages(response.wsgi_request))[-1])


def test_an_editor_withdrawing_through_the_form_gives_the_reason(editor):
    published = make_deployment(publication=PUBLISHED)
    data = change_data(published) | {"publication": WITHDRAWN}

    refused = editor.post(change_url(published), data)
    accepted = editor.post(change_url(published), data | {"withdrawal_reason": "Synthetic."})

    assert NEEDS_REASON in refused.content.decode()
    assert accepted.status_code == 302
    published.refresh_from_db()
    assert (published.publication, published.withdrawal_reason) == (WITHDRAWN, "Synthetic.")


def test_an_editor_may_move_a_published_records_slug_and_a_researcher_may_not(
    editor, researcher_user
):
    published = make_deployment(publication=PUBLISHED)
    old = published.get_absolute_url()

    response = editor.post(change_url(published), change_data(published) | {"slug": "moved"})

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.slug == "moved"
    assert editor.get(old).status_code == 301

    editor.force_login(researcher_user)
    form = editor.get(change_url(published)).context["adminform"].form
    assert "slug" not in form.fields
    assert "withdrawal_reason" not in form.fields


def test_it_lets_an_editor_publish_through_the_form(editor):
    draft = make_deployment()

    response = editor.post(change_url(draft), change_data(draft) | {"publication": PUBLISHED})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.publication == PUBLISHED


def test_it_refuses_to_publish_without_a_citation_by_action(editor):
    uncited = make_deployment(cited=False)

    response = run_action(editor, "publish", uncited)

    uncited.refresh_from_db()
    assert uncited.publication == "draft"
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(NEEDS_CITATION in message for message in shown), shown


def test_it_refuses_to_publish_without_a_citation_through_the_form(editor):
    cited = make_deployment()
    data = change_data(cited) | {"publication": PUBLISHED, "citations-0-DELETE": "on"}

    response = editor.post(change_url(cited), data)

    assert response.status_code == 200
    citations = next(
        i.formset
        for i in response.context["inline_admin_formsets"]
        if i.formset.prefix == "citations"
    )
    assert citations.non_form_errors() == [NEEDS_CITATION]
    cited.refresh_from_db()
    assert cited.publication == "draft"
    assert cited.citations.count() == 1

    response = editor.post(
        ADD_URL, new_deployment_data(publication=PUBLISHED) | {"citations-TOTAL_FORMS": "0"}
    )
    assert response.status_code == 200
    assert not Deployment.objects.filter(slug="synthetic-new").exists()


def restore_url(deployment, state) -> str:
    return reverse("admin:deployments_deployment_restore", args=[deployment.pk, state.index])


def test_a_restore_never_changes_whether_the_record_is_public(researcher):
    """Restoring a state from when the record was published brings back what it said, not its
    publication: publishing stays an editor's decision, and needs its citations."""
    deployment = make_deployment(publication=PUBLISHED, title="Synthetic as published")
    deployment.citations.all().delete()
    deployment.publication = "review"
    deployment.title = "Synthetic in review"
    deployment.save()
    cited = [s for s in versions.published_versions(deployment.pk) if s.children.get("citations")]
    published_state = cited[-1]

    response = researcher.post(
        restore_url(deployment, published_state), {"reason": "Synthetic: back to the text."}
    )

    assert response.status_code == 302
    deployment.refresh_from_db()
    assert (deployment.title, deployment.publication) == ("Synthetic as published", "review")
    assert deployment.citations.exists()  # the citation came back with the rest


def test_it_refuses_a_restore_from_someone_who_may_only_view(client):
    viewer = make_staff_user("synthetic-viewer")
    viewer.user_permissions.add(
        *Group.objects.get(name="researcher").permissions.filter(codename="view_deployment")
    )
    client.force_login(viewer)
    deployment = make_deployment(title="Synthetic kept")
    deployment.title = "Synthetic changed"
    deployment.save()
    first = versions.history(deployment.pk)[0]

    history = client.get(reverse("admin:deployments_deployment_history", args=[deployment.pk]))
    response = client.post(restore_url(deployment, first), {"reason": "Synthetic."})

    assert history.status_code == 200  # looking is allowed
    assert response.status_code == 403
    deployment.refresh_from_db()
    assert deployment.title == "Synthetic changed"
