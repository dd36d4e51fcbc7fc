"""Bulk import of the register's own formats: the CSV export (/deployments.csv) or register.zip.

One function, run(), does everything inside one transaction: it reads the file, checks and
writes every row, and rolls the whole transaction back when any row has a problem or when it
is only a preview. A preview is therefore exactly what the real import would do, checked by
the same model validation and database constraints, and nothing is ever half-written.

Why not django-import-export: it maps one file to one model, while a register.zip is twelve
related tables whose ids must be remapped together (a source reused by URL, an organisation by
name) in one all-or-nothing transaction, and the export's own cell rules (dates only as precise
as known, "; "-joined lists with escapes, formula-neutralised text) need reversing exactly for a
lossless round trip. Doing that through its Resource/Widget hooks would be more code than this.

Rules (also on the /data/ page):
- Records are matched by slug, the stable key; when the slug cell is empty, by id. A match is
  updated, anything else created. A created record keeps the file's id when it is free.
- New records are drafts unless `publish` is asked for (editors only); an update keeps the
  record's publication state, and a published record may only be changed by an editor.
- Organisations are reused by name, technologies by slug or name, sources by URL (or by
  publisher and title when they have none); only missing ones are created.
- register.zip carries each record's full state: for every record in it, the rows of each table
  present in the zip replace the record's current ones.
- The CSV export carries a summary: it sets a record's own fields, technologies and
  organisations; for new records also its sources (as general citations), headline cost and
  first location. Existing records keep their costs, locations and sources.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Q
from django.utils.text import slugify

from deployments.core import dates, derived, edits, search
from deployments.importing.flat import FlatFile
from deployments.importing.import_files import (
    BadFile,
    CellError,
    Problem,
    Sheet,
    code,
    date_pair,
    integer_id,
    read_upload,
    text,
    timestamp,
)
from deployments.importing.package import PackageFile
from deployments.importing.tables import CHANGE_REASON, ENUM_FIELDS, REFERENCES
from deployments.models import (
    RESERVED_SLUGS,
    Deployment,
    Organisation,
    Source,
    Technology,
)

TWINS_SHOWN = 3  # possible repeats named per new record


@dataclass
class Outcome:
    """What happens to one record (a row of the deployments table)."""

    row: int
    action: str  # "create" or "update"
    slug: str
    title: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Existing records this new one may repeat, each with why (the same title, a source they
    # both cite): shown in the preview, linked, before anything is written.
    twins: list[tuple[Deployment, str]] = field(default_factory=list)


@dataclass
class Report:
    file_kind: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (table, action) -> n
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        tables = dict.fromkeys(table for table, _action in self.counts)
        lines = []
        for table in tables:
            parts = [
                f"{self.counts[(table, a)]} {a}d"
                for a in ("create", "update", "reuse")
                if self.counts[(table, a)]
            ]
            lines.append(f"{table}: {', '.join(parts)}")
        return lines


def _field_errors(error: ValidationError, columns: dict[str, str]) -> list[tuple[str | None, str]]:
    """A model's ValidationError as [(column, message)], naming the file's columns."""
    pairs = []
    for name, messages in error.message_dict.items():
        column = None if name == NON_FIELD_ERRORS else columns.get(name, name)
        pairs += [(column, message) for message in messages]
    return pairs


# Writing -------------------------------------------------------------------------------------


class Importer(FlatFile, PackageFile):
    """Reads one file into the register: the shared helpers here, each format's rows in its
    own mixin (flat.py: the CSV export; package.py: register.zip's tables)."""

    def __init__(self, report: Report, *, publish: bool, can_publish: bool, progress):
        self.report = report
        self.publish = publish
        self.can_publish = can_publish
        self.progress = progress or (lambda table, done, total: None)
        # file id -> saved object, per table
        self.saved: dict[str, dict[int, object]] = {t: {} for t in REFERENCES.values()}
        self.touched: list[tuple[Deployment, Outcome, dict]] = []
        self.outcomes: dict[int, Outcome] = {}  # deployment pk -> its outcome
        self.created_sources: list[int] = []

    # Shared helpers

    def problem(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        outcome: Outcome | None = None,
    ) -> None:
        p = Problem(sheet, row, column, message)
        self.report.problems.append(p)
        if outcome is not None:
            outcome.problems.append(p)

    def save(
        self, obj, sheet: str, row: int, columns: dict[str, str], outcome=None, exclude=()
    ) -> bool:
        """full_clean() and save() in a savepoint; problems are reported against the row."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=True)
        except ValidationError as error:
            for column, message in _field_errors(error, columns):
                self.problem(sheet, row, column, message, outcome)
            return False
        try:
            with transaction.atomic():
                obj._change_reason = CHANGE_REASON
                obj.save()
        except DatabaseError as error:
            self.problem(sheet, row, None, f"The database refused this row: {error}", outcome)
            return False
        if getattr(obj, "_id_from_file", False):
            self.follow_explicit_id(type(obj))
        return True

    def keep_id(self, obj, model, file_id: int | None) -> None:
        """Give a new row the file's id when no row has it (so a restore keeps its ids)."""
        if file_id is not None and not model.objects.filter(pk=file_id).exists():
            obj.pk = file_id
            obj._id_from_file = True

    def follow_explicit_id(self, model) -> None:
        """Move PostgreSQL's id sequence past an id inserted explicitly, at once: the next row
        without a free file id must not be given it. Never lowers the sequence."""
        if connection.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself
        table = model._meta.db_table
        highest = model.objects.aggregate(highest=Max("id"))["highest"] or 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "GREATEST(%s, nextval(pg_get_serial_sequence(%s, 'id'))))",
                [table, highest, table],
            )

    def unique_slug(self, model, base: str) -> str:
        base = (slugify(base) or "record")[:180]
        slug, n = base, 2
        while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    # Reference data

    def technology(self, name_or_slug: str) -> Technology | None:
        return (
            Technology.objects.filter(slug=name_or_slug).first()
            or Technology.objects.filter(name__iexact=name_or_slug).first()
        )

    def organisation(self, name: str) -> tuple[Organisation, bool]:
        """(organisation, created): reused by name, else created as a minimal record."""
        found = (
            Organisation.objects.filter(name=name).first()
            or Organisation.objects.filter(name__iexact=name).first()
        )
        if found:
            return found, False
        organisation = Organisation(name=name, slug=self.unique_slug(Organisation, name))
        organisation._change_reason = CHANGE_REASON
        organisation.save()
        self.report.counts[("organisations", "create")] += 1
        return organisation, True

    def source(self, label: str, title: str = "", publisher: str = "", published: str = ""):
        """(source, created) from a CSV cell: a URL, or "Publisher: Title"; with the title,
        publisher and date of the source_* columns when the file has them, which also tell
        apart two sources of one address."""
        if label.startswith(("http://", "https://")):
            found = Source.objects.filter(url=label)
            values = {
                "url": label,
                "title": title or label,
                "publisher": publisher or urlparse(label).netloc or label,
                "source_type": Source.Type.OTHER,
            }
            if title:
                found = found.filter(title=title)
        else:
            if not (title and publisher):
                publisher, _sep, title = label.partition(": ")
                if not title:
                    publisher, title = "", label
            found = Source.objects.filter(publisher=publisher, title=title)
            values = {"publisher": publisher or "Unknown publisher", "title": title}
        found = found.order_by("id").first()
        if found:
            return found, False
        source = Source(**values)
        if published:  # checked by the caller (flat.FlatFile.flat_sources)
            source.published, source.published_precision = dates.parse(published)
        source._change_reason = CHANGE_REASON
        source.save()
        self.report.counts[("sources", "create")] += 1
        return source, True

    # Deployments (both formats)

    def deployment(self, sheet: Sheet, number: int, row: dict, fields: list[str]):
        """Match, fill and save one deployment row; returns (deployment or None, outcome)."""
        slug, file_id = code(row, "slug"), None
        outcome = Outcome(number, "create", slug, text(row, "title"))
        try:
            file_id = integer_id(row, "id")
        except CellError as error:
            self.problem(sheet.name, number, error.column, error.message, outcome)
        existing = None
        if slug:
            existing = Deployment.objects.filter(slug=slug).first()
        elif file_id is not None:
            existing = Deployment.objects.filter(pk=file_id).first()
        deployment = existing or Deployment(publication=Deployment.Publication.DRAFT)
        if existing:
            outcome.action, outcome.slug = "update", existing.slug
            if existing.is_public and not self.can_publish:
                self.problem(
                    sheet.name,
                    number,
                    None,
                    "This record is published: only an editor may change it by import.",
                    outcome,
                )
        else:
            self.keep_id(deployment, Deployment, file_id)
            deployment.slug = slug or self.unique_slug(Deployment, text(row, "title"))
            outcome.slug = deployment.slug
            title = " ".join(text(row, "title").split())
            if title:
                same = Deployment.objects.filter(title__iexact=title)[:TWINS_SHOWN]
                outcome.twins = [(twin, "the same title") for twin in same]
        for name in fields:
            if name in sheet.header:
                value = code(row, name) if name in ENUM_FIELDS else text(row, name)
                setattr(deployment, name, value)
        for column, precision in (("start_date", "start_precision"), ("end_date", "end_precision")):
            if column in sheet.header:
                try:
                    value, parsed = date_pair(row, column, precision)
                except CellError as error:
                    self.problem(sheet.name, number, error.column, error.message, outcome)
                    continue
                setattr(deployment, column, value)
                setattr(deployment, precision, parsed)
        times = {}
        for column in ("published_at", "last_updated"):
            try:
                times[column] = timestamp(row, column)
            except CellError as error:
                self.problem(sheet.name, number, error.column, error.message, outcome)
        if outcome.problems:
            return None, outcome
        saved = self.save(deployment, sheet.name, number, {}, outcome, exclude=["technologies"])
        if not saved:
            return None, outcome
        self.report.counts[("deployments", outcome.action)] += 1
        self.touched.append((deployment, outcome, {} if existing else times))
        self.outcomes[deployment.pk] = outcome
        return deployment, outcome

    def find_twins(self) -> None:
        """A new record citing a source an existing record cites (the same source, or the
        same address) may be that record again: said beside the title match. A few queries
        for the whole file, by the relations' source indexes."""
        created = {
            d.pk: outcome
            for d, outcome, _times in self.touched
            if outcome.action == "create" and len(outcome.twins) < TWINS_SHOWN
        }
        if not created:
            return
        models = [Deployment._meta.get_field(r).related_model for r in search.CITING]
        cites = defaultdict(set)  # new record -> its sources
        for model in models:
            rows = model.objects.filter(deployment__in=created).exclude(source=None)
            for deployment_id, source_id in rows.values_list("deployment_id", "source_id"):
                cites[deployment_id].add(source_id)
        cited = set().union(*cites.values())
        url_of = dict(Source.objects.filter(pk__in=cited).exclude(url="").values_list("pk", "url"))
        same_sources = Q(source__in=cited) | Q(source__url__in=set(url_of.values()))
        citing = defaultdict(set)  # a source, or an address -> the existing records citing it
        for model in models:
            rows = model.objects.filter(same_sources).exclude(deployment__in=self.new_ids())
            for deployment_id, source_id, url in rows.values_list(
                "deployment_id", "source_id", "source__url"
            ):
                citing[source_id].add(deployment_id)
                if url:
                    citing[url].add(deployment_id)
        for deployment_id, outcome in created.items():
            known = {twin.pk for twin, _why in outcome.twins}
            found = set()
            for source_id in cites[deployment_id]:
                found |= citing[source_id] | citing[url_of.get(source_id, None)]
            room = TWINS_SHOWN - len(outcome.twins)
            for twin in Deployment.objects.filter(pk__in=found - known).order_by("pk")[:room]:
                outcome.twins.append((twin, "a source it also cites"))

    def new_ids(self) -> set[int]:
        return {d.pk for d, outcome, _times in self.touched if outcome.action == "create"}

    def finish_deployments(self) -> None:
        """Publish when asked, and keep a restored record's own timestamps."""
        for deployment, outcome, times in self.touched:
            if outcome.problems:
                continue
            if self.publish and not deployment.is_public:
                problems = deployment.publication_problems()
                if problems:
                    self.problem(
                        "deployments",
                        outcome.row,
                        None,
                        "Cannot publish: " + " ".join(problems),
                        outcome,
                    )
                    continue
                deployment.publication = Deployment.Publication.PUBLISHED
                deployment._change_reason = CHANGE_REASON
                deployment.save()
            restore = {}
            if times.get("last_updated"):
                restore["updated"] = times["last_updated"]
            if times.get("published_at") and deployment.is_public:
                restore["published_at"] = times["published_at"]
            if restore:
                Deployment.objects.filter(pk=deployment.pk).update(**restore)
                # A plain UPDATE sends no signal: `updated` is in the CSV line.
                derived.changed([deployment.pk])


def run(
    data: bytes,
    name: str,
    *,
    publish: bool = False,
    can_publish: bool = True,
    commit: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Import a file (the CSV export or register.zip): all of it, or nothing.

    With commit=False it is a preview: every row is checked and written as it would be, then
    the transaction is rolled back. The report lists what each row does and every problem.
    """
    report = Report()
    if publish and not can_publish:
        report.problems.append(
            Problem(
                name,
                None,
                None,
                "Only an editor may publish records by import: import them as drafts.",
            )
        )
        return report
    try:
        report.file_kind, sheets, report.warnings = read_upload(data, name)
    except BadFile as error:
        report.problems += error.problems
        return report
    importer = Importer(report, publish=publish, can_publish=can_publish, progress=progress)
    with transaction.atomic(), edits.recording(reason=f"Imported from “{name}”."):
        if report.file_kind == "csv":
            importer.run_flat(sheets["export"])
        else:
            importer.run_zip(sheets)
        if report.ok:
            importer.find_twins()
            importer.finish_deployments()
        if report.ok and commit:
            report.written = True
        else:
            transaction.set_rollback(True)
    return report
