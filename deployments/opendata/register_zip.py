"""register.zip: the whole published register as related CSV tables keyed by id.

The same cell rules as the CSV export (cells.cell, dates as precise as known, neutralised
text), one table per kind of row (columns in dictionary.TABLES), rows in id order, and a fixed
timestamp on every zip entry, so the same data always gives the same bytes: that is what makes
the export -> import -> export round trip checkable byte for byte.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator

from django.db.models import Q

from deployments.core import dates, versions
from deployments.models import (
    Deployment,
    Involvement,
    Location,
    Organisation,
    Response,
    Source,
    Technology,
)
from deployments.opendata import datapackage, dictionary
from deployments.opendata.cells import cell, neutralise
from deployments.opendata.exports import BATCH_SIZE

# Zip entries carry a modification time; a fixed one makes the same data give the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Columns named differently from their model field.
FIELD_FOR_COLUMN = {"last_updated": "updated"}


def _published():
    return Deployment.objects.published().values("pk")


def table_queryset(name: str):
    """The published rows of one register.zip table, in key order."""
    published = _published()
    children = {name: model for name, (model, _label) in versions.CHILDREN.items()}
    if name == "deployments":
        return Deployment.objects.published().order_by("id")
    if name == "technologies":
        # Every technology has a public page, used or not.
        return Technology.objects.public().order_by("id")
    if name == "deployment_technologies":
        return Deployment.technologies.through.objects.filter(deployment__in=published).order_by(
            "deployment_id", "technology_id"
        )
    if name == "organisations":
        # Those a published record names: by a role, or as the maker of a response.
        roles = Involvement.objects.filter(deployment__in=published).values("organisation_id")
        responses = Response.objects.filter(deployment__in=published).values("organisation_id")
        return Organisation.objects.filter(Q(pk__in=roles) | Q(pk__in=responses)).order_by("id")
    if name == "sources":
        # Only sources a published record uses: a source cited by a draft can reveal it.
        used = Q()
        for model in children.values():
            if model is not Location:
                used |= Q(pk__in=model.objects.filter(deployment__in=published).values("source_id"))
        return Source.objects.filter(used).order_by("id")
    return children[name].objects.filter(deployment__in=published).order_by("id")


def table_rows(table: dictionary.Table) -> Iterator[list[str]]:
    columns = table.columns
    fields = [FIELD_FOR_COLUMN.get(c.name, c.name) for c in columns]
    names = [c.name for c in columns]
    precisions = {
        c.name: c.name.removesuffix("_date") + "_precision"
        for c in columns
        if c.pattern == dictionary.DATE_PATTERN
    }
    text = [c.type == "string" for c in columns]
    rows = table_queryset(table.name).values_list(*fields)
    for values in rows.iterator(chunk_size=BATCH_SIZE):
        row = dict(zip(names, values, strict=True))
        out = []
        for name, is_text in zip(names, text, strict=True):
            if name in precisions:
                value = dates.iso(row[name], row[precisions[name]])
            else:
                value = cell(row[name])
            out.append(neutralise(value) if is_text else value)
        yield out


def write_register_zip(fileobj) -> None:
    """The whole published register as related CSV tables and their datapackage.json."""
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in dictionary.TABLES:
            info = zipfile.ZipInfo(table.filename, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with (
                archive.open(info, "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
            ):
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow([c.name for c in table.columns])
                writer.writerows(table_rows(table))
        info = zipfile.ZipInfo("datapackage.json", date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        descriptor = datapackage.datapackage("", in_zip=True)
        archive.writestr(info, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
