from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.signals import post_migrate


class DeploymentsConfig(AppConfig):
    name = "deployments"
    verbose_name = "Surveillance register"

    def ready(self):
        from deployments.core import (
            edits,  # noqa: F401  (stamps history rows with their Edit)
            signals,  # noqa: F401  (tells derived.py what every write changed)
        )

        post_migrate.connect(write_missing_export_rows, sender=self)


def write_missing_export_rows(using, **kwargs):
    """After `migrate`: write the CSV lines that are missing (a new table, records inserted
    outside the app, a new export format), so no export has to write them."""
    from deployments.core import derived
    from deployments.models import ExportRow

    if using != DEFAULT_DB_ALIAS:  # the register lives in one database
        return
    if ExportRow._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the table existed
    derived.refresh_all(missing_only=True)
