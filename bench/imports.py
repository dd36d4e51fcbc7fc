"""Part of `make bench` (bench/run.py --only import): what a bulk import costs.

    imports.py export DIR    -> the bench database's whole /deployments.csv, register.zip and
                                technologies (technologies.json) written to DIR; one JSON line
    imports.py load FILE [TECHNOLOGIES]
                             -> FILE imported into this (empty) database as the admin's
                                import would, after TECHNOLOGIES are created; one JSON line:
                                {"seconds", "rows", "records", "tables", "ok", "problems"}

A "row" is a data row of the file, over all its tables (the flat CSV: one per record;
register.zip: every row of its twelve CSV files); "records" are the rows of deployments.csv.
The time is importer.run's, from the bytes to the commit, derived data included (it is
refreshed on commit, inside the call). Runs with the bench server's environment, in a process
of its own.
"""

import csv
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transparency.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from deployments.importing import importer  # noqa: E402
from deployments.models import Technology  # noqa: E402
from deployments.opendata.register_zip import write_register_zip  # noqa: E402


def _body(response) -> bytes:
    if response.status_code != 200:
        raise SystemExit(f"{response.request['PATH_INFO']} answered {response.status_code}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def _zip() -> bytes:
    """register.zip as /data/register.zip gives it (written here: that address may serve a
    file built in the background, which a fresh database does not have yet)."""
    out = io.BytesIO()
    write_register_zip(out)
    return out.getvalue()


def export(directory: Path) -> dict:
    client = Client(SERVER_NAME="127.0.0.1")
    files = {
        # Every record, streamed as a query's download is: the bare address may be served
        # from a file built in the background, which a fresh database does not have yet.
        "deployments.csv": _body(client.get("/deployments.csv?sort=title")),
        "register.zip": _zip(),
    }
    for name, data in files.items():
        (directory / name).write_bytes(data)
    technologies = list(Technology.objects.values("slug", "name", "description"))
    (directory / "technologies.json").write_text(json.dumps(technologies))
    return {name: len(data) for name, data in files.items()}


def count_rows(data: bytes) -> tuple[int, int, int]:
    """(rows over all tables, records, tables) of a flat CSV or register.zip."""

    def rows(text: bytes) -> int:
        return sum(1 for _row in csv.reader(io.StringIO(text.decode("utf-8-sig"), newline=""))) - 1

    if not data.startswith(b"PK"):
        n = rows(data)
        return n, n, 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        counts = {
            name: rows(archive.read(name)) for name in archive.namelist() if name.endswith(".csv")
        }
    return sum(counts.values()), counts["deployments.csv"], len(counts)


def load(path: Path, technologies: Path | None) -> dict:
    if technologies is not None:
        Technology.objects.bulk_create(
            Technology(**values) for values in json.loads(technologies.read_text())
        )
    data = path.read_bytes()
    rows, records, tables = count_rows(data)
    started = time.perf_counter()
    report = importer.run(data, path.name)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "records": records,
        "tables": tables,
        "ok": report.ok,
        "problems": [str(p) for p in report.problems[:3]],
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "export":
        result = export(Path(args[0]))
    else:
        result = load(Path(args[0]), Path(args[1]) if len(args) > 1 else None)
    print(json.dumps(result))
