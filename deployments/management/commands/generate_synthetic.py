"""Fill a throwaway database with N obviously synthetic deployments, for benchmarks.

    python manage.py generate_synthetic 100000
    python manage.py generate_synthetic 1000000 --seed 2 --replace

Every title starts with "[Synthetic] ", every slug with "synthetic-", and every organisation,
technology and source name contains "Synthetic"; URLs are on example.org. The same N and
--seed give the same rows (on an empty database, the same ids too). No history rows are
written: these are not edits.

Rules, so synthetic records never end up in the real register by accident:
- It refuses when the database holds deployments that are not synthetic (slug not starting
  with "synthetic-"), unless --allow-mixed.
- It refuses when synthetic rows are already there, unless --replace, which deletes them
  (deployments, their claims, and the synthetic organisations, technologies and sources) first.

Each batch of deployments is its own transaction: an interrupted run leaves whole batches
behind, which --replace clears.

Selectors a benchmark can rely on, importable from deployments.dev.synthetic:
- BENCH_TECHNOLOGY_SLUG = "synthetic-facial-recognition": in about 20% of records
  (and of published records).
- BENCH_STATUS = "active": the status of about 20% of records.
- BENCH_SEARCH_WORD = "watchlist": in the summary of every 50th record (2%), nowhere else.
- BENCH_COUNTRY = "DE": about 20% of records have a location in that country.
"""

import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from deployments.dev import synthetic, writing
from deployments.models import Deployment


class Command(BaseCommand):
    help = (
        "Write N obviously synthetic deployments with all their related records, for "
        "benchmarks. Refuses to mix them with real records (--allow-mixed to insist) and to "
        "add to an earlier synthetic run (--replace deletes it first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("n", type=int, help="How many deployments to write.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Same N and seed, same rows (default 1)."
        )
        parser.add_argument(
            "--allow-mixed",
            action="store_true",
            help="Write even though the database holds deployments that are not synthetic.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic rows already there first, instead of refusing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=synthetic.BATCH_SIZE,
            help=f"Deployments per transaction (default {synthetic.BATCH_SIZE}).",
        )

    def handle(self, *args, n, seed, allow_mixed, replace, batch_size, **options):
        if n < 1 or batch_size < 1:
            raise CommandError("N and --batch-size must be at least 1.")
        real = Deployment.objects.exclude(slug__startswith=synthetic.SLUG_PREFIX).count()
        if real and not allow_mixed:
            raise CommandError(
                f"This database holds {real} deployments that are not synthetic (their slug "
                f"does not start with “{synthetic.SLUG_PREFIX}”). Synthetic records belong in "
                "a throwaway database: point DATABASE_URL at an empty one, or pass "
                "--allow-mixed to write them here anyway."
            )
        existing = [
            str(m._meta.verbose_name_plural)
            for m, q in writing.synthetic_rows().items()
            if q.exists()
        ]
        if existing and not replace:
            raise CommandError(
                f"Synthetic {', '.join(existing)} are already here, from an earlier run. Pass "
                "--replace to delete them first."
            )

        started = time.perf_counter()
        if existing:
            try:
                writing.delete_existing()
            except IntegrityError as error:
                raise CommandError(
                    "Could not delete the earlier synthetic rows: a record that is not "
                    f"synthetic refers to one of them ({error})."
                ) from error
        batches = synthetic.generate(n, seed, writing.next_ids(), batch_size)
        rows = written = 0
        # The next batch is generated in a second thread while the database stores this one:
        # generating is pure Python and touches no database, and while the database server
        # works (indexes, the search trigger, foreign-key checks at commit) this process only
        # waits, without the GIL, so on two cores both go at once.
        with ThreadPoolExecutor(max_workers=1) as executor:
            upcoming = executor.submit(next, batches, None)
            while (batch := upcoming.result()) is not None:
                upcoming = executor.submit(next, batches, None)
                rows += writing.write(batch)
                written += len(batch.get(Deployment, []))
                if options["verbosity"] >= 2:
                    seconds = time.perf_counter() - started
                    self.stdout.write(f"  {written} deployments, {rows} rows ({seconds:.0f} s)")
        writing.finish()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Wrote {written} synthetic deployments ({rows} rows in all) in {seconds:.1f} s: "
            f"{written / seconds:.0f} deployments/s."
        )
