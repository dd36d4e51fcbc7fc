"""The search document (search.py): what a record is found by, written in SQL on each database."""

import datetime as dt

import pytest
from django.db import transaction

from deployments.core import search
from deployments.core.dates import Precision
from deployments.models import Deployment, Event, Involvement, Organisation, Source
from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db(transaction=True)


def document(deployment) -> list[str]:
    return search.documents([deployment.pk])[deployment.pk].split("\n")


def test_it_holds_the_records_texts_its_organisations_and_each_cited_source_once():
    with transaction.atomic():
        cast = make_cast()
        second = Source.objects.create(title="Synthetic second report", publisher="")
        Event.objects.create(
            deployment=cast.camera,
            kind="announced",
            date=dt.date(2024, 10, 1),
            date_precision=Precision.MONTH,
            source=second,
        )
        commissioner = Organisation.objects.create(
            name="Synthetic Commissioner", slug="commissioner"
        )
        Involvement.objects.create(
            deployment=cast.camera, organisation=commissioner, role="commissioner"
        )
    # Own texts, then names by role (commissioner before operator), then sources by id, each once
    # although the first is cited by the citation, the cost and the legal basis.
    assert document(cast.camera) == [
        "Hidden cameras along synthetic routes.",
        "Synthetic Commissioner",
        "Synthetic Police",
        "Synthetic source",
        "Synthetic Gazette",
        "Synthetic second report",
    ]
    assert "Synthetic Police" not in document(cast.scanner)
    assert document(cast.scanner)[:2] == ["Synthetic summary of scanner.", "Synthetic Devices Ltd"]


def test_what_is_stored_is_the_document_and_is_found():
    with transaction.atomic():
        cast = make_cast()
    stored = dict(Deployment.objects.values_list("pk", "search_text"))
    assert stored == search.documents(list(stored))
    with transaction.atomic():  # a rename reaches every record that names the organisation
        police = Organisation.objects.get(slug="police")
        police.name = "Synthetic Constabulary"
        police.save()
    found = search.search(Deployment.objects.published(), "Constabulary")
    assert [d.slug for d in found] == [cast.camera.slug]


def test_a_record_with_no_text_has_an_empty_document():
    record = Deployment.objects.create(title="Synthetic bare", slug="bare", summary="")
    assert search.documents([record.pk]) == {record.pk: ""}
