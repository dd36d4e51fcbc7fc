"""The two groups of people who enter data: researchers and editors.

researcher: adds, changes and views every register record, and deletes the rows inside a
    deployment (locations, costs...) while editing it; cannot publish, withdraw or delete a
    deployment, technology, organisation or source.
editor: everything a researcher can do, plus publish/withdraw and delete anything.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTER_MODELS = [
    "technology",
    "organisation",
    "source",
    "deployment",
    "involvement",
    "location",
    "cost",
    "event",
    "legalbasis",
    "impactassessment",
    "citation",
]
# Rows edited inside a deployment's page: removing one is part of correcting the record.
CHILD_MODELS = [
    "involvement",
    "location",
    "cost",
    "event",
    "legalbasis",
    "impactassessment",
    "citation",
]

RESEARCHER = [
    f"{action}_{model}" for model in REGISTER_MODELS for action in ("add", "change", "view")
] + [f"delete_{model}" for model in CHILD_MODELS]
EDITOR = sorted(
    set(RESEARCHER) | {f"delete_{model}" for model in REGISTER_MODELS} | {"publish_deployment"}
)
GROUPS = {"researcher": RESEARCHER, "editor": EDITOR}


def create_groups(apps, schema_editor):
    # Django creates permissions after the whole migrate run (post_migrate), too late for a fresh
    # database: create this app's now. The real app config passes create_permissions' "has
    # models" check; the models it reads come from this migration's state.
    create_permissions(
        global_apps.get_app_config("deployments"),
        verbosity=0,
        using=schema_editor.connection.alias,
        apps=apps,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="deployments", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("deployments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
