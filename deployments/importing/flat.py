"""How the importer reads a flat CSV file, as /deployments.csv writes it: one row per
deployment, its lists in cells.

A mixin of importer.Importer, whose helpers (save, problem, deployment...) it calls."""

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
    Involvement,
    Location,
    Technology,
)
from deployments.opendata.cells import split_multi


class FlatFile:
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
        precision = code(row, "location_precision")
        several = precision == Location.Precision.MULTI_COUNTRY and len(countries) > 1
        location = Location(
            deployment=deployment,
            name=names[0],
            geometry=geometry,
            precision=precision,
            country=countries[0] if len(countries) == 1 else "",
            # The cell lists every location's countries; only across several are they all
            # this one location's.
            countries=countries if several else [],
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
                "countries": "countries",
            },
            outcome,
        )
