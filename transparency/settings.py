"""Settings for the surveillance transparency register.

One module, driven by the environment. With no environment at all it runs in debug mode on a
SQLite file next to manage.py, so `make run` works on a bare machine. Production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import base64
import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Debug is on by default so a fresh clone runs with one command; every deployment must say
# DJANGO_DEBUG=0, and then nothing below falls back to a development value.
DEBUG = _env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only ever used on a developer's machine: with debug off the check above refuses to start.
    SECRET_KEY = "insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # SimpleAdminConfig instead of the stock admin: stock autodiscovery imports leaflet/admin.py,
    # which needs GDAL (django-leaflet issues #336, #299). transparency.apps discovers the rest.
    "transparency.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "leaflet",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "deployments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files and downloads carry the two policies too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage answers 503 with Retry-After, not a bare 500. Static files above never
    # need the database; its process_exception runs after those of the middleware below, so
    # it only answers for an error none of them handled. Errors raised in a middleware itself
    # are caught by handler500 (transparency/urls.py).
    "transparency.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any middleware's process_view (CSRF's reads the body): refuses bodies from the
    # headers alone.
    "transparency.limits.BodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which admin user made each edit in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "transparency.urls"
WSGI_APPLICATION = "transparency.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "deployments.explore.context_processors.site",
            ],
        },
    },
]

# SQLite by default so a bare machine needs nothing but pip; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins, so two writers (two requests,
    # or a save and the derived-data refresh of derived.py) queue for it instead of one
    # failing with "database is locked" when it tries to upgrade a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): its backend goes first so a locked-out login is refused
# before any password is checked, even the right one.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Per username and address together: a stranger guessing one editor's password cannot lock
# that editor out everywhere, and a colleague in the same office can still log in.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
# Long enough to make guessing hopeless (5 tries an hour), short enough that a real editor
# who mistyped waits rather than needing someone; a superuser can lift it sooner by deleting
# the "Access attempts" rows in the admin, or with `manage.py axes_reset_username`.
AXES_COOLOFF_TIME = dt.timedelta(hours=1)
# Tries during the lockout are refused unrecorded, so it ends an hour after the fifth wrong
# password, as the lockout page says, however often the editor tries meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "transparency.logins.lockout"
# Behind a reverse proxy every login comes from the proxy's address, which would lock each
# username out for everyone at once; but trusting X-Forwarded-For with no proxy in front would
# let a guesser name a new address on every try. So the header is read only as far as the
# number of proxies the deployment says it has (DJANGO_TRUSTED_PROXIES; the TLS-terminating
# proxy that SECURE_PROXY_SSL_HEADER below trusts is one). None by default: counting one proxy
# too many is the mistake that disables the lockout, one too few only makes it stricter.
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "transparency.logins.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, hashed file names in production; plain storage while developing and in tests,
    # where no collectstatic has run (STACK_NOTES: "Tests and whitenoise").
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or _env_bool("DJANGO_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Facet counts and totals are cached per register state (deployments/freshness.py), so no entry
# ever needs invalidating: a change makes new keys. By default the cache is files in one
# directory, shared by every worker process on the host, so a crowd arriving after a change
# costs one computation, not one per worker. Several app servers share one cache with
# CACHE_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0: Django's own Redis backend.
# Entries are keyed by the register's state token, which two databases can share (a fresh one
# has none yet): the database's identity keeps their entries apart.
_CACHE_PREFIX = hashlib.sha256(
    f"{DATABASES['default'].get('HOST')}|{DATABASES['default']['NAME']}".encode()
).hexdigest()[:12]
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": _CACHE_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "DJANGO_CACHE_DIR",
                str(Path(tempfile.gettempdir()) / "surveillance-register-cache"),
            ),
            "OPTIONS": {"MAX_ENTRIES": 5000},
            "KEY_PREFIX": _CACHE_PREFIX,
        }
    }

# Uploads: the admin's bulk import is the only one. Bodies are refused above this size before
# they are read (transparency/limits.py); the front web server should refuse them too (README).
MAX_UPLOAD_BYTES = int(os.environ.get("DJANGO_MAX_UPLOAD_BYTES", 20_000_000))
FILE_UPLOAD_HANDLERS = [
    "transparency.limits.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A preview's file waits here until it is confirmed: a directory of this instance's own (named
# by its database, like the cache's keys), so registers sharing a host never share uploads.
IMPORT_UPLOAD_DIR = os.environ.get(
    "DJANGO_IMPORT_UPLOAD_DIR",
    str(Path(tempfile.gettempdir()) / f"register-imports-{_CACHE_PREFIX}"),
)
# register.zip and the whole-register CSV, written by the worker once per register state
# (deployments/opendata/register_files.py) and served from here: a folder of this instance's
# own, named by its database like the uploads' above.
REGISTER_FILES_DIR = os.environ.get(
    "DJANGO_REGISTER_FILES_DIR",
    str(Path(tempfile.gettempdir()) / f"register-files-{_CACHE_PREFIX}"),
)
STORAGES["register_files"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": REGISTER_FILES_DIR},
}
# A checked upload not confirmed within this time expires; the worker removes its file.
IMPORT_UPLOAD_TTL_SECONDS = int(os.environ.get("DJANGO_IMPORT_UPLOAD_TTL_SECONDS", 24 * 3600))

# Background jobs (deployments/importing/jobs.py): django-tasks with its database backend, so
# the embedded SQLite default needs no other server. `manage.py db_worker` runs them; `make run`
# starts one beside the site, and production runs one as a service of its own (README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Production hardening; each can be relaxed from the environment for a TLS-terminating proxy.
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("DJANGO_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a deliberate, hard-to-undo choice for the domain's owner, so it stays
        # opt-in (DJANGO_HSTS_PRELOAD=1) and the deploy check's reminder is silenced until then.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Map tiles. Empty means no tile requests at all: the map still draws every location on a
# plain background, which is what an offline machine or a privacy-minded deployment wants.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors")
LEAFLET_CONFIG = {
    "TILES": [("Map", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})]
    if MAP_TILES_URL
    else [],
    "DEFAULT_CENTER": (50.0, 5.0),
    "DEFAULT_ZOOM": 4,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
}


def _tiles_source(url: str) -> list[str]:
    """The CSP source that admits MAP_TILES_URL's images: Leaflet's "{s}" subdomain becomes a
    wildcard; a host with any other placeholder can only be admitted by its scheme."""
    if not url:
        return []
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}:" if "{" in host else f"{scheme}://{host}"]


# Every page and download carries a strict policy: scripts are our own files and data reaches
# them through json_script or fetch, so nothing inline is ever needed. The one exception is the
# hash of the single style attribute django-simple-history's history page writes
# (object_history_list.html: the paginator's "border-top: 0"); 'unsafe-hashes' admits exactly
# that string and no other.
_HISTORY_PAGINATOR_STYLE = (
    f"'sha256-{base64.b64encode(hashlib.sha256(b'border-top: 0').digest()).decode()}'"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-hashes'", _HISTORY_PAGINATOR_STYLE],
        # data: for the images leaflet.css and the admin's stylesheets embed.
        "img-src": ["'self'", "data:", *_tiles_source(MAP_TILES_URL)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        # No page may be framed; X_FRAME_OPTIONS says the same to older browsers.
        "frame-ancestors": ["'none'"],
    },
}
# No page uses any of these; the copy buttons write to the clipboard from our own pages only.
PERMISSIONS_POLICY = {
    **dict.fromkeys(
        [
            "accelerometer",
            "autoplay",
            "camera",
            "display-capture",
            "encrypted-media",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "usb",
        ],
        [],
    ),
    "clipboard-write": ["self"],
    "fullscreen": ["self"],
}

# What the register says about itself (shown in the footer, the data page and export headers).
REGISTER_NAME = os.environ.get("REGISTER_NAME", "Surveillance Transparency Register")
DATA_LICENSE_NAME = os.environ.get("DATA_LICENSE_NAME", "CC-BY-4.0")
DATA_LICENSE_TITLE = os.environ.get(
    "DATA_LICENSE_TITLE", "Creative Commons Attribution 4.0 International"
)
DATA_LICENSE_URL = os.environ.get(
    "DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
