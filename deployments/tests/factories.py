"""Obviously synthetic records for tests (every title and name starts with "Synthetic"), and the
form data the admin's deployment page posts."""

import datetime as dt
import importlib
import json
from itertools import count
from types import SimpleNamespace

from django.apps import apps
from django.contrib.admin.utils import flatten, flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.forms.models import model_to_dict
from django_countries.fields import MultipleCountriesDescriptor

from deployments.core import versions
from deployments.core.dates import Precision
from deployments.editing.admin import DeploymentAdmin
from deployments.models import Citation, Deployment, Organisation, Source, Technology

_serial = count(1)


def make_technology(**fields) -> Technology:
    n = next(_serial)
    values = {"name": f"Synthetic technology {n}", "slug": f"synthetic-technology-{n}"}
    return Technology.objects.create(**{"description": "Made up for a test.", **values, **fields})


def make_organisation(**fields) -> Organisation:
    n = next(_serial)
    values = {"name": f"Synthetic Police {n}", "slug": f"synthetic-police-{n}", "kind": "police"}
    return Organisation.objects.create(**{**values, **fields})


def make_source(**fields) -> Source:
    n = next(_serial)
    values = {
        "title": f"Synthetic report {n}",
        "publisher": "Synthetic Gazette",
        "url": f"https://example.org/synthetic/{n}",
        "published": dt.date(2024, 10, 14),
        "published_precision": Precision.DAY,
    }
    return Source.objects.create(**{**values, **fields})


def make_deployment(*, cited: bool = True, **fields) -> Deployment:
    """A draft deployment with one technology and, unless cited=False, one citation."""
    n = next(_serial)
    values = {
        "title": f"Synthetic deployment {n}",
        "slug": f"synthetic-deployment-{n}",
        "summary": "A made-up deployment for a test.",
    }
    deployment = Deployment.objects.create(**{**values, **fields})
    deployment.technologies.add(make_technology())
    if cited:
        Citation.objects.create(deployment=deployment, source=make_source())
    return deployment


def make_groups() -> None:
    """The researcher and editor groups as the migrations make them: a transactional test
    empties every table after it, groups included."""
    schema_editor = SimpleNamespace(connection=connection)
    importlib.import_module("deployments.migrations.0002_groups").create_groups(apps, schema_editor)
    importlib.import_module("deployments.migrations.0012_revisions").grant(apps, schema_editor)


def make_staff_user(username: str, group: str | None = None, **fields):
    """A staff user in one of the groups made by migration 0002_groups (or a superuser)."""
    user = get_user_model().objects.create_user(
        username, password="synthetic-password", is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# --- What the admin's deployment page posts --------------------------------------------------
# Built from the admin's own field lists, so a test posts what the page would.

ADD_URL = "/admin/deployments/deployment/add/"
CHANGELIST_URL = "/admin/deployments/deployment/"


def change_url(deployment: Deployment) -> str:
    return f"/admin/deployments/deployment/{deployment.pk}/change/"


def post_value(value) -> str | list[str]:
    if value is None:
        return ""
    if isinstance(value, MultipleCountriesDescriptor):  # CountryField(multiple=True)
        return [str(country) for country in value]  # a multiple choice: one item each
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def add_row(data: dict, prefix: str, row: dict) -> dict:
    """Append a new row to a formset in posted data, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data


def _editable(fields, readonly) -> list[str]:
    return [name for name in flatten(fields) if name not in readonly]


def deployment_data(deployment: Deployment) -> dict:
    """The deployment's own fields as the change (or revert) form posts them."""
    always_readonly = ["published_at", "created", "updated"]
    names = _editable(flatten_fieldsets(DeploymentAdmin.fieldsets), always_readonly)
    values = model_to_dict(deployment, fields=names)
    data = {name: post_value(value) for name, value in values.items() if name != "technologies"}
    technologies = deployment.technologies.all() if deployment.pk else []
    data["technologies"] = [technology.pk for technology in technologies]
    # A change to a published record needs a reason (editing/forms.py); others ignore it.
    data["change_reason"] = "Synthetic correction for a test."
    # The state it was opened at, as the change form sends it (editing/forms.py).
    if deployment.pk:
        data["based_on"] = str(len(versions.history(deployment.pk)))
    return data


def empty_inlines() -> dict:
    data = {}
    for inline in DeploymentAdmin.inlines:
        data.update(formset_data(_prefix(inline.model), []))
    return data


def change_data(deployment: Deployment) -> dict:
    """Everything the change page posts unchanged: own fields and every existing inline row."""
    data = deployment_data(deployment)
    for inline in DeploymentAdmin.inlines:
        prefix = _prefix(inline.model)
        names = _editable(inline.fields, inline.readonly_fields)
        rows = []
        for child in getattr(deployment, prefix).all():
            row = {name: post_value(value) for name, value in model_to_dict(child, names).items()}
            rows.append({**row, "id": str(child.pk), "deployment": str(deployment.pk)})
        data.update(formset_data(prefix, rows, initial=len(rows)))
    return data


def _prefix(model) -> str:
    # The admin's inline formset prefix is the reverse accessor: "locations", "legal_bases"...
    return model._meta.get_field("deployment").remote_field.related_name
