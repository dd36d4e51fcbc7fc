# ruff: noqa: S608 - trigger SQL from the fixed table and column names written out below.

import django.db.models.deletion
from django.db import migrations, models

# Triggers that delete a stored CSV line (ExportRow, export_rows.py) in the same statement as
# any change to what it was written from, so a stored line can be missing but never stale,
# even after a hand-written UPDATE. Names as of this migration, written out: a migration
# must not follow later models. A new column in the CSV needs its table listed here.
ROWS = "deployments_exportrow"

# Tables whose every row belongs to one deployment (deployment_id) and feeds its line.
CHILDREN = [
    "deployments_citation",
    "deployments_cost",
    "deployments_deployment_technologies",
    "deployments_event",
    "deployments_impactassessment",
    "deployments_involvement",
    "deployments_legalbasis",
    "deployments_location",
]
# The deployment's own columns in its line; an edit to anything else (publication, the
# search document) leaves it alone.
OWN_COLUMNS = [
    "slug",
    "title",
    "summary",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "updated",
]
# Shared records named in the lines: (table, their columns in the lines, the deployments
# naming row NEW).
SHARED = [
    (
        "deployments_organisation",
        ["name"],
        "SELECT deployment_id FROM deployments_involvement WHERE organisation_id = NEW.id",
    ),
    (
        "deployments_technology",
        ["name"],
        "SELECT deployment_id FROM deployments_deployment_technologies "
        "WHERE technology_id = NEW.id",
    ),
    (
        "deployments_source",
        ["url", "title", "publisher"],
        " UNION ".join(
            f"SELECT deployment_id FROM deployments_{table} WHERE source_id = NEW.id"
            for table in (
                "citation",
                "cost",
                "event",
                "impactassessment",
                "involvement",
                "legalbasis",
            )
        ),
    ),
]


def changed(columns, distinct):
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def postgresql_sql():
    # Children once per statement, over its transition tables, so a COPY of a million rows
    # (generate_synthetic) runs one DELETE, not a million. A function is compiled per table
    # it serves, so new_rows/old_rows are that table's.
    sql = [
        f"""CREATE FUNCTION deployments_export_row_forget() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN
                    DELETE FROM {ROWS} WHERE deployment_id IN
                        (SELECT deployment_id FROM new_rows);
                END IF;
                IF TG_OP <> 'INSERT' THEN
                    DELETE FROM {ROWS} WHERE deployment_id IN
                        (SELECT deployment_id FROM old_rows);
                END IF;
                RETURN NULL;
            END $$""",
        f"""CREATE FUNCTION deployments_export_row_forget_deployment() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM {ROWS} WHERE deployment_id = OLD.id;
                RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER deployments_export_row_own AFTER UPDATE ON deployments_deployment
            FOR EACH ROW WHEN ({changed(OWN_COLUMNS, "IS DISTINCT FROM")})
            EXECUTE FUNCTION deployments_export_row_forget_deployment()""",
        f"""CREATE FUNCTION deployments_export_row_forget_deleted() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM {ROWS} WHERE deployment_id IN (SELECT id FROM old_rows);
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER deployments_export_row_gone AFTER DELETE ON deployments_deployment
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
            EXECUTE FUNCTION deployments_export_row_forget_deleted()""",
    ]
    for table in CHILDREN:
        for event, tables in [
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ]:
            sql.append(
                f"""CREATE TRIGGER {table}_export_row_{event.lower()} AFTER {event} ON {table}
                    REFERENCING {tables} FOR EACH STATEMENT
                    EXECUTE FUNCTION deployments_export_row_forget()"""
            )
    for table, columns, users in SHARED:
        sql += [
            f"""CREATE FUNCTION {table}_export_row_forget() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM {ROWS} WHERE deployment_id IN ({users});
                    RETURN NULL;
                END $$""",
            f"""CREATE TRIGGER {table}_export_row AFTER UPDATE ON {table} FOR EACH ROW
                WHEN ({changed(columns, "IS DISTINCT FROM")})
                EXECUTE FUNCTION {table}_export_row_forget()""",
        ]
    return sql


def sqlite_sql():
    # SQLite has row triggers only; they run in-process, a microsecond or two each.
    sql = [
        f"""CREATE TRIGGER deployments_export_row_own AFTER UPDATE ON deployments_deployment
            FOR EACH ROW WHEN {changed(OWN_COLUMNS, "IS NOT")}
            BEGIN DELETE FROM {ROWS} WHERE deployment_id = OLD.id; END""",
        f"""CREATE TRIGGER deployments_export_row_gone AFTER DELETE ON deployments_deployment
            FOR EACH ROW BEGIN DELETE FROM {ROWS} WHERE deployment_id = OLD.id; END""",
    ]
    for table in CHILDREN:
        for event, ids in [
            ("INSERT", "NEW.deployment_id"),
            ("UPDATE", "OLD.deployment_id, NEW.deployment_id"),
            ("DELETE", "OLD.deployment_id"),
        ]:
            sql.append(
                f"""CREATE TRIGGER {table}_export_row_{event.lower()} AFTER {event} ON {table}
                    FOR EACH ROW BEGIN DELETE FROM {ROWS} WHERE deployment_id IN ({ids}); END"""
            )
    for table, columns, users in SHARED:
        sql.append(
            f"""CREATE TRIGGER {table}_export_row AFTER UPDATE ON {table} FOR EACH ROW
                WHEN {changed(columns, "IS NOT")}
                BEGIN DELETE FROM {ROWS} WHERE deployment_id IN ({users}); END"""
        )
    return sql


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql_sql, "sqlite": sqlite_sql}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"No stored-line triggers written for {vendor}.")
    for statement in statements():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    names = [
        ("deployments_deployment", "deployments_export_row_own"),
        ("deployments_deployment", "deployments_export_row_gone"),
    ]
    names += [
        (table, f"{table}_export_row_{event}")
        for table in CHILDREN
        for event in ("insert", "update", "delete")
    ]
    names += [(table, f"{table}_export_row") for table, _, _ in SHARED]
    for table, name in names:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else "")
        )
    if postgresql:
        functions = [
            "deployments_export_row_forget",
            "deployments_export_row_forget_deployment",
            "deployments_export_row_forget_deleted",
        ]
        functions += [f"{table}_export_row_forget" for table, _, _ in SHARED]
        for function in functions:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):

    dependencies = [
        ('deployments', '0004_scale_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExportRow',
            fields=[
                ('deployment', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='export_row', serialize=False, to='deployments.deployment')),
                ('format', models.CharField(max_length=32)),
                ('head', models.TextField()),
                ('tail', models.TextField()),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
