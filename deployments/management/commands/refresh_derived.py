"""Write every derived value again: search documents, stored CSV lines, the freshness token.

The site keeps them itself after every write it makes (core/derived.py). Run this after changing
rows by hand in SQL, or restoring a database dump taken with other code; `migrate` runs the
cheap part (search documents never written, CSV lines missing or of an older format) on
every deploy.
"""

import time

from django.core.management.base import BaseCommand

from deployments.core import derived


class Command(BaseCommand):
    help = "Writes every deployment's search document and CSV line again, from its rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help=(
                "only write search documents never written and CSV lines that are missing or "
                "of an older format (what migrate does)"
            ),
        )

    def handle(self, *args, missing, **options):
        began = time.monotonic()
        count = derived.refresh_all(missing_only=missing)
        what = "missing derived values" if missing else "records' derived values"
        self.stdout.write(f"Wrote {count} {what} in {time.monotonic() - began:.1f} s.")
