"""Whole-record history, as an editor and a reader use it: one version per save with every
child row, its reason and author, a restore that brings all of it back and says what it did,
deleted records recovered whole, and a public change log that says old → new."""

import threading
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from deployments.core import versions
from deployments.models import Citation, Cost, Deployment, Edit, Event
from deployments.tests.factories import (
    CHANGELIST_URL,
    add_row,
    change_data,
    change_url,
    make_deployment,
)

pytestmark = pytest.mark.django_db


def history_url(deployment) -> str:
    return reverse("admin:deployments_deployment_history", args=[deployment.pk])


def restore_url(deployment, state) -> str:
    return reverse("admin:deployments_deployment_restore", args=[deployment.pk, state.index])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def published(admin_client):
    """A published record with a GBP 150,000 contract, entered through the admin."""
    deployment = make_deployment(publication="published", summary="Synthetic first summary.")
    source = deployment.citations.get().source
    data = change_data(deployment)
    add_row(
        data,
        "costs",
        {"amount": "150000", "currency": "GBP", "qualifier": "exact", "covers": "contract"},
    )
    data |= {"costs-0-source": str(source.pk), "change_reason": "Synthetic: the contract."}
    response = admin_client.post(change_url(deployment), data)
    assert response.status_code == 302
    return deployment


def test_one_save_is_one_version_with_its_author_and_reason(admin_client, admin_user, published):
    data = change_data(published) | {
        "summary": "Synthetic vandalised summary.",
        "costs-0-amount": "999999",
        "change_reason": "Synthetic: a second look.",
    }
    assert admin_client.post(change_url(published), data).status_code == 302

    latest = versions.history(published.pk)[-1]
    assert latest.edit.user == admin_user
    assert latest.edit.reason == "Synthetic: a second look."
    page = admin_client.get(history_url(published))
    newest = page.context["versions"][0]
    assert newest["changes"] == [
        "Summary: Synthetic first summary. → Synthetic vandalised summary.",
        "Cost “contract value”: GBP 150,000 → GBP 999,999",
    ]
    assert "Synthetic: a second look." in page.content.decode()


def test_a_change_to_a_published_record_needs_a_reason(admin_client, published):
    data = change_data(published) | {"summary": "Synthetic, no reason.", "change_reason": ""}

    response = admin_client.post(change_url(published), data)

    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    published.refresh_from_db()
    assert published.summary == "Synthetic first summary."


def test_a_restore_brings_back_every_child_row_and_says_what_it_restored(admin_client, published):
    """The case that was half-reverted: the summary came back, the cost stayed at 999,999."""
    good = versions.history(published.pk)[-1]
    source = published.citations.get().source
    data = change_data(published) | {
        "summary": "Synthetic vandalised summary.",
        "costs-0-amount": "999999",
        "citations-0-DELETE": "on",
        "change_reason": "Synthetic vandalism.",
    }
    add_row(
        data,
        "events",
        {"kind": "reported", "date": "2024-10-01", "date_precision": "month"},
    )
    data |= {"events-0-source": str(source.pk)}
    data |= {"citations-TOTAL_FORMS": "2", "citations-1-source": str(source.pk)}
    data |= {"citations-1-claim": "summary"}
    assert admin_client.post(change_url(published), data).status_code == 302
    assert Event.objects.filter(deployment=published).count() == 1

    confirm = admin_client.get(restore_url(published, good))
    refused = admin_client.post(restore_url(published, good), {"reason": ""})
    response = admin_client.post(
        restore_url(published, good), {"reason": "Synthetic: undo the vandalism."}, follow=True
    )

    assert "Cost “contract value”: GBP 999,999 → GBP 150,000" in confirm.context["changes"]
    assert refused.status_code == 200 and refused.context["reason_missing"]
    published.refresh_from_db()
    assert published.summary == "Synthetic first summary."
    assert list(Cost.objects.filter(deployment=published).values_list("amount", flat=True)) == [
        Decimal("150000.00")
    ]
    assert not Event.objects.filter(deployment=published).exists()
    assert list(Citation.objects.filter(deployment=published).values_list("claim", flat=True)) == [
        "general"
    ]
    said = " ".join(messages_of(response))
    assert "Restored state" in said
    assert "Summary: Synthetic vandalised summary. → Synthetic first summary." in said
    assert "Cost “contract value”: GBP 999,999 → GBP 150,000" in said
    assert "Event “Reported” removed" in said
    assert "Citation" in said and "added" in said
    restore = versions.history(published.pk)[-1]
    assert restore.edit.reason == "Synthetic: undo the vandalism."
    assert restore.content()[2] == good.content()[2]  # every child row as it was


def test_simple_historys_revert_link_opens_the_whole_record_restore(admin_client, published):
    first_row = published.history.order_by("history_date").first()
    link = reverse(
        "admin:deployments_deployment_simple_history", args=[published.pk, first_row.history_id]
    )

    response = admin_client.get(link)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/admin/deployments/deployment/{published.pk}/history/")


