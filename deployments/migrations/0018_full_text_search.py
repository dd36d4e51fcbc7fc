# ruff: noqa: S608 - written from fixed table and column names, no input.
"""Full-text search on SQLite: FTS5 indexes of the deployments' documents and of the names of
organisations and technologies (the search document names those by id), each kept by
triggers as PostgreSQL's trigger keeps search_vector (0008). The search document now also
holds each record's place names and its technologies' ids, so every document is written
again after migrating (apps.py fills documents whose refs are NULL)."""

import django.db.models.deletion
from django.db import migrations, models

# Porter stemming over Unicode words, accents folded: "tagging" finds "tagged", "Zürich"
# finds "Zurich", as PostgreSQL's english configuration does for the first.
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _mirror(index: str, table: str, columns: list[str]) -> list[str]:
    """An external-content FTS5 index of `table`'s `columns`, kept by triggers, filled."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', "
        f"content_rowid='id', {TOKENIZE})",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


SQLITE = [
    *_mirror(
        "deployments_search",
        "deployments_deployment",
        ["title", "search_text", "search_refs"],
    ),
    # A title word counts ten times a word of the document; the refs column is only matched
    # by id, never ranked.
    "INSERT INTO deployments_search(deployments_search, rank) VALUES ('rank', 'bm25(10.0, 1.0, 0.0)')",
    *_mirror("deployments_organisation_search", "deployments_organisation", ["name"]),
    *_mirror("deployments_technology_search", "deployments_technology", ["name", "description"]),
]
SQLITE_REVERSE = [
    f"DROP TABLE IF EXISTS {index}"
    for index in (
        "deployments_search",
        "deployments_organisation_search",
        "deployments_technology_search",
    )
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    apps.get_model("deployments", "Deployment").objects.update(search_refs=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        # Dropping an FTS5 table does not drop the triggers that write to it.
        for index in (
            "deployments_search",
            "deployments_organisation_search",
            "deployments_technology_search",
        ):
            for event in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("deployments", "0017_legal_status_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchIndex",
            fields=[
                (
                    "deployment",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="deployments.deployment",
                    ),
                ),
                ("match", models.TextField(db_column="deployments_search")),
                ("rank", models.FloatField()),
            ],
            options={"db_table": "deployments_search", "managed": False},
        ),
        migrations.RunPython(forwards, backwards),
    ]
