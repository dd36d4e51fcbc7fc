"""The settings module, as each environment evaluates it.

Settings are read once per process, so every case starts a fresh Python with a clean environment:
none of the developer's or CI's DJANGO_* variables or DATABASE_URL leak in.
"""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-test-key-that-is-long-enough-and-random-enough-1234567890",
    "DJANGO_ALLOWED_HOSTS": "example.org",
}


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "transparency.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _setting(expression: str, **env: str) -> str:
    result = _run(f"from django.conf import settings\nprint({expression})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _run("", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_starts_in_production_with_a_secret_key():
    assert _setting("settings.DEBUG", **PRODUCTION) == "False"


def test_it_uses_sqlite_by_default():
    engine = _setting("settings.DATABASES['default']['ENGINE']")
    assert engine == "django.db.backends.sqlite3"


def test_it_uses_postgresql_when_database_url_is_set():
    engine = _setting(
        "settings.DATABASES['default']['ENGINE']",
        DATABASE_URL="postgres://register:secret@db.example.org:5432/register",
    )
    assert engine == "django.db.backends.postgresql"


def test_it_uses_compressed_manifest_static_files_in_production():
    backend = _setting("settings.STORAGES['staticfiles']['BACKEND']", **PRODUCTION)
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_it_uses_plain_static_files_while_developing():
    backend = _setting("settings.STORAGES['staticfiles']['BACKEND']")
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_configured_map_tiles_are_admitted_as_images_and_nothing_else_is():
    img_src = "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']"
    assert _setting(img_src) == "[\"'self'\", 'data:']"
    osm = _setting(img_src, MAP_TILES_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert osm == "[\"'self'\", 'data:', 'https://*.tile.example.org']"
    # A placeholder Leaflet fills in the host itself can only be admitted by scheme.
    odd = _setting(img_src, MAP_TILES_URL="https://tiles-{r}.example.org/{z}/{x}/{y}.png")
    assert odd == "[\"'self'\", 'data:', 'https:']"


def test_each_register_keeps_its_uploads_in_a_directory_of_its_own():
    one = _setting("settings.IMPORT_UPLOAD_DIR", DATABASE_URL="postgres://db.example.org/one")
    two = _setting("settings.IMPORT_UPLOAD_DIR", DATABASE_URL="postgres://db.example.org/two")
    assert one != two
    chosen = _setting("settings.IMPORT_UPLOAD_DIR", DJANGO_IMPORT_UPLOAD_DIR="/srv/uploads")
    assert chosen == "/srv/uploads"
