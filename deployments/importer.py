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

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils.text import slugify

from . import derived, dictionary
from .exports import split_multi
from .import_files import (
    OWN_FIELDS,
    BadFile,
    CellError,
    Problem,
    Sheet,
    code,
    date_pair,
    decimal_cell,
    integer_id,
    read_upload,
    text,
    timestamp,
)
from .models import (
    RESERVED_SLUGS,
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Source,
    Technology,
)

CHANGE_REASON = "Imported from a file"  # in each history record the import writes
ENUM_FIELDS = {"status", "visibility"}
# register.zip tables in the order they are written: referenced tables first.
ZIP_ORDER = [
    "technologies",
    "organisations",
    "sources",
    "deployments",
    "deployment_technologies",
    "involvements",
    "locations",
    "costs",
    "events",
    "legal_bases",
    "impact_assessments",
    "citations",
]
CHILD_MODELS = {
    "involvements": Involvement,
    "locations": Location,
    "costs": Cost,
    "events": Event,
    "legal_bases": LegalBasis,
    "impact_assessments": ImpactAssessment,
    "citations": Citation,
}
# A reference column and the table whose ids it holds.
REFERENCES = {
    "deployment_id": "deployments",
    "technology_id": "technologies",
    "organisation_id": "organisations",
    "source_id": "sources",
}


@dataclass
class Outcome:
    """What happens to one record (a row of the deployments table)."""

    row: int
    action: str  # "create" or "update"
    slug: str
    title: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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


