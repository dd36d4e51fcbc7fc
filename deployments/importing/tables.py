"""What the importer knows of the files' tables: the order register.zip's tables are read in,
which tables hold a deployment's claims, and which columns refer to another table's ids."""

import json

from deployments.core import versions
from deployments.importing.import_files import CellError, code

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
    "responses",
    "citations",
]
CHILD_MODELS = {name: model for name, (model, _label) in versions.CHILDREN.items()}
# A reference column and the table whose ids it holds.
REFERENCES = {
    "deployment_id": "deployments",
    "technology_id": "technologies",
    "organisation_id": "organisations",
    "source_id": "sources",
}


def geometry(row: dict):
    value = code(row, "geometry")
    if not value:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise CellError("geometry", f"This is not GeoJSON text: {error.msg}.") from None
