"""The whole-register downloads as files: register.zip and the unfiltered /deployments.csv.

Writing either reads every published record (register.zip took 4.5 s at 19,055 records, and
grows linearly), so no request writes them. A worker does, once per register state: derived.py
calls state_moved() when the freshness token moves, which queues build() (coalesced: a build
already queued will read the newest state when it starts). A file is named by the state it
holds (its date and token) and the code that wrote it, and is written under a temporary name,
then renamed, so a reader never sees half of one. Older files go once a newer one is complete.

A request serves the file of the current state; until it exists, the newest earlier one,
marked with its date (Last-Modified, X-Register-State-Date, and a note on /data/), unless a
record has left the public since then; with none to serve, a 503 with Retry-After.

The CSV holds each record's absolute address, which depends on the host asked
(api._base_url), so it is kept per address: the ones the site has been asked through, up to
MAX_BASES (ALLOWED_HOSTS bounds them anyway).
"""

import base64
import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.http import FileResponse, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django_tasks import task

from deployments.core import filters, freshness
from deployments.models import Deployment
from deployments.opendata import export_rows
from deployments.opendata.register_zip import write_register_zip

logger = logging.getLogger(__name__)

STORAGE = "register_files"
ZIP, CSV = "register", "deployments"
EXTENSIONS = {ZIP: "zip", CSV: "csv"}
# Distinct addresses the CSV is kept for: each costs a file and a build per change.
MAX_BASES = 4
# A queued build is asked for again only after this long: a worker that is down does not
# get one task per request, and a lost task is replaced.
QUEUED_SECONDS = 10 * 60
# What a 503 tells a client to wait: about one build of a large register.
RETRY_AFTER_SECONDS = 30
# A temporary file older than this was left by a build that died.
PARTIAL_SECONDS = 60 * 60
PARTIAL_PREFIX = ".partial-"
STAMP = "%Y%m%dT%H%M%S%fZ"
NO_STAMP = "0" * 8 + "T" + "0" * 12 + "Z"  # freshness.UNTOUCHED: no change recorded yet
_NAME = re.compile(
    r"^(?P<kind>register|deployments)\.(?P<stamp>\d{8}T\d{12}Z)\.(?P<token>\w+)"
    r"\.(?P<code>\w+)(?:\.(?P<base>[\w-]+))?\.(?:zip|csv)$"
)


@dataclass(frozen=True)
class Built:
    """One complete file in the storage, as its name describes it."""

    name: str
    kind: str
    changed: dt.datetime | None  # the state's date
    token: str
    code: str
    base: str | None

    def holds(self, state: freshness.State) -> bool:
        return self.token == state.token and self.code == freshness.CODE_VERSION


def storage():
    return storages[STORAGE]


def _base_key(base: str) -> str:
    return base64.urlsafe_b64encode(base.encode()).decode().rstrip("=")


def _base_from_key(key: str) -> str:
    return base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode()


def file_name(kind: str, state: freshness.State, base: str | None = None) -> str:
    stamp = state.changed.astimezone(dt.UTC).strftime(STAMP) if state.changed else NO_STAMP
    parts = [kind, stamp, state.token, freshness.CODE_VERSION]
    if base is not None:
        parts.append(_base_key(base))
    return ".".join(parts) + "." + EXTENSIONS[kind]


def _parse(name: str) -> Built | None:
    match = _NAME.match(name)
    if match is None:
        return None
    stamp = match["stamp"]
    changed = (
        None if stamp == NO_STAMP else dt.datetime.strptime(stamp, STAMP).replace(tzinfo=dt.UTC)
    )
    base = match["base"] and _base_from_key(match["base"])
    return Built(name, match["kind"], changed, match["token"], match["code"], base)


def _names() -> list[str]:
    try:
        return storage().listdir("")[1]
    except FileNotFoundError:  # nothing built yet: FileSystemStorage's folder is made lazily
        return []


def built(kind: str, base: str | None = None) -> list[Built]:
    """The complete files of one kind (and address), newest state first."""
    found = [b for b in map(_parse, _names()) if b and b.kind == kind and b.base == base]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda b: b.changed or epoch, reverse=True)


