"""The register's Frictionless data package (datapackage.json): the data dictionary's tables
as resources, with the licence."""

from django.conf import settings

from deployments.opendata.dictionary import EXPORT_TABLE, TABLES, Table


def licence() -> dict:
    return {
        "name": settings.DATA_LICENSE_NAME,
        "title": settings.DATA_LICENSE_TITLE,
        "path": settings.DATA_LICENSE_URL,
    }


def datapackage(export_url: str, *, in_zip: bool = False) -> dict:
    """A Frictionless Data Package describing the CSV export and every table of register.zip.

    On /data/datapackage.json the tables point into register.zip (frictionless reads them
    with `innerpath`); inside register.zip they are plain files next to the descriptor.
    """
    resources = []
    if not in_zip:
        resources.append(_resource(EXPORT_TABLE, {"path": export_url}))
    for table in TABLES:
        where = {"path": table.filename}
        if not in_zip:
            where = {"path": "register.zip", "innerpath": table.filename, "compression": "zip"}
        resources.append(_resource(table, where))
    return {
        "profile": "tabular-data-package",
        "name": "surveillance-register",
        "title": settings.REGISTER_NAME,
        "description": "Publicly reported surveillance deployments, every claim with its "
        "source. Only published records are included.",
        "licenses": [licence()],
        "resources": resources,
    }


def _resource(table: Table, where: dict) -> dict:
    return {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        **where,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {
            "delimiter": ",",
            "quoteChar": '"',
            "doubleQuote": True,
            "lineTerminator": "\r\n",
            "header": True,
        },
        "schema": table.schema(),
    }
