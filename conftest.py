"""Test set-up shared by the whole suite.

pytest-django imports transparency.settings before this file is read, so nothing here can change
how the settings module is evaluated (`make test` sets DJANGO_DEBUG=1 for that). What it can do
is override settings for the test session, which is what the static storage needs.
"""

import os

import pytest
from django.conf import settings
from django.db import connection
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