class Importer:
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

    def source(self, label: str) -> tuple[Source, bool]:
        """A source from a CSV cell: a URL, or "Publisher: Title"."""
        if label.startswith(("http://", "https://")):
            found = Source.objects.filter(url=label).order_by("id").first()
            values = {
                "url": label,
                "title": label,
                "publisher": urlparse(label).netloc or label,
                "source_type": Source.Type.OTHER,
            }
        else:
            publisher, _sep, title = label.partition(": ")
            if not title:
                publisher, title = "", label
            found = Source.objects.filter(publisher=publisher, title=title).order_by("id").first()
            values = {"publisher": publisher or "Unknown publisher", "title": title}
        if found:
            return found, False
        source = Source(**values)
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

    # The CSV export format

    def run_flat(self, sheet: Sheet) -> None:
        total = len(sheet.rows)
        seen: dict[str, int] = {}
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, total)
            slug = code(row, "slug")
            if slug and slug in seen:
                self.problem(
                    sheet.name,
                    number,
                    "slug",
                    f"“{slug}” is also on row {seen[slug]}: one row per record.",
                )
                continue
            seen[slug] = number
            deployment, outcome = self.deployment(sheet, number, row, OWN_FIELDS)
            self.report.outcomes.append(outcome)
            # Checked even when the record itself has a problem, so the preview lists every
            # problem of the row at once.
            technologies = self.flat_technologies(sheet, number, row, outcome)
            roles = self.flat_roles(sheet, number, row, outcome)
            if deployment is not None:
                self.flat_relations(deployment, technologies, roles, sheet, number, row, outcome)

    def flat_technologies(self, sheet, number, row, outcome) -> list | None:
        if "technologies" not in sheet.header:
            return None
        technologies = []
        for name in split_multi(text(row, "technologies")):
            technology = self.technology(name)
            if technology is None:
                known = ", ".join(Technology.objects.values_list("name", flat=True)[:30])
                message = f"Unknown technology “{name}”. Known technologies: {known}."
                self.problem(sheet.name, number, "technologies", message, outcome)
            else:
                technologies.append(technology)
        return technologies

    def flat_relations(self, deployment, technologies, roles, sheet, number, row, outcome):
        if technologies is not None:
            deployment.technologies.set(technologies)
        if roles is not None:
            deployment.involvements.all().delete()
            for name, role in roles:
                organisation, created = self.organisation(name)
                if created:
                    outcome.notes.append(f"New organisation “{name}”: complete it in the admin.")
                Involvement.objects.get_or_create(
                    deployment=deployment, organisation=organisation, role=role
                )
        if outcome.action == "create":
            self.flat_new_record(deployment, sheet, number, row, outcome)
        elif any(text(row, c) for c in ("sources", "cost_amount", "locations")):
            outcome.notes.append(
                "Existing record: its sources, costs and locations are kept "
                "as they are (register.zip or the admin changes them)."
            )

    def flat_roles(self, sheet, number, row, outcome) -> list[tuple[str, str]] | None:
        columns = ("operators", "suppliers", "other_organisations")
        if not any(c in sheet.header for c in columns):
            return None
        roles = [(n, "operator") for n in split_multi(text(row, "operators"))]
        roles += [(n, "supplier") for n in split_multi(text(row, "suppliers"))]
        valid = dict(Involvement.Role.choices)
        for item in split_multi(text(row, "other_organisations")):
            name, _sep, role = item.rpartition(" (")
            role = role.removesuffix(")")
            if not name or role not in valid:
                self.problem(
                    sheet.name,
                    number,
                    "other_organisations",
                    f"“{item}” should be “Name (role)” with a role among {', '.join(valid)}.",
                    outcome,
                )
                continue
            roles.append((name, role))
        return roles

    def flat_new_record(self, deployment, sheet, number, row, outcome) -> None:
        """Sources, headline cost and first location of a record the CSV creates."""
        sources = []
        for label in split_multi(text(row, "sources")):
            source, created = self.source(label)
            if created:
                outcome.notes.append(f"New source “{label}”: complete its title and publisher.")
            if source not in sources:
                sources.append(source)
                Citation.objects.create(deployment=deployment, source=source)
        cost_columns = ("cost_amount", "cost_currency", "cost_covers", "cost_qualifier")
        if any(code(row, c) for c in cost_columns):
            try:
                amount = decimal_cell(row, "cost_amount")
            except CellError as error:
                self.problem(sheet.name, number, error.column, error.message, outcome)
                amount = None
            if not sources:
                self.problem(
                    sheet.name,
                    number,
                    "cost_amount",
                    "A cost needs a source: list it in the sources column.",
                    outcome,
                )
            elif not outcome.problems:
                qualifier = code(row, "cost_qualifier") or (
                    Cost.Qualifier.EXACT if amount is not None else Cost.Qualifier.NOT_DISCLOSED
                )
                cost = Cost(
                    deployment=deployment,
                    source=sources[0],
                    amount=amount,
                    currency=code(row, "cost_currency"),
                    covers=code(row, "cost_covers"),
                    qualifier=qualifier,
                )
                self.save(
                    cost,
                    sheet.name,
                    number,
                    {f: f"cost_{f}" for f in ("amount", "currency", "covers", "qualifier")},
                    outcome,
                )
        self.flat_location(deployment, sheet, number, row, outcome)
        if text(row, "legal_basis"):
            outcome.notes.append(
                "legal_basis is not imported from the CSV (it has no source "
                "or instrument type): add it in the admin or with register.zip."
            )

    def flat_location(self, deployment, sheet, number, row, outcome) -> None:
        names = split_multi(text(row, "locations"))
        try:
            lat, lon = decimal_cell(row, "latitude"), decimal_cell(row, "longitude")
        except CellError as error:
            self.problem(sheet.name, number, error.column, error.message, outcome)
            return
        if not names:
            if lat is not None or lon is not None:
                self.problem(
                    sheet.name, number, "locations", "A point needs a location name.", outcome
                )
            return
        if len(names) > 1:
            outcome.notes.append(
                f"Only the first location, “{names[0]}”, is imported from the "
                "CSV: add the others in the admin or with register.zip."
            )
        countries = split_multi(code(row, "countries"))
        geometry = None
        if lat is not None and lon is not None:
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        location = Location(
            deployment=deployment,
            name=names[0],
            geometry=geometry,
            precision=code(row, "location_precision"),
            country=countries[0] if len(countries) == 1 else "",
        )
        self.save(
            location,
            sheet.name,
            number,
            {
                "name": "locations",
                "precision": "location_precision",
                "geometry": "latitude",
                "country": "countries",
            },
            outcome,
        )

    # register.zip

    def run_zip(self, sheets: dict[str, Sheet]) -> None:
        for table in ZIP_ORDER:
            if table in sheets:
                getattr(self, f"zip_{table}", self.zip_children)(sheets[table], table)

    def _ids(self, sheet: Sheet, number: int, row: dict) -> int | None:
        try:
            return integer_id(row, "id")
        except CellError as error:
            self.problem(sheet.name, number, error.column, error.message)
            return None

    def zip_technologies(self, sheet: Sheet, table: str) -> None:
        for number, row in sheet.rows:
            file_id = self._ids(sheet, number, row)
            found = self.technology(code(row, "slug")) or self.technology(text(row, "name"))
            action = "reuse"
            if found is None:
                found = Technology(
                    slug=code(row, "slug"),
                    name=text(row, "name"),
                    description=text(row, "description"),
                )
                self.keep_id(found, Technology, file_id)
                if not self.save(found, sheet.name, number, {}):
                    continue
                action = "create"
            self.report.counts[(table, action)] += 1
            self.saved[table][file_id] = found

    def zip_organisations(self, sheet: Sheet, table: str) -> None:
        for number, row in sheet.rows:
            file_id = self._ids(sheet, number, row)
            name = text(row, "name")
            found = (
                Organisation.objects.filter(name=name).first()
                or Organisation.objects.filter(name__iexact=name).first()
            )
            action = "reuse"
            if found is None:
                slug = code(row, "slug")
                if not slug or Organisation.objects.filter(slug=slug).exists():
                    slug = self.unique_slug(Organisation, slug or name)
                found = Organisation(
                    name=name,
                    slug=slug,
                    kind=code(row, "kind"),
                    country=code(row, "country"),
                    website=code(row, "website"),
                    description=text(row, "description"),
                )
                self.keep_id(found, Organisation, file_id)
                if not self.save(found, sheet.name, number, {}):
                    continue
                action = "create"
            self.report.counts[(table, action)] += 1
            self.saved[table][file_id] = found

    def zip_sources(self, sheet: Sheet, table: str) -> None:
        for number, row in sheet.rows:
            file_id = self._ids(sheet, number, row)
            url = code(row, "url")
            # Reuse what the register already had, never a row this file created: two rows
            # of one file are two sources, even with one URL (the round trip keeps both).
            existing = Source.objects.exclude(pk__in=self.created_sources).order_by("id")
            same = existing.filter(
                url=url, publisher=text(row, "publisher"), title=text(row, "title")
            )
            # The same URL, publisher and title first (one page may be two sources).
            found = same.first() or (existing.filter(url=url).first() if url else None)
            action = "reuse"
            if found is None:
                try:
                    published, precision = date_pair(row, "published", "published_precision")
                except CellError as error:
                    self.problem(sheet.name, number, error.column, error.message)
                    continue
                found = Source(
                    title=text(row, "title"),
                    publisher=text(row, "publisher"),
                    source_type=code(row, "source_type"),
                    url=url,
                    archive_url=code(row, "archive_url"),
                    published=published,
                    published_precision=precision,
                    accessed=code(row, "accessed") or None,
                    notes=text(row, "notes"),
                )
                self.keep_id(found, Source, file_id)
                if not self.save(found, sheet.name, number, {}):
                    continue
                self.created_sources.append(found.pk)
                action = "create"
            self.report.counts[(table, action)] += 1
            self.saved[table][file_id] = found

    def zip_deployments(self, sheet: Sheet, table: str) -> None:
        total = len(sheet.rows)
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, total)
            deployment, outcome = self.deployment(sheet, number, row, OWN_FIELDS)
            self.report.outcomes.append(outcome)
            file_id = code(row, "id")
            if deployment is not None and file_id:
                self.saved[table][int(file_id)] = deployment  # deployment() checked the id

    def _reference(self, row: dict, column: str, required: bool = True):
        """The saved object a reference cell names, or CellError."""
        file_id = integer_id(row, column)
        if file_id is None:
            if required:
                raise CellError(column, "Empty: give the id of the row it refers to.")
            return None
        target = REFERENCES[column]
        found = self.saved[target].get(file_id)
        if found is None:
            raise CellError(
                column, f"No row with id {file_id} in {target}.csv (or that row has a problem)."
            )
        return found

    def zip_deployment_technologies(self, sheet: Sheet, table: str) -> None:
        chosen: dict[int, list] = {d.pk: [] for d in self.saved["deployments"].values()}
        for number, row in sheet.rows:
            try:
                deployment = self._reference(row, "deployment_id")
                technology = self._reference(row, "technology_id")
            except CellError as error:
                self.problem(sheet.name, number, error.column, error.message)
                continue
            chosen[deployment.pk].append(technology)
        for deployment in self.saved["deployments"].values():
            deployment.technologies.set(chosen[deployment.pk])
        self.report.counts[(table, "create")] += len(sheet.rows)

    def zip_children(self, sheet: Sheet, table: str) -> None:
        """Rows of a table hanging off deployments: they replace the record's current rows."""
        model = CHILD_MODELS[table]
        columns = dictionary.TABLES_BY_NAME[table].columns
        for deployment, outcome, _times in self.touched:
            if outcome.action != "update":
                continue
            for old in model.objects.filter(deployment=deployment):
                old._change_reason = CHANGE_REASON
                old.delete()
        for number, row in sheet.rows:
            values, failed = {}, False
            for column in columns:
                name = column.name
                try:
                    if name in REFERENCES:
                        reference = self._reference(row, name, required=column.required)
                        values[name.removesuffix("_id")] = reference
                    elif name in ("id", "longitude", "latitude") or name.endswith("_precision"):
                        continue  # the file's id is kept below; the point is recomputed
                    elif column.pattern == dictionary.DATE_PATTERN:
                        precision = name.removesuffix("_date") + "_precision"
                        values[name], values[precision] = date_pair(row, name, precision)
                    elif name == "geometry":
                        values[name] = _geometry(row)
                    elif column.type == "number":
                        values[name] = decimal_cell(row, name)
                    elif column.enum or column.pattern:
                        values[name] = code(row, name)
                    else:
                        values[name] = text(row, name)
                except CellError as error:
                    self.problem(sheet.name, number, error.column, error.message)
                    failed = True
            if failed:
                continue
            obj = model(**values)
            self.keep_id(obj, model, self._ids(sheet, number, row))
            refs = {n.removesuffix("_id"): n for n in REFERENCES}
            deployment = values.get("deployment")
            outcome = self.outcomes.get(deployment.pk) if deployment else None
            if self.save(obj, sheet.name, number, refs, outcome):
                self.report.counts[(table, "create")] += 1


def _geometry(row: dict):
    value = code(row, "geometry")
    if not value:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise CellError("geometry", f"This is not GeoJSON text: {error.msg}.") from None


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
    with transaction.atomic():
        if report.file_kind == "csv":
            importer.run_flat(sheets["export"])
        else:
            importer.run_zip(sheets)
        if report.ok:
            importer.finish_deployments()
        if report.ok and commit:
            report.written = True
        else:
            transaction.set_rollback(True)
    return report
