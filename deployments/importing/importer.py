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

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify

from deployments.core import dates, derived, edits, search
from deployments.core.signals import SHOWN_WHILE_UNPUBLISHED, public_change
from deployments.importing.bulk import BATCH, Writer, chunks, update_rows
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
from deployments.importing.tables import CHILD_MODELS, ENUM_FIELDS, REFERENCES
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


# Writing -------------------------------------------------------------------------------------

# The order staged rows are written in: referenced tables first.
WRITE_ORDER = [Technology, Organisation, Source, Deployment, *CHILD_MODELS.values()]
# A record's fields an update by import may change: all but its derived columns.
UPDATED_FIELDS = [
    f.name
    for f in Deployment._meta.concrete_fields
    if not f.primary_key
    and f.name not in ("created", "search_text", "search_refs", "search_vector")
]
# What publishing or restoring a created record's timestamps changes.
STAMP_FIELDS = ["publication", "published_at", "withdrawn_at", "updated"]


class Importer(FlatFile, PackageFile):
    """Reads one file into the register: the shared helpers here, each format's rows in its
    own mixin (flat.py: the CSV export; package.py: register.zip's tables). Rows are checked
    as they are read and written a batch at a time (bulk.py)."""

    def __init__(self, report: Report, *, publish: bool, can_publish: bool, progress):
        self.report = report
        self.publish = publish
        self.can_publish = can_publish
        told = progress or (lambda table, done, total, problems: None)

        def tell(table: str, done: int, total: int) -> None:
            told(table, done, total, len(report.problems))

        self.progress = tell
        self.writer = Writer(self.problem)
        self.writer.created_later[Deployment] = []
        # file id -> saved object, per table
        self.saved: dict[str, dict[int, object]] = {t: {} for t in REFERENCES.values()}
        self.touched: list[tuple[Deployment, Outcome, dict]] = []
        self.outcomes: dict[int, Outcome] = {}  # deployment pk -> its outcome
        self.updated: list[Deployment] = []  # existing records the file changes
        self.public_change = False  # whether an update changes what the public sees
        # token(deployment) -> (deployment, its technologies), linked once all are written
        self.links: dict[int, tuple[Deployment, list]] = {}
        # Lookups read once per import (and kept up to date with what it stages).
        self.existing: dict[str, Deployment] = {}  # slug -> record, "#<id>" -> record
        self.titled: dict[str, list[Deployment]] = defaultdict(list)  # TITLE -> records
        self.shared: dict[str, dict] | None = None
        self.sources: dict[str, dict] = {}
        self.slugs: dict[type, set[str]] = defaultdict(set)  # slugs this import gives
        # Slugs asked of the database at once (a record's slug made from its title), and
        # those of them it has.
        self.slugs_asked: dict[type, set[str]] = defaultdict(set)
        self.slugs_found: dict[type, set[str]] = defaultdict(set)

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
        """Check a new row as full_clean() would, and write it with the next batch; problems
        are reported against the row."""
        errors = self.writer.check(obj, columns, exclude)
        for column, message in errors:
            self.problem(sheet, row, column, message, outcome)
        if errors:
            return False
        self.stage(obj, sheet, row, outcome)
        return True

    def stage(self, obj, sheet: str, row: int | None, outcome=None) -> None:
        """Write obj with the next batch, unchecked (as the importer saved these before)."""
        self.writer.stage(obj, sheet, row, outcome)
        if len(self.writer.pending[type(obj)]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.writer.flush(WRITE_ORDER)

    def unique_slug(self, model, base: str) -> str:
        base = (slugify(base) or "record")[:180]
        slug, n = base, 2
        while slug in RESERVED_SLUGS or self.slug_taken(model, slug):
            slug, n = f"{base}-{n}", n + 1
        self.slugs[model].add(slug)
        return slug

    def slug_taken(self, model, slug: str) -> bool:
        if slug in self.slugs[model]:
            return True
        if slug in self.slugs_asked[model]:  # asked for the whole file at once
            return slug in self.slugs_found[model]
        return model.objects.filter(slug=slug).exists()

    # Reference data: read once, whole (the register has tens or hundreds of each, not
    # tens of thousands), and kept up to date with the entries this import creates.

    def _shared(self) -> dict[str, dict]:
        if self.shared is None:
            self.shared = {key: {} for key in ("tech_slug", "tech_name", "org_name", "org_i")}
            for technology in Technology.objects.order_by("-pk"):  # the lowest id wins
                self._know_technology(technology)
            for organisation in Organisation.objects.order_by("-pk"):
                self._know_organisation(organisation)
        return self.shared

    def _know_technology(self, technology: Technology) -> None:
        self.shared["tech_slug"][technology.slug] = technology
        self.shared["tech_name"][technology.name.lower()] = technology

    def _know_organisation(self, organisation: Organisation) -> None:
        self.shared["org_name"][organisation.name] = organisation
        self.shared["org_i"][organisation.name.lower()] = organisation

    def technology(self, name_or_slug: str) -> Technology | None:
        shared = self._shared()
        return shared["tech_slug"].get(name_or_slug) or shared["tech_name"].get(
            name_or_slug.lower()
        )

    def find_organisation(self, name: str) -> Organisation | None:
        shared = self._shared()
        return shared["org_name"].get(name) or shared["org_i"].get(name.lower())

    def new_technology(self, technology: Technology, sheet, number) -> bool:
        if not self.save(technology, sheet, number, {}):
            return False
        self._know_technology(technology)
        return True

    def new_organisation(self, organisation: Organisation, sheet, number, check=True) -> bool:
        if check and not self.save(organisation, sheet, number, {}):
            return False
        if not check:
            self.stage(organisation, sheet, number)
        self._know_organisation(organisation)
        self.slugs[Organisation].add(organisation.slug)
        return True

    def organisation(self, name: str, sheet: str = "", number=None) -> tuple[Organisation, bool]:
        """(organisation, created): reused by name, else created as a minimal record."""
        found = self.find_organisation(name)
        if found:
            return found, False
        organisation = Organisation(name=name, slug=self.unique_slug(Organisation, name))
        self.new_organisation(organisation, sheet, number, check=False)
        self.report.counts[("organisations", "create")] += 1
        return organisation, True

    def load_sources(self, urls, titles) -> dict[str, dict]:
        """The register's sources of these addresses or titles, indexed (lowest id first):
        by URL, and by (publisher, title)."""
        index = {"url": defaultdict(list), "label": defaultdict(list)}
        found = {}
        for field_name, values in (("url", urls), ("title", titles)):
            for batch in chunks(sorted(set(values))):
                for source in Source.objects.filter(**{f"{field_name}__in": batch}):
                    found[source.pk] = source
        for pk in sorted(found):
            source = found[pk]
            index["url"][source.url].append(source)
            index["label"][(source.publisher, source.title)].append(source)
        return index

    def source(self, label: str, title: str = "", publisher: str = "", published: str = ""):
        """(source, created) from a CSV cell: a URL, or "Publisher: Title"; with the title,
        publisher and date of the source_* columns when the file has them, which also tell
        apart two sources of one address."""
        index = self.sources["flat"]
        if label.startswith(("http://", "https://")):
            found = index["url"][label]
            values = {
                "url": label,
                "title": title or label,
                "publisher": publisher or urlparse(label).netloc or label,
                "source_type": Source.Type.OTHER,
            }
            if title:
                found = [s for s in found if s.title == title]
        else:
            if not (title and publisher):
                publisher, _sep, title = label.partition(": ")
                if not title:
                    publisher, title = "", label
            found = index["label"][(publisher, title)]
            values = {"publisher": publisher or "Unknown publisher", "title": title}
        if found:
            return found[0], False
        source = Source(**values)
        if published:  # checked by the caller (flat.FlatFile.flat_sources)
            source.published, source.published_precision = dates.parse(published)
            source._normalise_dates()
        self.stage(source, "sources", None)
        # Later rows reuse it, as they would a source the register had.
        index["url"][source.url].append(source)
        index["label"][(source.publisher, source.title)].append(source)
        self.report.counts[("sources", "create")] += 1
        return source, True

    # Deployments (both formats)

    def load_deployments(self, sheet: Sheet) -> None:
        """Read once what deployment() asks of every row: the records the file's slugs (or,
        without a slug, ids) name, and the records sharing a new record's title."""
        slugs = {code(row, "slug") for _number, row in sheet.rows} - {""}
        ids = set()
        for _number, row in sheet.rows:
            value = code(row, "id")
            if not code(row, "slug") and value.isdigit():
                ids.add(int(value))
        found = []
        for batch in chunks(sorted(slugs)):
            found += Deployment.objects.filter(slug__in=batch)
        for batch in chunks(sorted(ids)):
            found += Deployment.objects.filter(pk__in=batch)
        for deployment in found:
            # As stored, for signals.public_change once it is written.
            deployment._before = tuple(
                getattr(deployment, f) for f in ("published_at", *SHOWN_WHILE_UNPUBLISHED)
            )
            self.existing[deployment.slug] = self.existing[f"#{deployment.pk}"] = deployment
        titles, bases = set(), set()
        for _number, row in sheet.rows:
            key = code(row, "slug") or f"#{code(row, 'id')}"
            if key not in self.existing:
                titles.add(" ".join(text(row, "title").split()).upper())
                if not code(row, "slug"):  # unique_slug makes it from the title
                    bases.add((slugify(text(row, "title")) or "record")[:180])
        for batch in chunks(sorted(bases)):
            found = Deployment.objects.filter(slug__in=batch).values_list("slug", flat=True)
            self.slugs_found[Deployment].update(found)
        self.slugs_asked[Deployment] |= bases
        titles.discard("")
        for batch in chunks(sorted(titles)):
            same = Deployment.objects.annotate(key=Upper("title")).filter(key__in=batch)
            for twin in same:  # in the default order, as the preview lists them
                self.titled[twin.title.upper()].append(twin)
        self.known_ids = self.writer.existing_ids(Deployment, self.file_ids(sheet))

    @staticmethod
    def file_ids(sheet: Sheet) -> set[int]:
        ids = set()
        for _number, row in sheet.rows:
            value = code(row, "id")
            if value.isdigit():
                ids.add(int(value))
        return ids

    def deployment(self, sheet: Sheet, number: int, row: dict, fields: list[str]):
        """Match, fill and check one deployment row; returns (deployment or None, outcome)."""
        slug, file_id = code(row, "slug"), None
        outcome = Outcome(number, "create", slug, text(row, "title"))
        try:
            file_id = integer_id(row, "id")
        except CellError as error:
            self.problem(sheet.name, number, error.column, error.message, outcome)
        existing = None
        if slug:
            existing = self.existing.get(slug)
        elif file_id is not None:
            existing = self.existing.get(f"#{file_id}")
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
            self.writer.keep_id(deployment, Deployment, file_id, self.known_ids)
            deployment.slug = slug or self.unique_slug(Deployment, text(row, "title"))
            self.slugs[Deployment].add(deployment.slug)
            outcome.slug = deployment.slug
            title = " ".join(text(row, "title").split())
            if title:
                same = self.titled.get(title.upper(), [])[:TWINS_SHOWN]
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
        if hasattr(deployment, "_before"):  # in the register before this import
            errors = self.writer.check(deployment, {}, exclude=["technologies"])
            for column, message in errors:
                self.problem(sheet.name, number, column, message, outcome)
            if errors:
                return None, outcome
            if all(d is not deployment for d in self.updated):
                self.updated.append(deployment)
        elif not self.save(deployment, sheet.name, number, {}, outcome, exclude=["technologies"]):
            return None, outcome
        if not slug or slug not in self.existing:
            self.existing[deployment.slug] = deployment  # a later row of it updates it
        self.report.counts[("deployments", outcome.action)] += 1
        self.touched.append((deployment, outcome, {} if existing else times))
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
            for batch in chunks(sorted(created)):
                rows = model.objects.filter(deployment__in=batch).exclude(source=None)
                for deployment_id, source_id in rows.values_list("deployment_id", "source_id"):
                    cites[deployment_id].add(source_id)
        cited = sorted(set().union(*cites.values()))
        url_of = {}
        for batch in chunks(cited):
            found = Source.objects.filter(pk__in=batch).exclude(url="")
            url_of.update(found.values_list("pk", "url"))
        new_ids = self.new_ids()
        citing = defaultdict(set)  # a source, or an address -> the existing records citing it
        urls = sorted(set(url_of.values()))
        for model in models:
            for field_name, values in (("source__in", cited), ("source__url__in", urls)):
                for batch in chunks(values):
                    rows = model.objects.filter(**{field_name: batch})
                    for deployment_id, source_id, url in rows.values_list(
                        "deployment_id", "source_id", "source__url"
                    ):
                        if deployment_id in new_ids:
                            continue
                        citing[source_id].add(deployment_id)
                        if url:
                            citing[url].add(deployment_id)
        wanted = {}
        for deployment_id, outcome in created.items():
            known = {twin.pk for twin, _why in outcome.twins}
            found = set()
            for source_id in cites[deployment_id]:
                found |= citing[source_id] | citing[url_of.get(source_id, None)]
            room = TWINS_SHOWN - len(outcome.twins)
            wanted[deployment_id] = (sorted(found - known)[:room], outcome)
        twins = Deployment.objects.in_bulk({pk for pks, _o in wanted.values() for pk in pks})
        for pks, outcome in wanted.values():
            outcome.twins += [(twins[pk], "a source it also cites") for pk in pks]

    def new_ids(self) -> set[int]:
        return {d.pk for d, outcome, _times in self.touched if outcome.action == "create"}

    def link_technologies(self) -> None:
        """Write every record's technologies as the file gives them (what set() would)."""
        through = Deployment.technologies.through
        replaced = sorted(d.pk for d, _t in self.links.values() if d in self.updated)
        for batch in chunks(replaced):
            through.objects.filter(deployment__in=batch).delete()
        rows = [
            through(deployment_id=deployment.pk, technology_id=technology_id)
            for deployment, technologies in self.links.values()
            for technology_id in dict.fromkeys(t.pk for t in technologies)
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def finish_deployments(self) -> None:
        """Link technologies, publish when asked, keep a restored record's own timestamps,
        write the records' changes and history, and have derived data refreshed."""
        self.link_technologies()
        now = timezone.now()
        stamped = []  # created records whose publication or timestamps change now
        ready = [(d, o, t) for d, o, t in self.touched if not o.problems]
        unpublished = [d.pk for d, _o, _t in ready if not d.is_public] if self.publish else []
        problems = {}
        for batch in chunks(unpublished):
            problems.update(Deployment.publication_problems_of(batch))
        for deployment, outcome, times in ready:
            restore = {}
            if self.publish and not deployment.is_public:
                if problems[deployment.pk]:
                    message = "Cannot publish: " + " ".join(problems[deployment.pk])
                    self.problem("deployments", outcome.row, None, message, outcome)
                    continue
                deployment.publication = Deployment.Publication.PUBLISHED
                deployment.before_save()
                restore["updated"] = now
            if times.get("last_updated"):
                restore["updated"] = times["last_updated"]
            if times.get("published_at") and deployment.is_public:
                restore["published_at"] = times["published_at"]
            for name, value in restore.items():
                setattr(deployment, name, value)
            if restore and deployment not in self.updated:
                stamped.append(deployment)
        for deployment in self.updated:
            deployment.updated = now  # auto_now, which bulk_update does not apply
            self.public_change |= public_change(deployment._before, deployment)
        update_rows(Deployment, self.updated, UPDATED_FIELDS)
        update_rows(Deployment, stamped, STAMP_FIELDS)
        self.deployment_history(self.writer.created_later[Deployment], "+")
        self.deployment_history(self.updated, "~")
        # Bulk writes send no signals: the one keeper of derived data is told here, once.
        touched = {d.pk for d, _o, _t in self.touched}
        derived.changed(sorted(touched), touch=self.public_change)

    def deployment_history(self, deployments: list[Deployment], kind: str) -> None:
        """Their history rows as they now stand, each with the technologies it links, as
        simple_history's create_historical_record_m2ms writes them for a save."""
        through = Deployment.technologies.through
        historical_links = Deployment.history.model.technologies.model
        for batch in chunks(deployments):
            rows = self.writer.history(Deployment, batch, kind)
            history_of = {row.id: row for row in rows}
            links = through.objects.filter(deployment__in=[d.pk for d in batch])
            historical_links.objects.bulk_create(
                [
                    historical_links(
                        history=history_of[deployment_id],
                        id=link_id,
                        deployment_id=deployment_id,
                        technology_id=technology_id,
                    )
                    for link_id, deployment_id, technology_id in links.values_list(
                        "id", "deployment_id", "technology_id"
                    )
                ],
                batch_size=BATCH,
            )


def run(
    data: bytes,
    name: str,
    *,
    publish: bool = False,
    can_publish: bool = True,
    commit: bool = True,
    # Called as rows are read: (table, rows done, rows in it, problems found so far).
    progress: Callable[[str, int, int, int], None] | None = None,
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
        importer.flush()  # the database's own refusals are problems of the preview too
        if report.ok:
            importer.find_twins()
            importer.finish_deployments()
        if report.ok and commit:
            report.written = True
        else:
            transaction.set_rollback(True)
    return report
