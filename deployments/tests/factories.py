"""Obviously synthetic records for tests: every title and name starts with "Synthetic"."""

import datetime as dt
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from deployments.dates import Precision
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


def make_staff_user(username: str, group: str | None = None, **fields):
    """A staff user in one of the groups made by migration 0002_groups (or a superuser)."""
    user = get_user_model().objects.create_user(
        username, password="synthetic-password", is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user
