"""Load (or refresh) the seed register: `python manage.py load_seed_register`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from deployments.seed import load_seed_register


class Command(BaseCommand):
    help = "Create or update the deployments described in the seed documents. Safe to re-run."

    def handle(self, *args, **options):
        # All or nothing: a record that fails validation leaves the register as it was.
        with transaction.atomic():
            tally = load_seed_register()
        self.stdout.write(
            f"Seed register: {tally['deployments']} deployments; "
            f"{tally['created']} records created, {tally['updated']} updated, "
            f"{tally['removed']} removed (corrected away), "
            f"{tally['published']} deployments published."
        )
