"""Reviewed changes: a researcher's change to a published record waits for an editor.

The change form is saved as usual, inside a savepoint, so the record it would make is exactly
what the usual save makes (every inline row, every rule of the form); that state is kept as a
Revision and the savepoint is rolled back. Nothing public changes and nothing derived is
refreshed until an editor approves it, which writes the state through the ORM as one edit
(core/versions.py restore), with the researcher's reason and the editor's note.

A researcher's change to a shared entry a published record shows (an organisation's name, a
source's title) waits in the same queue: its Revision holds the fields it changes, as they
were and as they would be, and approving saves the entry with them.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from deployments.core import derived, edits, versions
from deployments.models import Deployment, Revision


def needs_review(user, deployment: Deployment | None) -> bool:
    """A change by someone who may not publish, to a record the public can read now."""
    if deployment is None or deployment.pk is None:
        return False
    if user.has_perm("deployments.publish_deployment"):
        return False
    saved = Deployment.objects.filter(pk=deployment.pk).values_list("publication", flat=True)
    return saved.first() == Deployment.Publication.PUBLISHED


def begin(request) -> None:
    """Before the change form's save: everything after this is taken back by finish()."""
    request.review_savepoint = transaction.savepoint()
    request.review_gathered = derived.gathered()


def finish(request, deployment: Deployment, reason: str, based_on: int | None) -> Revision:
    """After the save: keep what it made as a Revision, and take the save back."""
    proposed = versions.current_state(deployment)
    transaction.savepoint_rollback(request.review_savepoint)
    derived.take_back(request.review_gathered)
    edits.forget_edit()  # the Edit the save made was taken back with it
    deployment.refresh_from_db()
    if based_on is None:
        based_on = len(versions.history(deployment.pk))
    revision = propose(request.user, deployment, proposed, reason, based_on)
    request.review_revision = revision
    return revision


def propose(user, deployment: Deployment, state, reason: str, based_on: int) -> Revision:
    """A whole state of the record (an earlier version, say) proposed for review as it is,
    except whether it is public, which stays as the record is now."""
    proposed = versions.to_json(state)
    proposed["record"] = {**proposed["record"], "publication": deployment.publication}
    return Revision.objects.create(
        deployment=deployment, author=user, reason=reason, based_on=based_on, proposed=proposed
    )


@dataclass
class Review:
    """What review() found: the differences the change makes, and what changed since."""

    differences: list
    changed_since: list


def review(revision: Revision) -> Review:
    """The revision's changes against the record now, and anything saved since it was made."""
    if revision.deployment_id is None:
        return _review_entry(revision)
    states = versions.history(revision.deployment_id)
    now = versions.current_state(revision.deployment)
    proposed = versions.from_json(revision.proposed)
    names = versions.names_for([now, proposed])
    since = []
    if revision.based_on < len(states):
        base = states[revision.based_on - 1] if revision.based_on else None
        since = versions.changes(base, states[-1], names)
    return Review(versions.differences(now, proposed, names), since)


def approve(revision: Revision, editor, note: str = "") -> versions.Restored:
    """Write the proposed record, as one edit with the researcher's reason and the note."""
    proposer = revision.author or "a former user"
    approved = f"approved: {note}" if note else "approved"
    reason = f"{revision.reason} (proposed by {proposer}; {approved})"
    if revision.deployment_id is None:
        with transaction.atomic(), edits.recording(editor, reason):
            entry = type(revision.entry).objects.select_for_update().get(pk=revision.entry_id)
            for name, values in revision.proposed["fields"].items():
                field = entry._meta.get_field(name)
                setattr(entry, field.attname, _value(field, values["proposed"]))
            entry.save()
            _close(revision, Revision.Status.APPROVED, editor, note)
        return None
    with transaction.atomic(), edits.recording(editor, reason):
        restored = versions.restore(
            versions.from_json(revision.proposed), deployment=revision.deployment
        )
        _close(revision, Revision.Status.APPROVED, editor, note)
    return restored


def propose_entry(user, form, reason: str) -> Revision:
    """A researcher's change to a shared entry, from its validated admin form: the fields
    the form changes, as saved now and as the form would make them."""
    proposed = form.instance  # the form's values, not saved
    saved = type(proposed).objects.get(pk=proposed.pk)
    fields = {}
    # Every field the form made different, not only its changed_data: a typed date also sets
    # its precision field, which is not on the form.
    for field in proposed._meta.concrete_fields:
        was, now = _text(field, saved), _text(field, proposed)
        if field.editable and was != now:
            fields[field.name] = {"was": was, "proposed": now}
    return Revision.objects.create(
        entry=saved, author=user, reason=reason, based_on=0, proposed={"fields": fields}
    )


def _text(field, entry) -> str | None:
    # As text that the field reads back exactly (a date, a country code, a foreign key's id).
    return None if field.value_from_object(entry) is None else field.value_to_string(entry)


def _value(field, text: str | None):
    return None if text is None else field.to_python(text)


def _review_entry(revision: Revision) -> Review:
    entry = revision.entry
    if entry is None:
        return Review([], ["The entry was deleted after this was proposed."])
    differences, since = [], []
    for name, values in revision.proposed["fields"].items():
        field = entry._meta.get_field(name)
        what = capfirst(field.verbose_name)
        now = _text(field, entry)
        differences.append(
            versions.Difference(what, _words(field, now), _words(field, values["proposed"]))
        )
        if now != values["was"]:
            was = _words(field, values["was"])
            since.append(f"{what}: “{was}” when proposed, “{_words(field, now)}” now")
    return Review(differences, since)


def _words(field, text: str | None) -> str:
    """A field's value as the admin shows it: a choice's label, a referred entry's name."""
    if text in (None, ""):
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if field.is_relation:
        found = field.related_model.objects.filter(pk=_value(field, text)).first()
        return str(found) if found is not None else "(a removed entry)"
    return text


def reject(revision: Revision, editor, note: str) -> None:
    _close(revision, Revision.Status.REJECTED, editor, note)


def _close(revision: Revision, status: str, editor, note: str) -> None:
    revision.status = status
    revision.reviewer = editor
    revision.reviewed_at = timezone.now()
    revision.review_note = note
    revision.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])


# The relations through which a deployment shows a shared entry (shared.py's models).
_SHOWN_THROUGH = {
    "organisation": ("involvements__organisation",),
    "technology": ("technologies",),
    "source": (
        "citations__source",
        "costs__source",
        "events__source",
        "involvements__source",
        "legal_bases__source",
        "impact_assessments__source",
    ),
}


def shown_by_a_published_record(entry) -> bool:
    """Whether any published record shows this organisation, technology or source."""
    published = Deployment.objects.published()
    return any(
        published.filter(**{path: entry.pk}).exists()
        for path in _SHOWN_THROUGH[entry._meta.model_name]
    )