def known_bases() -> set[str]:
    return {b.base for b in map(_parse, _names()) if b and b.kind == CSV and b.base}


# Building ------------------------------------------------------------------------------------


def _unfiltered():
    # Exactly the queryset api.deployments_csv streams for an empty query string, so the file
    # equals the stream byte for byte.
    return filters.filtered(QueryDict(""), also=("bom",), without=("page",)).qs


def _write_zip(fileobj) -> None:
    write_register_zip(fileobj)


def _csv_writer(base: str):
    def write(fileobj) -> None:
        for chunk in export_rows.csv_chunks(_unfiltered(), base):
            fileobj.write(chunk)

    return write


def _still(state: freshness.State) -> bool:
    return freshness.current().token == state.token


def _write_file(name: str, write, state: freshness.State) -> bool:
    """Write a file under a temporary name, and give it its name only if the register is
    still in the state it was read in (a change committed meanwhile could be half in it;
    that change queued the next build). True if it was kept."""
    files = storage()
    try:
        final = files.path(name)
    except NotImplementedError:
        final = None
    if final is None:
        # An object store (no local path) writes an object whole or not at all.
        with tempfile.TemporaryFile() as spool:
            write(spool)
            if not _still(state):
                return False
            spool.seek(0)
            files.save(name, File(spool, name=name))
        return True
    folder = os.path.dirname(final)
    os.makedirs(folder, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        if not _still(state):
            return False
        os.chmod(partial, files.file_permissions_mode or 0o644)
        os.replace(partial, final)  # atomic within one file system
        partial = None
        return True
    finally:
        if partial is not None:
            os.unlink(partial)


def _remove_older(kept: Built) -> None:
    for other in built(kept.kind, kept.base):
        if other.name != kept.name:
            storage().delete(other.name)


def _remove_abandoned() -> None:
    files = storage()
    for name in _names():
        if name.startswith(PARTIAL_PREFIX):
            age = timezone.now() - files.get_modified_time(name)
            if age.total_seconds() > PARTIAL_SECONDS:
                files.delete(name)


def build_now(base: str | None = None) -> list[str]:
    """Write the files of the current state that are missing (the zip, and the CSV for every
    address known and `base`); return the names written. Nothing to do when they exist."""
    state = freshness.current()
    written = []
    bases = sorted(known_bases() | ({base} if base else set()))[:MAX_BASES]
    wanted = [(ZIP, None, _write_zip)] + [(CSV, b, _csv_writer(b)) for b in bases]
    for kind, address, write in wanted:
        name = file_name(kind, state, address)
        if storage().exists(name):
            continue
        if not _write_file(name, write, state):
            logger.info("register files: the state moved on during the build; stopped")
            break
        written.append(name)
        _remove_older(_parse(name))
    _remove_abandoned()
    return written


@task()
def build(base: str | None = None) -> list[str]:
    # Cleared before the state is read: a change committed from here on queues a new build,
    # and one committed before is in the state this build reads.
    cache.delete_many([_queued_key(None), _queued_key(base)])
    return build_now(base)


def _queued_key(base: str | None) -> str:
    return "register-files-queued:" + (_base_key(base) if base else "")


def queue_build(base: str | None = None) -> None:
    """Ask the worker for a build, unless one is already queued (cache.add is atomic)."""
    if cache.add(_queued_key(base), 1, QUEUED_SECONDS):
        build.enqueue(base=base)


def state_moved() -> None:
    """Called by derived.py where the freshness token moves, inside that transaction: the
    build is queued once it commits (a rollback queues nothing)."""
    transaction.on_commit(queue_build, robust=True)


# Serving -------------------------------------------------------------------------------------


def _left_public_since(when: dt.datetime | None) -> bool:
    """Whether a record once published stopped being public after `when`: a file of the
    register as it was then would still carry it. Withdrawing, unpublishing and deleting
    each save the record (Deployment.updated) or leave a deletion in its history."""
    once_public = Deployment.objects.filter(published_at__isnull=False)
    hidden = once_public.exclude(publication=Deployment.Publication.PUBLISHED)
    deleted = Deployment.history.filter(history_type="-", published_at__isnull=False)
    if when is not None:
        hidden = hidden.filter(updated__gt=when)
        deleted = deleted.filter(history_date__gt=when)
    return hidden.exists() or deleted.exists()


def servable(kind: str, state: freshness.State, base: str | None = None) -> Built | None:
    """The file to serve: the current state's, else the newest earlier one if nothing since
    has made it unsafe to serve; None when there is none. A miss queues a build."""
    files = built(kind, base)
    for found in files:
        if found.holds(state):
            return found
    queue_build(base)
    # Listed again: a worker quicker than this request (or a test's build, conftest.py) may
    # have written it meanwhile.
    files = built(kind, base)
    for found in files:
        if found.holds(state):
            return found
    if files and not _left_public_since(files[0].changed):
        return files[0]
    return None


def not_ready(message: str) -> HttpResponse:
    response = JsonResponse(
        {"errors": [{"parameter": None, "message": message}]},
        status=503,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class _Window:
    """`length` bytes from `start` of `prefix` followed by the file: what a Range asks."""

    def __init__(self, prefix: bytes, fileobj, start: int, length: int):
        self.prefix, self.file, self.left = prefix, fileobj, length
        if start < len(prefix):
            self.prefix = prefix[start:]
            fileobj.seek(0)
        else:
            self.prefix = b""
            fileobj.seek(start - len(prefix))

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        out = self.prefix[:size]
        self.prefix = self.prefix[size:]
        if len(out) < size:
            out += self.file.read(size - len(out))
        self.left -= len(out)
        return out

    def close(self) -> None:
        self.file.close()


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of a single `Range: bytes=...`; None to send the whole file (no range,
    several ranges, or one this cannot read: RFC 9110 lets a server ignore them); False when
    the range cannot be satisfied (416)."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        if int(last) == 0:
            return False
        return max(size - int(last), 0), size - 1
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first >= size:
        return False
    if last < first:
        return None
    return first, last


def respond(
    request,
    found: Built,
    state: freshness.State,
    *,
    filename: str,
    content_type: str,
    prefix: bytes = b"",
) -> HttpResponse:
    """The file, whole or the range asked, with validators of its own: its name holds its
    state, code and address, so the ETag changes exactly when its bytes do."""
    digest = hashlib.sha256(found.name.encode() + b"|" + prefix).hexdigest()[:32]
    etag = f'"{digest}"'
    last_modified = found.changed and int(found.changed.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    files = storage()
    if not_modified is None:
        fileobj = files.open(found.name, "rb")
        size = len(prefix) + files.size(found.name)
        seekable = hasattr(fileobj, "seek") and getattr(fileobj, "seekable", lambda: True)()
        wanted = None
        if seekable and "HTTP_RANGE" in request.META and _if_range(request, etag, last_modified):
            wanted = byte_range(request.META["HTTP_RANGE"], size)
        if wanted is False:
            fileobj.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
        else:
            first, last = wanted or (0, size - 1)
            response = FileResponse(
                _Window(prefix, fileobj, first, last - first + 1),
                as_attachment=True,
                filename=filename,
                content_type=content_type,
                status=206 if wanted else 200,
            )
            response["Content-Length"] = str(last - first + 1)
            if wanted:
                response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Accept-Ranges"] = "bytes" if seekable else "none"
    else:
        response = not_modified
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
        response["X-Register-State-Date"] = http_date(last_modified)
    response["X-Register-State"] = "current" if found.holds(state) else "previous"
    return response


def _if_range(request, etag: str, last_modified: int | None) -> bool:
    """Whether a Range applies: with If-Range, only to the copy the client names."""
    condition = request.META.get("HTTP_IF_RANGE")
    if condition is None:
        return True
    return condition == etag or (
        last_modified is not None and condition == http_date(last_modified)
    )


def status(state: freshness.State) -> Built | None:
    """The register.zip a download gets now when it is not the current state's (for the data
    page's note), else None. Reads file names only."""
    files = built(ZIP)
    if not files or any(f.holds(state) for f in files):
        return None
    return files[0]
