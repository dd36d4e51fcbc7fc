"""Import a CSV export or a register.zip: `python manage.py import_register FILE`.

All or nothing: any problem is listed with its file, row and column, and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deployments.importing import import_files, importer


class Command(BaseCommand):
    help = (
        "Import deployments from the register's CSV export or a register.zip. New records are "
        "drafts unless --publish is given; existing records are matched by slug (or id)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv in the export format, or a register.zip.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the imported records at once."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, write nothing."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # Refuse an oversized file before reading it into memory.
        if path.stat().st_size > import_files.MAX_BYTES:
            raise CommandError(
                f"{path.name} is {path.stat().st_size / 1e6:.1f} MB; the limit is "
                f"{import_files.MAX_BYTES / 1e6:.0f} MB. Nothing was written."
            )
        self._last = None
        report = importer.run(
            path.read_bytes(),
            path.name,
            publish=options["publish"],
            commit=not options["dry_run"],
            progress=self.progress,
        )
        if self._last is not None:
            self.stdout.write("")  # end the progress line
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        for outcome in report.outcomes:
            for note in outcome.notes:
                self.stdout.write(f"Row {outcome.row} ({outcome.slug}): {note}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(report.problems)} problem(s): nothing was written.")
        for line in report.summary():
            self.stdout.write(line)
        if report.written:
            drafts = "" if options["publish"] else " New records are drafts: an editor publishes."
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}.{drafts}"))
        else:
            self.stdout.write(self.style.SUCCESS("Dry run: no problems found, nothing written."))

    def progress(self, table: str, done: int, total: int, problems: int) -> None:
        """A one-line progress bar, redrawn every 1% (and at the end)."""
        step = max(total // 100, 1)
        if done % step and done != total:
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\r" if self.stdout.isatty() else "\n"
        if not self.stdout.isatty() and done != total and done % max(total // 4, 1):
            return  # in a log, four lines are enough
        self.stdout.write(f"{table} [{bar}] {done}/{total}", ending=end)
        self._last = done
