"""Test helper: what the background worker beside the site does (manage.py db_worker)."""

from unittest import mock

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


def run_worker() -> None:
    """Every queued task, in this process and the test's database.

    The worker checks its connection between tasks as a request would (close_old_connections),
    and a connection inside a test's transaction is not in autocommit, so it would be closed,
    taking the test's data with it; on PostgreSQL that ends the test. The check is skipped.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
