from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.signals import post_migrate


class DeploymentsConfig(AppConfig):
    name = "deployments"
    verbose_name = "Surveillance register"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers that keep derived data in step)

        post_migrate.connect(write_missing_export_rows, sender=self)


def write_missing_export_rows(using, **kwargs):
    """After `migrate`: write the CSV lines that are missing (a new table, rows a trigger
    deleted outside the app, a new export format), so no export has to write them."""
    from . import export_rows
    from .models import ExportRow

    if using != DEFAULT_DB_ALIAS:  # the register lives in one database
        return
    if ExportRow._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the table existed
    export_rows.fill()
