"""Benchmark the CSV export: rows per second and peak memory as the row count grows.

    .venv/bin/python bench/export_csv.py            # 100,000 records in a throwaway SQLite file
    .venv/bin/python bench/export_csv.py --n 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/db .venv/bin/python bench/export_csv.py

Not a test: it prints figures. It builds N synthetic published records (with technologies,
organisations, a location, costs, a legal basis and a citation each) in a throwaway database
(a temporary SQLite file, or with DATABASE_URL a new PostgreSQL database created next to the
named one and dropped afterwards, never the named one), then streams /deployments.csv through
the Django test client in a fresh process, so the peak RSS it reports is the export's alone.
Flat peak RSS from the first checkpoint to the last is what "constant memory" means.
"""

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000


def django_setup(database_url: str) -> None:
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    os.environ["DATABASE_URL"] = database_url
    # Production-like settings: DEBUG off (no query log), no https redirect for the client.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transparency.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(n: int) -> None:
    """N synthetic records, written with bulk_create (no history: the export never reads it)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from deployments.models import (
        Citation,
        Cost,
        Deployment,
        Involvement,
        LegalBasis,
        Location,
        Organisation,
        Source,
        Technology,
    )

    rng = random.Random(1)  # noqa: S311 (synthetic data, not security)
    technologies = Technology.objects.bulk_create(
        Technology(
            name=f"Synthetic technology {i}",
            slug=f"synthetic-technology-{i}",
            description="Synthetic.",
        )
        for i in range(8)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Synthetic organisation {i}", slug=f"synthetic-organisation-{i}")
        for i in range(200)
    )
    sources = Source.objects.bulk_create(
        Source(
            title=f"Synthetic report {i}",
            publisher="Synthetic Gazette",
            url=f"https://example.org/synthetic/{i}",
        )
        for i in range(1000)
    )
    through = Deployment.technologies.through
    started = time.perf_counter()
    for first in range(0, n, BATCH):
        numbers = range(first, min(first + BATCH, n))
        deployments = Deployment.objects.bulk_create(
            Deployment(
                title=f"Synthetic deployment {i}",
                slug=f"synthetic-deployment-{i}",
                summary=f"A made-up deployment, number {i}, for the export benchmark.",
                status="active",
                start_date=dt.date(2000 + i % 25, 1 + i % 12, 1),
                start_precision="month",
                publication="published",
            )
            for i in numbers
        )
        rows = {model: [] for model in (through, Involvement, Location, Cost, LegalBasis, Citation)}
        for d in deployments:
            source = rng.choice(sources)
            for t in rng.sample(technologies, rng.randint(1, 2)):
                rows[through].append(through(deployment_id=d.pk, technology_id=t.pk))
            operator, supplier = rng.sample(organisations, 2)
            rows[Involvement] += [
                Involvement(deployment=d, organisation=operator, role="operator"),
                Involvement(deployment=d, organisation=supplier, role="supplier"),
            ]
            lon, lat = round(rng.uniform(-10, 30), 4), round(rng.uniform(35, 60), 4)
            rows[Location].append(
                Location(
                    deployment=d,
                    name="Synthetic place",
                    country="GB",
                    precision="city",
                    geometry={"type": "Point", "coordinates": [lon, lat]},
                    longitude=lon,
                    latitude=lat,
                )
            )
            rows[Cost].append(
                Cost(
                    deployment=d,
                    source=source,
                    amount=rng.randint(1, 10**7),
                    currency="GBP",
                    covers="contract",
                )
            )
            rows[LegalBasis].append(
                LegalBasis(
                    deployment=d,
                    source=source,
                    instrument_type="statute",
                    instrument="Synthetic Act",
                    status="asserted",
                )
            )
            rows[Citation].append(Citation(deployment=d, source=source))
        for model, objects in rows.items():
            model.objects.bulk_create(objects, batch_size=1000)
        print(
            f"  built {numbers.stop:>7} records ({time.perf_counter() - started:.0f} s)", flush=True
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        # A live database has planner statistics (autovacuum gathers them); a table filled a
        # moment ago has none yet, and the export's one statement is planned from them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000  # kB on Linux


def measure(n: int) -> None:
    from django.test import Client

    every = max(n // 10, 1)
    print(f"{'rows':>8} {'seconds':>8} {'rows/s':>8} {'RSS MB':>8} {'peak RSS MB':>12}")
    print(f"{0:>8} {0:>8.1f} {'':>8} {rss_mb():>8.1f} {peak_mb():>12.1f}  (before the request)")
    started, cpu_started = time.perf_counter(), time.process_time()
    response = Client().get("/deployments.csv")
    if response.status_code != 200:
        raise SystemExit(f"The export answered {response.status_code}.")
    rows, size, next_report = -1, 0, every  # the header line is not a row
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")
        size += len(chunk)
        if rows >= next_report or rows == n:
            elapsed = time.perf_counter() - started
            print(
                f"{rows:>8} {elapsed:>8.1f} {rows / elapsed:>8.0f} {rss_mb():>8.1f} "
                f"{peak_mb():>12.1f}",
                flush=True,
            )
            next_report += every
    response.close()
    print(
        f"Exported {rows} rows, {size / 1e6:.1f} MB of CSV, in "
        f"{time.perf_counter() - started:.1f} s, of which {time.process_time() - cpu_started:.1f} "
        "s of CPU in this process (on a busy machine, less noisy than the wall clock)."
    )


def throwaway_postgres(url: str) -> tuple[str, callable]:
    """A new database next to the one in `url`, and a function that drops it."""
    import psycopg

    parts = urlparse(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_export_bench_{os.getpid()}"
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urlunparse(parts._replace(path=f"/{name}")), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of records")
    parser.add_argument("--step", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:  # a child process: one phase, its own memory
        django_setup(args.database_url)
        build(args.n) if args.step == "build" else measure(args.n)
        return

    given = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        drop = None
        if given.startswith("postgres"):
            url, drop = throwaway_postgres(given)
        else:
            url = f"sqlite:///{folder}/bench.sqlite3"
        print(f"Database: {url.split('@')[-1]}; {args.n} records")
        try:
            for step in ("build", "measure"):
                subprocess.run(  # noqa: S603 (this same script, fixed arguments)
                    [
                        sys.executable,
                        __file__,
                        "--step",
                        step,
                        "--n",
                        str(args.n),
                        "--database-url",
                        url,
                    ],
                    check=True,
                )
        finally:
            if drop:
                drop()


if __name__ == "__main__":
    main()
