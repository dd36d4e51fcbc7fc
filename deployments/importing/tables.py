"""What the importer knows of the files' tables: the order register.zip's tables are read in,
which tables hold a deployment's claims, and which columns refer to another table's ids."""

import json

from deployments.core import geo, versions
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
    if len(value) > geo.MAX_JSON_CHARS:
        raise CellError("geometry", geo.TOO_LARGE)
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise CellError("geometry", f"This is not GeoJSON text: {error.msg}.") from None
    except RecursionError:
        # The parser recurses once per bracket; the model's own limit is far shallower.
        raise CellError("geometry", geo.TOO_DEEP) from None
    except ValueError:  # int() refuses a number thousands of digits long
        raise CellError(
            "geometry", "This is not GeoJSON text: a number in it is too long."
        ) from None
