"""A small named cast of synthetic published deployments for the explore tests.

camera  : ANPR, operator Synthetic Police, GB point in London, 2024-10 to open, GBP 80,000
          budget, legal basis asserted
watch   : Facial recognition, supplier Synthetic Devices Ltd, national GB, 2021 (year) to
          2022-05 (month), GBP 6,000,000 initial cost, legal basis disputed
scanner : ANPR + facial recognition, operator Synthetic Devices Ltd, FR point in Paris,
          start unknown, EUR 150,000 contract, no legal basis
draft   : a draft that matches everything and must never show
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from deployments.core.dates import Precision
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Source,
    Technology,
)


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def make_cast() -> SimpleNamespace:
    source = Source.objects.create(title="Synthetic source", publisher="Synthetic Gazette")
    anpr = Technology.objects.create(name="Synthetic ANPR", slug="anpr", description="Synthetic.")
    face = Technology.objects.create(
        name="Synthetic face recognition", slug="face", description="Synthetic."
    )
    police = Organisation.objects.create(name="Synthetic Police", slug="police", kind="police")
    devices = Organisation.objects.create(
        name="Synthetic Devices Ltd", slug="devices", kind="company"
    )

    def deployment(slug, technologies, **fields):
        d = Deployment.objects.create(
            title=f"Synthetic {slug}",
            slug=slug,
            summary=fields.pop("summary", f"Synthetic summary of {slug}."),
            publication=fields.pop("publication", "published"),
            **fields,
        )
        d.technologies.set(technologies)
        Citation.objects.create(deployment=d, source=source)
        return d

    camera = deployment(
        "camera",
        [anpr],
        status="trial",
        start_date=dt.date(2024, 10, 1),
        start_precision=Precision.MONTH,
        summary="Hidden cameras along synthetic routes.",
    )
    watch = deployment(
        "watch",
        [face],
        status="ended",
        start_date=dt.date(2021, 1, 1),
        start_precision=Precision.YEAR,
        end_date=dt.date(2022, 5, 1),
        end_precision=Precision.MONTH,
    )
    scanner = deployment("scanner", [anpr, face], status="active")
    draft = deployment(
        "draft",
        [anpr, face],
        status="trial",
        publication="draft",
        start_date=dt.date(2024, 10, 1),
        start_precision=Precision.MONTH,
        summary="Hidden cameras along synthetic routes.",
    )
    for d in (camera, draft):
        Involvement.objects.create(deployment=d, organisation=police, role="operator")
        Location.objects.create(
            deployment=d,
            name="Synthetic London",
            country="GB",
            precision="exact",
            geometry=point(-0.1, 51.5),
        )
        Cost.objects.create(
            deployment=d,
            source=source,
            amount=Decimal("80000"),
            currency="GBP",
            covers="budget",
        )
        LegalBasis.objects.create(
            deployment=d,
            source=source,
            instrument_type="statute",
            instrument="Synthetic Act",
            status="asserted",
        )
    Involvement.objects.create(deployment=watch, organisation=devices, role="supplier")
    Location.objects.create(
        deployment=watch, name="Synthetic UK", country="GB", precision="national"
    )
    Cost.objects.create(
        deployment=watch, source=source, amount=Decimal("6000000"), currency="GBP", covers="initial"
    )
    LegalBasis.objects.create(
        deployment=watch,
        source=source,
        instrument_type="statute",
        instrument="Synthetic Act",
        status="disputed",
    )
    Involvement.objects.create(deployment=scanner, organisation=devices, role="operator")
    Location.objects.create(
        deployment=scanner,
        name="Synthetic Paris",
        country="FR",
        precision="exact",
        geometry=point(2.35, 48.85),
    )
    Cost.objects.create(
        deployment=scanner,
        source=source,
        amount=Decimal("150000"),
        currency="EUR",
        covers="contract",
    )
    return SimpleNamespace(
        camera=camera,
        watch=watch,
        scanner=scanner,
        draft=draft,
        anpr=anpr,
        face=face,
        police=police,
        devices=devices,
        source=source,
    )
