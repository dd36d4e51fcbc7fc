"""Obviously synthetic records with every relation an export writes, for the data tests.

make_records(n) gives n published deployments that each have technologies, organisations in
three roles, a point and a national location, two costs, a legal basis, an event, an impact
assessment and citations, so query-count tests exercise every query an export makes.
"""

import datetime as dt
from decimal import Decimal

from django.test import Client

from deployments.core.dates import Precision
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Source,
    Technology,
)


def shared():
    """The reference rows every synthetic record uses (created once per test)."""
    technology, _ = Technology.objects.get_or_create(
        slug="synthetic-cameras",
        defaults={"name": "Synthetic cameras", "description": "Made up for a test."},
    )
    operator, _ = Organisation.objects.get_or_create(
        name="Synthetic Police Force", defaults={"slug": "synthetic-police-force"}
    )
    supplier, _ = Organisation.objects.get_or_create(
        name="Synthetic Devices; Sensors Ltd",  # a ";" in a name must survive the CSV
        defaults={"slug": "synthetic-devices-sensors", "kind": "company"},
    )
    source, _ = Source.objects.get_or_create(
        url="https://example.org/synthetic-report",
        defaults={"title": "Synthetic report", "publisher": "Synthetic Gazette"},
    )
    return technology, operator, supplier, source


def make_record(n: int, *, publication: str = "published", **fields) -> Deployment:
    technology, operator, supplier, source = shared()
    values = {
        "title": f"Synthetic deployment {n}",
        "slug": f"synthetic-deployment-{n}",
        "summary": f"A made-up deployment number {n}.",
        "status": "active",
        "start_date": dt.date(2020 + n % 5, 1 + n % 12, 1),
        "start_precision": Precision.MONTH,
        "publication": publication,
    }
    deployment = Deployment.objects.create(**{**values, **fields})
    deployment.technologies.add(technology)
    Citation.objects.create(deployment=deployment, source=source)
    Involvement.objects.create(deployment=deployment, organisation=operator, role="operator")
    Involvement.objects.create(deployment=deployment, organisation=supplier, role="supplier")
    Location.objects.create(
        deployment=deployment,
        name=f"Synthetic town {n}",
        country="GB",
        precision="exact",
        geometry={"type": "Point", "coordinates": [-1.5 + n / 1000, 52.0]},
    )
    Location.objects.create(
        deployment=deployment, name="Synthetic nation", country="GB", precision="national"
    )
    Cost.objects.create(
        deployment=deployment, source=source, amount=Decimal(1000 * n), covers="budget"
    )
    Cost.objects.create(
        deployment=deployment,
        source=source,
        amount=None,
        qualifier="undisclosed",
        covers="contract",
    )
    LegalBasis.objects.create(
        deployment=deployment,
        source=source,
        instrument_type="statute",
        instrument="Synthetic Act",
        provision="s. 1",
        status="asserted",
    )
    Event.objects.create(
        deployment=deployment,
        source=source,
        kind="announced",
        date=dt.date(2020, 1, 1),
        date_precision=Precision.YEAR,
    )
    ImpactAssessment.objects.create(
        deployment=deployment, source=source, kind="dpia", availability="foi"
    )
    return deployment


def make_records(count: int, start: int = 1, **fields) -> list[Deployment]:
    return [make_record(n, **fields) for n in range(start, start + count)]


def make_light_records(count: int, start: int = 1) -> None:
    """Many cheap published records (a technology, every other one a mapped point): enough
    to give the list a second page."""
    technology, *_ = shared()
    for n in range(start, start + count):
        deployment = Deployment.objects.create(
            title=f"Synthetic deployment {n}",
            slug=f"synthetic-deployment-{n}",
            summary="A made-up deployment.",
            publication="published",
            start_date=dt.date(2015 + n % 10, 1, 1),
            start_precision=Precision.YEAR,
        )
        deployment.technologies.add(technology)
        if n % 2:
            Location.objects.create(
                deployment=deployment,
                name="Synthetic point",
                country="GB",
                precision="exact",
                geometry={"type": "Point", "coordinates": [-0.5 + n / 100, 51.5]},
            )


def body(response) -> bytes:
    """The whole body of a normal or streaming response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def listed_slugs(client: Client, query: str) -> list[str]:
    """Every record the HTML list shows for a query, all pages, in order."""
    slugs, page = [], 1
    while True:
        separator = "&" if query else ""
        response = client.get(f"/deployments/?{query}{separator}page={page}")
        assert response.status_code == 200, response.content[:500]
        shown = response.context["page"]
        slugs += [d.slug for d in shown.object_list]
        if not shown.has_next():
            return slugs
        page += 1
