"""One Edit per change: the rows an admin save, an import or a revert writes are stamped with
the same Edit, with who made it and why, so a record's history reads as whole versions
(versions.py).

    with edits.recording(request.user, "Corrected the contract value"):
        deployment.save()
        cost.save()

Rows written outside recording() (a shell, a script) get no Edit: versions.py reads each as
a change of its own.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from deployments.models import Edit


@dataclass
class Recording:
    user: object = None
    reason: str = ""
    edit: Edit | None = None


_current: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "register_edit", default=None
)


@contextlib.contextmanager
def recording(user=None, reason: str = ""):
    """Group every historical row written inside into one Edit (made on the first row, so a
    save that changes nothing leaves no Edit). Nested, the outer recording wins."""
    outer = _current.get()
    if outer is not None:
        # The outer change is the one recorded; what it did not know yet, this one tells.
        outer.user = outer.user or (user if getattr(user, "pk", None) else None)
        if not outer.reason:
            give_reason(reason)
        yield outer
        return
    token = _current.set(Recording(user if getattr(user, "pk", None) else None, reason))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def give_reason(reason: str) -> None:
    """The reason of the change being recorded, once it is known (the admin form's field)."""
    current = _current.get()
    if current is None:
        return
    current.reason = reason
    if current.edit is not None and current.edit.reason != reason:
        current.edit.reason = reason
        current.edit.save(update_fields=["reason"])


def current_edit() -> Edit | None:
    current = _current.get()
    return current.edit if current is not None else None


def edit_for_rows() -> Edit | None:
    """The Edit of the change being recorded (made now, for its first row), or None outside
    recording(). Rows written in bulk send no pre_create_historical_record, so their writer
    stamps them with this itself (importing/importer.py)."""
    current = _current.get()
    if current is None:
        return None
    if current.edit is None:
        current.edit = Edit.objects.create(user=current.user, reason=current.reason)
    return current.edit


@receiver(pre_create_historical_record)
def stamp(sender, history_instance, **kwargs):
    edit = edit_for_rows()
    if edit is not None:
        history_instance.edit = edit


def forget_edit() -> None:
    """The writes of the current recording were rolled back (editing/review.py): the next
    row starts a new Edit."""
    current = _current.get()
    if current is not None:
        current.edit = None
