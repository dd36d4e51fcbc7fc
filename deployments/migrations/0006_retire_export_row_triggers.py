# The stored CSV lines are kept by derived.py, on commit, like every other derived value; the
# triggers of migration 0005 that deleted them are retired. Going back restores them.

from importlib import import_module

from django.db import migrations

TRIGGERS = import_module("deployments.migrations.0005_export_rows")


class Migration(migrations.Migration):
    dependencies = [
        ("deployments", "0005_export_rows"),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop, TRIGGERS.create),
    ]
