"""The review of a researcher's change in a real Chromium, end to end: the researcher edits a
published record, the public keeps seeing it as published, an editor approves it from the
queue on the admin home page, and the public sees the change; the admin pages this flow adds
have no serious accessibility violations."""

import pytest

from deployments.models import Deployment, Revision
from deployments.tests.factories import make_deployment, make_groups, make_staff_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "synthetic-password"  # factories.make_staff_user's


@pytest.fixture
def groups():
    """The researcher and editor groups as the migrations make them (a transactional test
    empties every table after it, groups included)."""
    make_groups()


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_a_researchers_change_waits_for_an_editor_and_then_goes_live(
    browser, live_server, groups, axe
):
    from deployments.tests.browser.conftest import _new_context

    published = make_deployment(publication="published", scale="Synthetic ten cameras")
    make_staff_user("synthetic-researcher", "researcher")
    make_staff_user("synthetic-editor", "editor")
    # Three people, each in a browser of their own.
    researcher, editor, public = (_new_context(browser, live_server).new_page() for _ in "abc")

    log_in(researcher, "synthetic-researcher")
    researcher.goto(f"/admin/deployments/deployment/{published.pk}/change/")
    assert "goes to an editor for review" in researcher.content()
    researcher.get_by_role("textbox", name="Scale:").fill("Synthetic ninety cameras")
    reason = researcher.get_by_role("textbox", name="Reason for this change:")
    reason.fill("Synthetic: the council's figures.")
    researcher.get_by_role("button", name="Save", exact=True).click()
    researcher.wait_for_url("**/admin/deployments/revision/**")
    assert "sent to an editor for review" in researcher.content()

    public.goto(published.get_absolute_url())
    assert "Synthetic ten cameras" in public.content()
    assert "Synthetic ninety cameras" not in public.content()

    log_in(editor, "synthetic-editor")
    editor.get_by_role("link", name="Changes waiting for review: 1").click()
    editor.get_by_role("link", name=str(Revision.objects.get())).click()
    table = editor.get_by_role("table", name="Each field and row")
    assert "Synthetic ten cameras" in table.inner_text()
    assert "Synthetic ninety cameras" in table.inner_text()
    assert axe(editor) == []
    editor.get_by_label("Note to the researcher").fill("Synthetic: checked.")
    editor.get_by_role("button", name="Approve and publish").click()
    editor.wait_for_url("**/admin/deployments/revision/")

    public.goto(published.get_absolute_url())
    assert "Synthetic ninety cameras" in public.content()
    assert Deployment.objects.get(pk=published.pk).scale == "Synthetic ninety cameras"
    researcher.goto("/admin/")
    assert "approved: Synthetic: checked." in researcher.content()

    editor.goto(f"/admin/deployments/deployment/{published.pk}/history/")
    assert "Scale: Synthetic ten cameras → Synthetic ninety cameras" in editor.content()
    assert axe(editor) == []
    for context_page in (researcher, editor, public):
        context_page.context.close()
