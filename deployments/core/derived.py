"""Everything derived from the register's rows, kept in one place.

Three things are derived from what researchers enter: each deployment's search document
(search.py), each deployment's stored CSV line (opendata/export_rows.py) and the register's
freshness token (freshness.py), which keys every cached count and HTTP validator. A writer says only
which deployments it changed, with changed(); this module does the rest:

- once per transaction, when it commits, for the set of deployments changed in it;
- set-based: a fixed number of statements per REFRESH_BATCH ids, or per group of deployments
  named by a query, whatever the size of the register or of the change (an organisation named
  by 100,000 records included);
- idempotent: a refresh writes each derived value from the committed rows, never from what
  the caller believes them to be, so running it twice changes nothing;
- convergent under concurrent writers: refreshes take one lock (PostgreSQL: a transaction
  advisory lock; SQLite allows one writer at a time anyway) and read the rows only once they
  hold it. Each writer's refresh starts after its own commit, so whichever refresh of a record
  runs last has read every commit before it, and wins.

signals.py calls changed() for every ORM write; code that writes rows without the ORM's
signals (COPY, update()) calls it itself. For rows changed by hand in SQL, `manage.py
refresh_derived` writes everything again.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from deployments.core import freshness, search
from deployments.models import Deployment
from deployments.opendata import export_rows

logger = logging.getLogger(__name__)

# Deployments refreshed together: the statements of a batch cost the same for 5 records as
# for 500, and 500 ids stay under SQLite's oldest limit of 999 bound parameters.
REFRESH_BATCH = export_rows.FETCH_ROWS

# Any constant: the key of the one advisory lock all refreshes take (PostgreSQL).
LOCK_KEY = 0x5EC0_DE21


@dataclass
class Pending:
    """What the current transaction changed, gathered until it commits."""

    ids: set[int] = field(default_factory=set)
    # Querysets of deployments, evaluated at commit: "whoever names this organisation" must
    # be asked of the committed rows, or a record that names it in a concurrent transaction
    # would be missed.
    groups: list = field(default_factory=list)
    # Something public changed whatever the records say (a published record was deleted).
    touch: bool = False
    # Querysets of deployments of which only the names of shared entries changed (a renamed
    # organisation or technology): only that run of their CSV lines is written again. Their
    # search documents name organisations by id (search.py), so they stay as they are.
    named: list = field(default_factory=list)
    # Deployments whose derived values did not change, but something public about them did
    # (an organisation's website): the token moves if any of them is public.
    seen: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ids or self.groups or self.named or self.touch or self.seen)


def changed(
    deployments: Iterable[int] | None = None, *, derived: bool = True, names=False, touch=False
):
    """Record that these deployments (ids, or a queryset of deployments) changed; refresh
    what is derived from them when the current transaction commits (at once outside one).

    names=True (a queryset): only the name of a technology or organisation they show changed.
    derived=False: nothing derived from them changed, only something their public pages show;
    the freshness token moves if any of them is published. touch=True: move it anyway.
    """
    # On the connection, which is the thread's own: two threads are two transactions.
    pending = getattr(connection, "register_pending", None)
    if pending is None:
        pending = connection.register_pending = Pending()
    if deployments is not None:
        if hasattr(deployments, "query"):
            kind = pending.seen if not derived else pending.named if names else pending.groups
            kind.append(deployments)
        elif derived:
            pending.ids.update(deployments)
        else:
            pending.seen.append(Deployment.objects.filter(pk__in=list(deployments)))
    pending.touch |= touch
    # One callback per call, each draining everything gathered so far: the first to run does
    # the work, the rest find nothing. A callback registered in a savepoint that rolls back is
    # dropped with it, but the ids it gathered stay gathered: refreshing a record that did not
    # change is harmless, missing one that did would not be.
    transaction.on_commit(_flush, robust=True)


def gathered() -> Pending:
    """A copy of what the current transaction has gathered so far, for take_back()."""
    pending = getattr(connection, "register_pending", None) or Pending()
    copy = [set(pending.ids), list(pending.groups), pending.touch]
    return Pending(*copy, list(pending.named), list(pending.seen))


def take_back(earlier: Pending) -> None:
    """Forget what was gathered since gathered() gave `earlier`, whose writes the caller has
    rolled back (a savepoint): a published record's id left gathered would move the token at
    the next commit, telling the world when a change was proposed (editing/review.py)."""
    connection.register_pending = earlier


def _flush() -> None:
    pending = getattr(connection, "register_pending", None)
    connection.register_pending = None
    if pending:
        refresh(pending)


def refresh(pending: Pending) -> None:
    """Write everything derived from these deployments again, from the committed rows."""
    with transaction.atomic():
        _lock()
        # Ids a few hundred at a time (bound parameters); a group as one subquery, so its
        # lines are written by one statement however many records it holds.
        ordered = sorted(pending.ids)
        sets = [
            ordered[first : first + REFRESH_BATCH]
            for first in range(0, len(ordered), REFRESH_BATCH)
        ]
        sets += [group.order_by().values("pk") for group in pending.groups]
        public = pending.touch
        for deployments in sets:
            search.write_documents(deployments)
            export_rows.write(deployments)
            public = public or _any_public(deployments)
        for group in pending.named:
            export_rows.write_names(group.order_by().values("pk"))
        for group in [*pending.named, *pending.seen]:
            public = public or _any_public(group.order_by().values("pk"))
        if public:
            _touch()


def _touch() -> None:
    freshness.touch()
    # The whole-register files are written again for the new state, by the worker, once
    # this commits (imported here: register_files reads the filters, which read the models).
    from deployments.opendata import register_files

    register_files.state_moved()


def refresh_all(missing_only: bool = False) -> int:
    """Write every deployment's derived values again (missing_only: only search documents
    never written, and CSV lines missing or of an older format, which is what `migrate`
    needs); return how many lines were written."""
    with transaction.atomic():
        _lock()
        if missing_only:
            search.write_documents(Deployment.objects.filter(search_refs=None).values("pk"))
            return export_rows.fill()
        search.write_documents(Deployment.objects.values("pk"))
        written = export_rows.write_all()
        _touch()
        return written


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _any_public(deployments) -> bool:
    # Published now, from the committed rows: only then do its page, the lists and the exports
    # show what changed. An edit to a draft or a withdrawn record must not move Last-Modified,
    # which would tell the world when it was worked on; publishing, withdrawing and what a
    # withdrawn record's address shows are told by signals.deployment_saving (touch=True).
    return Deployment.objects.published().filter(pk__in=deployments).exists()
