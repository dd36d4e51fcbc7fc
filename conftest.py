"""Test set-up shared by the whole suite.

pytest-django imports transparency.settings before this file is read, so nothing here can change
how the settings module is evaluated (`make test` sets DJANGO_DEBUG=1 for that). What it can do
is override settings for the test session, which is what the static storage needs.
"""

import hashlib
import os

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import override_settings

PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
# In memory: the production cache is a directory shared by every process on the machine, and
# test runs side by side (SQLite and PostgreSQL) must not read each other's entries.
TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    """Serve static files by their plain names during tests, and cache in memory.

    Django runs tests with DEBUG=False, and with the production manifest storage `{% static %}`
    raises until collectstatic has run (STACK_NOTES, "Tests and whitenoise"). Production static
    files are proven separately: .ci/run collects them with the manifest storage.
    """
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_STORAGE}}
    with override_settings(STORAGES=storages, CACHES=TEST_CACHES):
        yield


def pytest_report_header(config):
    source = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "default, no DATABASE_URL"
    return [f"database: {connection.vendor} ({source})"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache.

    Cached counts are keyed by the register's freshness token, and a test that writes rows
    without signals (bulk_create) leaves the token as it was: without this, such a test could
    read counts cached by an earlier test whose rows were rolled back.
    """
    from django.core.cache import cache

    cache.clear()
    yield


def _in_test_transaction_only(wrapper) -> bool:
    # pytest-django's `db` wraps each test in atomic blocks that Django marks _from_testcase
    # (as its own durable=True check reads them): with only those open, the code under test
    # is, as far as it can tell, in autocommit.
    return wrapper.in_atomic_block and all(
        getattr(block, "_from_testcase", False) for block in wrapper.atomic_blocks
    )


@pytest.fixture(autouse=True)
def _commits_inside_test_transactions(monkeypatch):
    """Run on_commit callbacks where a real commit would run them, inside a test's transaction.

    The register's derived data (deployments/derived.py) is written when a transaction commits,
    and a `db` test never commits: its changes are rolled back at the end. Here a callback
    registered with only the test's blocks open runs at once, and one registered inside the
    code's own atomic block runs when that block's outermost level exits without error, as at
    a commit. Errors are raised, never only logged, so a failing refresh fails its test.
    Tests with `transactional_db` commit for real and need none of this.
    """
    original_on_commit = BaseDatabaseWrapper.on_commit
    original_exit = transaction.Atomic.__exit__

    def on_commit(self, func, robust=False):
        if _in_test_transaction_only(self):
            func()
        else:
            original_on_commit(self, func, robust=False)

    def exit_(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        wrapper = connections[self.using or "default"]
        if not getattr(self, "_from_testcase", False) and _in_test_transaction_only(wrapper):
            # As Django's commit does: each callback in turn, the list emptied first, so a
            # callback that registers another runs it too.
            while wrapper.run_on_commit:
                callbacks, wrapper.run_on_commit = wrapper.run_on_commit, []
                for _sids, func, _robust in callbacks:
                    func()
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_)


@pytest.fixture(autouse=True)
def _register_files(request, tmp_path_factory):
    """The whole-register files (deployments/opendata/register_files.py) in a folder of each
    test's own: a test's rows are rolled back, so a file written in one must never be served
    in another.

    A worker writes them after each change; a test runs none, so here the first request that
    finds no file for the current state writes it at once, and a change queues nothing. Tests
    marked `register_worker` keep the real behaviour and run the worker themselves.
    """
    from deployments.opendata import register_files

    test = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    folder = tmp_path_factory.getbasetemp() / "register-files" / test
    storages = {
        **settings.STORAGES,
        "register_files": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    with override_settings(STORAGES=storages):
        if request.node.get_closest_marker("register_worker"):
            yield
            return
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(register_files, "state_moved", lambda: None)
            patch.setattr(register_files, "queue_build", register_files.build_now)
            yield
