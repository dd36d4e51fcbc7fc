"""Writing synthetic records fast (generate_synthetic): one COPY (PostgreSQL) or executemany
(SQLite) per table and batch, then one call to derived.py for everything derived."""

import json

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from deployments.core import derived
from deployments.dev.synthetic import CHILD_MODELS, MODELS, SLUG_PREFIX, SOURCE_TITLE_PREFIX
from deployments.models import Deployment, ExportRow, Organisation, Source, Technology


def synthetic_rows() -> dict:
    """Querysets of the synthetic rows already in the database, by model (parents only)."""
    return {
        Deployment: Deployment.objects.filter(slug__startswith=SLUG_PREFIX),
        Technology: Technology.objects.filter(slug__startswith=SLUG_PREFIX),
        Organisation: Organisation.objects.filter(slug__startswith=SLUG_PREFIX),
        Source: Source.objects.filter(title__startswith=SOURCE_TITLE_PREFIX),
    }


def delete_existing() -> None:
    """Delete every synthetic row, children first, in one transaction.

    Plain DELETE statements: QuerySet.delete() would load every row, send the search and
    history signals and write a history row per deleted record, for up to millions of rows.
    """
    synthetic = synthetic_rows()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in CHILD_MODELS:
            _delete_where(cursor, model, "deployment_id", synthetic[Deployment])
        for model in (Deployment, Technology, Organisation, Source):
            _delete_where(cursor, model, model._meta.pk.column, synthetic[model])


def _delete_where(cursor, model, column: str, queryset) -> None:
    quote = connection.ops.quote_name
    sql, params = queryset.values("pk").query.sql_with_params()
    table, column = quote(model._meta.db_table), quote(column)
    # Table and column names come from the models; values travel as parameters.
    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({sql})", params)  # noqa: S608


def next_ids() -> dict:
    """Each table's first free id: synthetic rows go after whatever is already there."""
    return {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in MODELS}


def write(batch: dict) -> int:
    """Insert one batch from generate() in one transaction; return the number of rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows in batch.items():
            if rows:
                _insert(cursor, model, rows)
    return sum(len(rows) for rows in batch.values())


def _insert(cursor, model, rows: list[dict]) -> None:
    """One COPY (PostgreSQL) or one executemany (others) for all rows of one table.

    Not bulk_create: it stamps `created`/`updated` with the clock (auto_now), which would make
    two runs differ, and its per-object work is most of the time at a million records.
    """
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    plan = [(field.attname, field.get_default(), _adapter(field)) for field in fields]
    values = []
    for row in rows:
        line = []
        for name, default, adapt in plan:
            value = row.get(name, default)
            line.append(value if adapt is None or value is None else adapt(value))
        values.append(line)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for line in values:
                copy.write_row(line)
    else:
        marks = ", ".join(["%s"] * len(plan))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608


def _adapter(field):
    """How a Python value of this field becomes a database value, where the driver needs help."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value  # naive UTC text on SQLite
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "JSONField":
        return json.dumps  # jsonb parses the text on PostgreSQL
    return None


def finish() -> None:
    """After writing: on PostgreSQL move the id sequences past the ids written here (they
    were chosen, not drawn from the sequences) and refresh the planner's statistics; then
    tell derived.py that every synthetic record changed, which writes their search documents
    and CSV lines (plain inserts send no signals)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
                cursor.execute(sql)
            _analyze(cursor, MODELS)  # the lines' one big statement is planned on them
    with transaction.atomic():
        derived.changed(synthetic_rows()[Deployment], touch=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _analyze(cursor, [ExportRow, Deployment])


def _analyze(cursor, models) -> None:
    for model in models:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
