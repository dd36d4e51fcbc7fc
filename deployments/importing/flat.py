"""How the importer reads a flat CSV file, as /deployments.csv writes it: one row per
deployment, its lists in cells.

A mixin of importer.Importer, whose helpers (save, problem, deployment...) it calls."""

import math

from deployments.core import dates
from deployments.importing.bulk import token
from deployments.importing.import_files import (
    OWN_FIELDS,
    CellError,
    Sheet,
    code,
    decimal_cell,
    text,
)
from deployments.models import (
    Citation,
    Cost,
    Event,
    Involvement,
    LegalBasis,
    Location,
    Technology,
)
from deployments.opendata.cells import split_exact, split_multi, split_parallel


class FlatFile:
    # The CSV export format

    def parallel(self, sheet, number, row, column: str, of: list, outcome) -> list[str] | None:
        """A column with one value for each item of another (dictionary.PARALLEL_FORMAT):
        its values, or None, with a problem, when they do not pair up."""
        if column not in sheet.header:
            return None
        values = split_parallel(text(row, column), len(of))
        if values is None:
            message = (
                f"Give one value for each of the {len(of)} items, in the same order "
                "(nothing between two “; ” for an item without one)."
            )
            self.problem(sheet.name, number, column, message, outcome)
        return values

    def run_flat(self, sheet: Sheet) -> None:
        total = len(sheet.rows)
        seen: dict[str, int] = {}
        self.load_deployments(sheet)
        self.load_flat_sources(sheet)
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

    def load_flat_sources(self, sheet: Sheet) -> None:
        """The register's sources the file's sources columns may name, read at once."""
        urls, titles = set(), set()
        for _number, row in sheet.rows:
            labels = split_multi(text(row, "sources"))
            for label in labels:
                if label.startswith(("http://", "https://")):
                    urls.add(label)
                else:
                    titles |= {label, label.partition(": ")[2]}
            titles.update(split_parallel(text(row, "source_titles"), len(labels)) or ())
        self.sources["flat"] = self.load_sources(urls, titles - {""})

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
            self.links[token(deployment)] = (deployment, technologies)
        if roles is not None:
            if outcome.action == "update":
                self.writer.clear(Involvement, deployment.pk)
            notes = self.flat_role_notes(roles, sheet, number, row, outcome)
            given = set()  # an organisation named twice in one role is one involvement
            for name, role in roles:
                organisation, created = self.organisation(name, sheet.name, number)
                if created:
                    outcome.notes.append(f"New organisation “{name}”: complete it in the admin.")
                if (token(organisation), role) in given:
                    continue
                given.add((token(organisation), role))
                involvement = Involvement(
                    deployment=deployment,
                    organisation=organisation,
                    role=role,
                    note=notes.get((name, role), ""),
                )
                self.stage(involvement, sheet.name, number, outcome)
        if outcome.action == "create":
            self.flat_new_record(deployment, sheet, number, row, outcome)
        elif any(text(row, c) for c in ("sources", "cost_amount", "locations", "legal_basis")):
            outcome.notes.append(
                "Existing record: its sources, costs, legal bases and locations are kept "
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

    def flat_role_notes(self, roles, sheet, number, row, outcome) -> dict:
        """{(name, role): note} from organisation_notes' "Name (role): note" items, each read
        against the row's own organisations, so a name may hold brackets or colons."""
        notes = {}
        for item in filter(None, split_exact(text(row, "organisation_notes"))):
            pair = next((p for p in roles if item.startswith(f"{p[0]} ({p[1]}): ")), None)
            if pair is None:
                self.problem(
                    sheet.name,
                    number,
                    "organisation_notes",
                    f"“{item}” should be “Name (role): note” for one of the row's organisations.",
                    outcome,
                )
                continue
            notes[pair] = item.removeprefix(f"{pair[0]} ({pair[1]}): ")
        return notes

    def flat_sources(self, deployment, sheet, number, row, outcome) -> list:
        labels = split_multi(text(row, "sources"))
        details = {
            column: self.parallel(sheet, number, row, column, labels, outcome)
            for column in ("source_titles", "source_publishers", "source_dates")
        }
        for published in details["source_dates"] or ():
            if published:
                try:
                    dates.parse(published)
                except ValueError as error:
                    self.problem(sheet.name, number, "source_dates", str(error), outcome)
        if outcome.problems:
            return []
        sources = []
        for i, label in enumerate(labels):
            title, publisher, published = (
                (details[column] or [""] * len(labels))[i]
                for column in ("source_titles", "source_publishers", "source_dates")
            )
            source, created = self.source(label, title, publisher, published)
            if created and not (title and publisher):
                outcome.notes.append(f"New source “{label}”: complete its title and publisher.")
            if source not in sources:
                sources.append(source)
                citation = Citation(deployment=deployment, source=source)
                self.stage(citation, sheet.name, number, outcome)
        return sources

    def flat_new_record(self, deployment, sheet, number, row, outcome) -> None:
        """Sources, headline cost, legal bases and locations of a record the CSV creates."""
        sources = self.flat_sources(deployment, sheet, number, row, outcome)
        if outcome.problems:  # the row is refused already: no problems that follow from it
            return
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
                    period=text(row, "cost_note"),
                )
                columns = {f: f"cost_{f}" for f in ("amount", "currency", "covers", "qualifier")}
                self.save(cost, sheet.name, number, {**columns, "period": "cost_note"}, outcome)
        self.flat_legal_bases(deployment, sources, sheet, number, row, outcome)
        self.flat_events(deployment, sources, sheet, number, row, outcome)
        self.flat_locations(deployment, sheet, number, row, outcome)

    def flat_legal_bases(self, deployment, sources, sheet, number, row, outcome) -> None:
        labels = split_multi(text(row, "legal_basis"))
        if not labels:
            return
        if "legal_basis_types" not in sheet.header:
            outcome.notes.append(
                "legal_basis is not imported from a CSV without legal_basis_types: "
                "add it in the admin or with register.zip."
            )
            return
        columns = {
            "legal_status": self.parallel(sheet, number, row, "legal_status", labels, outcome),
            "legal_basis_types": self.parallel(
                sheet, number, row, "legal_basis_types", labels, outcome
            ),
            "legal_basis_notes": self.parallel(
                sheet, number, row, "legal_basis_notes", labels, outcome
            ),
        }
        if not sources:
            message = "A legal basis needs a source: list it in the sources column."
            self.problem(sheet.name, number, "legal_basis", message, outcome)
        if outcome.problems:
            return
        names = dict(LegalBasis.Instrument.choices)
        for i, label in enumerate(labels):
            status, kind, note = ((columns[c] or [""] * len(labels))[i] for c in columns)
            basis = LegalBasis(
                deployment=deployment,
                source=sources[0],
                instrument_type=kind,
                # The cell is the instrument's name with its provision, or the type's name when
                # none is named (exports.legal_label): kept whole as the name.
                instrument="" if label == names.get(kind) else label,
                status=status,
                note=note,
            )
            fields = {"instrument_type": "legal_basis_types", "status": "legal_status"}
            self.save(basis, sheet.name, number, {**fields, "note": "legal_basis_notes"}, outcome)

    def flat_events(self, deployment, sources, sheet, number, row, outcome) -> None:
        """Events from "2022-05 contract: what the source says" items, each resting on the
        row's first source (the CSV names no source per event)."""
        kinds = dict(Event.Kind.choices)
        for item in split_multi(text(row, "events")):
            when, _space, rest = item.partition(" ")
            kind, _colon, description = rest.partition(": ")
            try:
                date, precision = dates.parse(when)
            except ValueError as error:
                self.problem(sheet.name, number, "events", f"“{item}”: {error}", outcome)
                continue
            if kind not in kinds:
                message = f"“{item}”: the kind after the date is one of {', '.join(kinds)}."
                self.problem(sheet.name, number, "events", message, outcome)
                continue
            if not sources:
                message = "An event needs a source: list it in the sources column."
                self.problem(sheet.name, number, "events", message, outcome)
                return
            event = Event(
                deployment=deployment,
                source=sources[0],
                kind=kind,
                date=date,
                date_precision=precision,
                description=description,
            )
            self.save(event, sheet.name, number, {"description": "events"}, outcome)

    def flat_locations(self, deployment, sheet, number, row, outcome) -> None:
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
        precision = code(row, "location_precision")
        precisions = self.parallel(sheet, number, row, "location_precisions", names, outcome)
        countries = self.parallel(sheet, number, row, "location_countries", names, outcome)
        if outcome.problems:
            return
        if precisions is None:  # an older file: its one precision is the first location's
            precisions = [precision] + [""] * (len(names) - 1)
        if countries is None:
            countries = self.countries_of_first(row, names, precision)
        points = listed = self.flat_points(sheet, number, row, names, outcome)
        if outcome.problems:
            return
        if points is None:  # an older file: one point, the first located place's
            # (csv_export.CELLS["latitude"]), whose precision is location_precision: the first
            # location of that precision gets it.
            pointed = next((i for i, p in enumerate(precisions) if p == precision), 0)
            points = [None] * len(names)
            if lat is not None and lon is not None:
                points[pointed] = (lat, lon)
        for i, name in enumerate(names):
            codes = [c for c in countries[i].split(",") if c]
            geometry = None
            if points[i] is not None:
                latitude, longitude = points[i]
                geometry = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
            location = Location(
                deployment=deployment,
                name=name,
                geometry=geometry,
                precision=precisions[i],
                country=codes[0] if len(codes) == 1 else "",
                countries=codes if len(codes) > 1 else [],
            )
            self.save(
                location,
                sheet.name,
                number,
                {
                    "name": "locations",
                    "precision": "location_precisions",
                    "geometry": "latitude" if listed is None else "location_latitudes",
                    "country": "location_countries",
                    "countries": "location_countries",
                },
                outcome,
            )

    def flat_points(self, sheet, number, row, names, outcome) -> list | None:
        """Each location's (latitude, longitude) or None, from location_latitudes and
        location_longitudes; None, with no problem, for a file without them."""
        latitudes = self.parallel(sheet, number, row, "location_latitudes", names, outcome)
        longitudes = self.parallel(sheet, number, row, "location_longitudes", names, outcome)
        if latitudes is None or longitudes is None:
            return None
        points = []
        for name, latitude, longitude in zip(names, latitudes, longitudes, strict=True):
            if bool(latitude.strip()) != bool(longitude.strip()):
                message = f"“{name}” has half a point: give both its latitude and longitude."
                self.problem(sheet.name, number, "location_latitudes", message, outcome)
                return None
            if not latitude.strip():
                points.append(None)
                continue
            try:
                point = (float(latitude), float(longitude))
            except ValueError:
                point = (math.nan, math.nan)
            if not all(map(math.isfinite, point)):
                message = (
                    f"“{name}”: its latitude and longitude are numbers in decimal degrees, "
                    "as 51.5072 and -0.1276."
                )
                self.problem(sheet.name, number, "location_latitudes", message, outcome)
                return None
            points.append(point)
        return points

    def countries_of_first(self, row, names, precision) -> list[str]:
        """An older file's countries, which list every location's: only when there is one
        location, or one spanning several, are they known to be the first location's."""
        if len(names) > 1:
            return [""] * len(names)
        codes = split_multi(code(row, "countries"))
        several = precision == Location.Precision.MULTI_COUNTRY and len(codes) > 1
        return [",".join(codes) if several or len(codes) == 1 else ""]
