"""Part of `make bench` (bench/run.py): SQL queries per request, and the database's floor.

    profile_queries.py PATH...      -> {path: {"cold", "warm", "floor" | "floor_rows_per_s"}}
    profile_queries.py --selectors  -> {"technology", "word", "record", "page_size"}
    profile_queries.py --search-totals WORD...  -> {word: records the list page counts for it}

Runs in its own process with the benchmark server's environment (DATABASE_URL, DEBUG off), and
prints one JSON line. "cold" counts the queries of a request with an empty cache, "warm" of the
same request again. "floor" is the median time of the cold request's own SQL statements
(parameters inlined) replayed on the raw DB-API connection, fetching every row: what the page
would cost with no Django, no Python per row and no cache. For a CSV export the floor is
rows/s of the database writing the same records by itself: PostgreSQL's COPY, or csv.writer
over a sqlite3 cursor.
"""

import csv
import io
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transparency.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from deployments.core import filters  # noqa: E402
from deployments.dev import vocabulary  # noqa: E402
from deployments.explore.views import PAGE_SIZE  # noqa: E402
from deployments.models import Deployment  # noqa: E402


def selectors() -> dict:
    # A record with the most common shape: published, with the benchmark's technology.
    record = (
        Deployment.objects.published()
        .filter(technologies__slug=vocabulary.BENCH_TECHNOLOGY_SLUG)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    return {
        "technology": vocabulary.BENCH_TECHNOLOGY_SLUG,
        "word": vocabulary.BENCH_SEARCH_WORD,
        "record": record,
        # The list's page size, so a page of another server can be asked for the same rows.
        "page_size": PAGE_SIZE,
    }


def search_totals(words: list[str]) -> dict[str, int]:
    """How many records the list page finds for each word, through the filter it reads."""
    return {word: filters.filtered({"q": word}).qs.order_by().count() for word in words}


def queries_of(client, path) -> tuple[int, list[str]]:
    connection.queries_log.clear()
    response = client.get(path)
    b"".join(response) if response.streaming else response.content  # run a streamed body too
    return response.status_code, [q["sql"] for q in connection.queries]


def replay(statements: list[str], repeat: int = 3) -> float:
    """Median seconds to run these statements on the raw connection and fetch every row."""
    raw = connection.connection  # the sqlite3 / psycopg connection, with Django's functions
    times = []
    for _ in range(repeat):
        cursor = raw.cursor()
        started = time.perf_counter()
        for sql in statements:
            # A streamed export reads through a named cursor on PostgreSQL: replay its query.
            sql = re.sub(r"^DECLARE .+? CURSOR .*?FOR ", "", sql, count=1, flags=re.DOTALL)
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        times.append(time.perf_counter() - started)
        cursor.close()
    return statistics.median(times)


def csv_floor(technology_slug: str | None) -> float:
    """Rows/s of the database writing the published records (of one technology) by itself."""
    records = Deployment.objects.published()
    if technology_slug:
        records = records.filter(technologies__slug=technology_slug)
    subquery, params = records.values("pk").query.sql_with_params()
    sql = f"SELECT * FROM deployments_deployment WHERE id IN ({subquery})"  # noqa: S608
    raw = connection.connection
    started = time.perf_counter()
    rows = 0
    if connection.vendor == "sqlite":
        writer = csv.writer(io.StringIO())
        for row in raw.execute(sql.replace("%s", "?"), params):  # Django writes %s for both
            writer.writerow(row)
            rows += 1
    else:
        import psycopg

        statement = psycopg.ClientCursor(raw).mogrify(sql, params)  # COPY takes no parameters
        copy_sql = f"COPY ({statement}) TO STDOUT (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for block in copy:
                rows += bytes(block).count(b"\n")
    return rows / (time.perf_counter() - started)


def profile(paths: list[str]) -> dict:
    # Log every statement with DEBUG off, and keep the log across the request (Django clears it
    # when a request starts).
    connection.force_debug_cursor = True
    request_started.disconnect(reset_queries)
    client = Client(HTTP_HOST="127.0.0.1")
    result = {}
    for path in paths:
        cache.clear()
        status, cold = queries_of(client, path)
        _, warm = queries_of(client, path)
        result[path] = {"status": status, "cold": len(cold), "warm": len(warm)}
        if path.startswith("/deployments.csv"):
            technology = selectors()["technology"] if "technology=" in path else None
            result[path]["floor_rows_per_s"] = csv_floor(technology)
        else:
            result[path]["floor"] = replay(cold)
    return result


if __name__ == "__main__":
    if sys.argv[1:] == ["--selectors"]:
        print(json.dumps(selectors()))
    elif sys.argv[1:2] == ["--search-totals"]:
        print(json.dumps(search_totals(sys.argv[2:])))
    else:
        print(json.dumps(profile(sys.argv[1:])))
