"""How the importer reads register.zip: one CSV per table, rows joined by their ids.

A mixin of importer.Importer, whose helpers (save, problem, deployment...) it calls."""

from deployments.importing.bulk import token
from deployments.importing.import_files import (
    OWN_FIELDS,
    CellError,
    Sheet,
    code,
    date_pair,
    decimal_cell,
    integer_id,
    text,
)
from deployments.importing.tables import (
    CHILD_MODELS,
    REFERENCES,
    ZIP_ORDER,
    geometry,
)
from deployments.models import (
    Organisation,
    Source,
    Technology,
)
from deployments.opendata import dictionary


class PackageFile:
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
        known = self.writer.existing_ids(Technology, self.file_ids(sheet))
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, len(sheet.rows))
            file_id = self._ids(sheet, number, row)
            found = self.technology(code(row, "slug")) or self.technology(text(row, "name"))
            action = "reuse"
            if found is None:
                found = Technology(
                    slug=code(row, "slug"),
                    name=text(row, "name"),
                    description=text(row, "description"),
                )
                self.writer.keep_id(found, Technology, file_id, known)
                if not self.new_technology(found, sheet.name, number):
                    continue
                action = "create"
            self.report.counts[(table, action)] += 1
            self.saved[table][file_id] = found
        self.flush()

    def zip_organisations(self, sheet: Sheet, table: str) -> None:
        known = self.writer.existing_ids(Organisation, self.file_ids(sheet))
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, len(sheet.rows))
            file_id = self._ids(sheet, number, row)
            name = text(row, "name")
            found = self.find_organisation(name)
            action = "reuse"
            if found is None:
                slug = code(row, "slug")
                if not slug or self.slug_taken(Organisation, slug):
                    slug = self.unique_slug(Organisation, slug or name)
                found = Organisation(
                    name=name,
                    slug=slug,
                    kind=code(row, "kind"),
                    country=code(row, "country"),
                    website=code(row, "website"),
                    description=text(row, "description"),
                )
                self.writer.keep_id(found, Organisation, file_id, known)
                if not self.new_organisation(found, sheet.name, number):
                    continue
                action = "create"
            self.report.counts[(table, action)] += 1
            self.saved[table][file_id] = found
        self.flush()

    def zip_sources(self, sheet: Sheet, table: str) -> None:
        known = self.writer.existing_ids(Source, self.file_ids(sheet))
        urls = {code(row, "url") for _number, row in sheet.rows} - {""}
        untitled = {text(row, "title") for _n, row in sheet.rows if not code(row, "url")}
        # Reuse what the register already had, never a row this file created: two rows
        # of one file are two sources, even with one URL (the round trip keeps both).
        existing = self.load_sources(urls, untitled)
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, len(sheet.rows))
            file_id = self._ids(sheet, number, row)
            url, title, publisher = code(row, "url"), text(row, "title"), text(row, "publisher")
            # The same URL, publisher and title first (one page may be two sources).
            same = [s for s in existing["label"][(publisher, title)] if s.url == url]
            found = same[0] if same else None
            if found is None and url and existing["url"][url]:
                found = existing["url"][url][0]
            action = "reuse"
            if found is None:
                try:
                    published, precision = date_pair(row, "published", "published_precision")
                except CellError as error:
                    self.problem(sheet.name, number, error.column, error.message)
                    continue
                found = Source(
                    title=title,
                    publisher=publisher,
                    source_type=code(row, "source_type"),
                    url=url,
                    archive_url=code(row, "archive_url"),
                    published=published,
                    published_precision=precision,
                    accessed=code(row, "accessed") or None,
                    notes=text(row, "notes"),
                )
                self.writer.keep_id(found, Source, file_id, known)
                if not self.save(found, sheet.name, number, {}):
                    continue
                action = "create"
            self.report.counts[(table, action)] += 1
            self.saved[table][file_id] = found
        self.flush()

    def zip_deployments(self, sheet: Sheet, table: str) -> None:
        self.load_deployments(sheet)
        total = len(sheet.rows)
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, total)
            deployment, outcome = self.deployment(sheet, number, row, OWN_FIELDS)
            self.report.outcomes.append(outcome)
            file_id = code(row, "id")
            if deployment is not None and file_id:
                self.saved[table][int(file_id)] = deployment  # deployment() checked the id
        self.flush()  # the child tables refer to the records by their ids
        self.outcomes = {d.pk: outcome for d, outcome, _times in self.touched}

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
        chosen: dict[int, list] = {token(d): [] for d in self.saved["deployments"].values()}
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, len(sheet.rows))
            try:
                deployment = self._reference(row, "deployment_id")
                technology = self._reference(row, "technology_id")
            except CellError as error:
                self.problem(sheet.name, number, error.column, error.message)
                continue
            chosen[token(deployment)].append(technology)
        for deployment in self.saved["deployments"].values():
            self.links[token(deployment)] = (deployment, chosen[token(deployment)])
        self.report.counts[(table, "create")] += len(sheet.rows)

    def zip_children(self, sheet: Sheet, table: str) -> None:
        """Rows of a table hanging off deployments: they replace the record's current rows."""
        model = CHILD_MODELS[table]
        columns = dictionary.TABLES_BY_NAME[table].columns
        for deployment, outcome, _times in self.touched:
            if outcome.action == "update":
                self.writer.clear(model, deployment.pk)
        self.writer.flush([model])  # deleted now, so that their ids are free for the file's
        known = self.writer.existing_ids(model, self.file_ids(sheet))
        refs = {n.removesuffix("_id"): n for n in REFERENCES}
        total = len(sheet.rows)
        for done, (number, row) in enumerate(sheet.rows, start=1):
            self.progress(sheet.name, done, total)
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
                        values[name] = geometry(row)
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
            self.writer.keep_id(obj, model, self._ids(sheet, number, row), known)
            deployment = values.get("deployment")
            outcome = self.outcomes.get(deployment.pk) if deployment else None
            if self.save(obj, sheet.name, number, refs, outcome):
                self.report.counts[(table, "create")] += 1
        self.flush()