def test_a_deleted_record_is_recovered_whole(admin_client, published):
    rows_before = {
        model: list(model.objects.filter(deployment=published).values())
        for model in (Cost, Citation)
    }
    technologies = list(published.technologies.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:deployments_deployment_delete", args=[published.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Deployment.objects.filter(pk=published.pk).exists()

    listing = admin_client.get(reverse("admin:deployments_deployment_deleted"))
    assert published.title in listing.content.decode()
    assert "Deleted deployments" in admin_client.get(CHANGELIST_URL).content.decode()
    response = admin_client.post(
        reverse("admin:deployments_deployment_deleted"), {"deployment": published.pk}, follow=True
    )

    recovered = Deployment.objects.get(pk=published.pk)
    assert (recovered.slug, recovered.publication) == (published.slug, "published")
    assert list(recovered.technologies.values_list("pk", flat=True)) == technologies
    for model, rows in rows_before.items():
        assert list(model.objects.filter(deployment=recovered).values()) == rows
    assert "with its 2 related row(s)" in " ".join(messages_of(response))
    assert admin_client.get(recovered.get_absolute_url()).status_code == 200


def test_the_public_change_log_names_the_changed_cost_with_old_and_new_values(
    client, admin_client, published
):
    data = change_data(published) | {
        "costs-0-amount": "175000",
        "change_reason": "Synthetic: the private reason.",
    }
    assert admin_client.post(change_url(published), data).status_code == 302

    page = client.get(published.get_absolute_url()).content.decode()
    data = client.get(f"/deployments/{published.slug}.json").json()

    assert "Cost “contract value”: GBP 150,000 → GBP 175,000" in page
    assert "Synthetic: the private reason." not in page  # never why, never who
    assert "admin" not in page.split("Change log")[1].split("</section>")[0]
    newest = data["changes"][0]
    assert newest["what"] == "Changed"
    assert newest["changes"] == ["Cost “contract value”: GBP 150,000 → GBP 175,000"]
    assert [entry["version"] for entry in data["changes"]] == sorted(
        (entry["version"] for entry in data["changes"]), reverse=True
    )


def test_a_draft_state_never_reaches_the_public_change_log(client, admin_client):
    draft = make_deployment(summary="Synthetic draft wording.")
    draft.summary = "Synthetic final wording."
    draft.save()
    draft.publication = "published"
    draft.save()

    log = client.get(f"/deployments/{draft.slug}.json").json()["changes"]

    assert [entry["what"] for entry in log] == ["Published"]
    assert "draft wording" not in str(log)


def test_an_edit_groups_every_row_of_one_save():
    deployment = make_deployment(publication="published")
    before = Edit.objects.count()
    from deployments.core import edits

    with edits.recording(None, "Synthetic grouped change."):
        deployment.summary = "Synthetic new summary."
        deployment.save()
        Cost.objects.create(
            deployment=deployment,
            source=deployment.citations.get().source,
            amount=Decimal("10"),
            covers="budget",
        )

    assert Edit.objects.count() == before + 1
    latest = versions.history(deployment.pk)[-1]
    assert latest.edit.reason == "Synthetic grouped change."
    assert versions.changes(versions.history(deployment.pk)[-2], latest) == [
        "Summary: A made-up deployment for a test. → Synthetic new summary.",
        "Cost “budget” added: GBP 10",
    ]


def test_a_citation_can_point_at_the_version_that_was_read(client, admin_client, published):
    before = versions.published_versions(published.pk)[-1].number
    data = change_data(published) | {
        "costs-0-amount": "175000",
        "summary": "Synthetic corrected summary.",
        "change_reason": "Synthetic correction.",
    }
    assert admin_client.post(change_url(published), data).status_code == 302
    url = published.get_absolute_url()

    current = client.get(url).content.decode()
    then = client.get(f"{url}?version={before}")
    text = then.content.decode()

    assert "GBP 175,000" in current and f'href="?version={before}"' in current
    assert f"{url}?version={before + 1}" in current  # the cite-this link names the version
    assert then.status_code == 200
    assert "An earlier version." in text and f"This is version {before} of this record" in text
    assert "GBP 150,000" in text and "GBP 175,000" not in text.split("Change log")[0]
    assert "Synthetic first summary." in text
    assert '<meta name="robots" content="noindex">' in text
    for bad, status in (("999", 404), ("abc", 400), ("-1", 400), ("", 400)):
        response = client.get(f"{url}?version={bad}")
        assert response.status_code == status, bad
        assert "Its versions are listed in its change log" in response.content.decode()
    data = client.get(f"/deployments/{published.slug}.json?version={before}").json()
    assert data["version"] == before and data["costs"][0]["amount"] == "150000.00"
    assert client.get(f"/deployments/{published.slug}.json?version=abc").status_code == 400
    assert client.get(f"/deployments/{published.slug}.json?version=999").status_code == 404


def test_the_second_of_two_editors_saving_the_same_record_is_told_and_shown_the_difference(
    client, admin_client, admin_user, published
):
    """Both open the form, both save: the second save would undo the first, so it is refused."""
    from deployments.tests.factories import make_staff_user

    client.force_login(make_staff_user("synthetic-editor-2", "editor"))
    first = change_data(published) | {"costs-0-amount": "160000", "change_reason": "Synthetic 1."}
    second = change_data(published) | {"summary": "Synthetic other.", "change_reason": "Synth 2."}
    assert admin_client.get(change_url(published)).status_code == 200

    assert admin_client.post(change_url(published), first).status_code == 302
    response = client.post(change_url(published), second)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert f"saved by {admin_user}" in errors
    assert "Cost “contract value”: GBP 150,000 → GBP 160,000" in errors
    published.refresh_from_db()
    assert published.summary == "Synthetic first summary."
    assert Cost.objects.get(deployment=published).amount == Decimal("160000")

    again = change_data(published) | {"summary": "Synthetic other.", "change_reason": "Synth 2."}
    assert client.post(change_url(published), again).status_code == 302  # on the new version
    published.refresh_from_db()
    assert published.summary == "Synthetic other."
    assert Cost.objects.get(deployment=published).amount == Decimal("160000")


def test_a_deletion_is_no_state_to_restore_and_a_deleted_records_address_says_so(
    client, admin_client, published
):
    slug = published.slug
    admin_client.post(
        reverse("admin:deployments_deployment_delete", args=[published.pk]), {"post": "yes"}
    )
    gone = client.get(f"/deployments/{slug}/")
    data = client.get(f"/deployments/{slug}.json")
    admin_client.post(reverse("admin:deployments_deployment_deleted"), {"deployment": published.pk})
    deleted_state = next(s for s in versions.history(published.pk) if s.deleted)

    page = admin_client.get(history_url(published))
    refused = admin_client.post(restore_url(published, deleted_state), {"reason": "Synthetic."})

    assert gone.status_code == 410 and "deleted from the register on" in gone.content.decode()
    assert data.status_code == 410 and data.json()["deleted"]["title"] == published.title
    assert restore_url(published, deleted_state) not in page.content.decode()
    assert refused.status_code == 404
    assert Deployment.objects.get(pk=published.pk).costs.count() == 1  # not emptied


def test_a_former_address_is_not_given_to_another_record(admin_client, published):
    other = make_deployment(publication="published")
    old = published.slug
    data = change_data(published) | {"slug": "synthetic-moved"}
    assert admin_client.post(change_url(published), data).status_code == 302

    response = admin_client.post(change_url(other), change_data(other) | {"slug": old})

    assert response.status_code == 200
    assert "old links still lead there" in " ".join(
        response.context["adminform"].form.errors["slug"]
    )
    moved = admin_client.get(f"/deployments/{old}/?version=1")
    assert moved["Location"] == "/deployments/synthetic-moved/?version=1"  # the query kept


def test_an_approved_change_names_who_proposed_it_in_the_history(published):
    from deployments.editing import review
    from deployments.tests.factories import make_staff_user

    researcher = make_staff_user("synthetic-proposer", "researcher")
    state = versions.current_state(published)
    state.record["scale"] = "Synthetic approved scale"
    based_on = len(versions.history(published.pk))
    revision = review.propose(researcher, published, state, "Synthetic reason.", based_on)

    review.approve(revision, make_staff_user("synthetic-approver", "editor"), "Checked.")

    latest = versions.history(published.pk)[-1]
    assert latest.edit.user.username == "synthetic-approver"
    assert latest.edit.reason == (
        "Synthetic reason. (proposed by synthetic-proposer; approved: Checked.)"
    )
    assert latest.record["scale"] == "Synthetic approved scale"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent saves: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_moment_do_not_overwrite_each_other(monkeypatch):
    """Two real connections save forms opened on one version at once. Each reads the record's
    history, then waits (up to 3 s) for the other to have read it too: without a lock both
    read the same version and both save; with it, the second reads only after the first
    commits, and is refused."""
    from deployments.editing import forms
    from deployments.tests.factories import make_groups, make_staff_user

    make_groups()  # an earlier transactional test may have emptied every table
    deployment = make_deployment(publication="published", summary="Synthetic first summary.")
    posts = {
        name: change_data(deployment) | {"summary": f"Synthetic {name} summary."}
        for name in ("one", "two")
    }
    both_read = threading.Barrier(2, timeout=3)
    history = versions.history

    def history_then_wait(deployment_id):
        states = history(deployment_id)
        try:
            both_read.wait()
        except threading.BrokenBarrierError:
            pass  # the other is waiting for the lock: it reads after this one commits
        return states

    monkeypatch.setattr(forms.versions, "history", history_then_wait)
    users = {name: make_staff_user(f"synthetic-editor-{name}", "editor") for name in posts}
    statuses = {}

    def save(name):
        try:
            editor = Client()
            editor.force_login(users[name])
            statuses[name] = editor.post(change_url(deployment), posts[name]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(statuses.values()) == [200, 302]  # one saved, one told
    saved = next(name for name, status in statuses.items() if status == 302)
    deployment.refresh_from_db()
    assert deployment.summary == f"Synthetic {saved} summary."
