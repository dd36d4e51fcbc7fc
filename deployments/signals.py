"""Keep each deployment's search document in step with everything it is built from."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Organisation,
    Source,
)

CHILDREN = (Citation, Cost, Event, ImpactAssessment, Involvement, LegalBasis)
SOURCE_RELATIONS = ("citations", "costs", "events", "involvements", "legal_bases", "assessments")


@receiver(post_save, sender=Deployment)
def deployment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh([instance.pk])


def child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh([instance.deployment_id])


for model in CHILDREN:
    post_save.connect(child_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")
    post_delete.connect(child_changed, sender=model, dispatch_uid=f"search-{model.__name__}-del")


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(instance.involvements.values_list("deployment_id", flat=True))


@receiver(post_save, sender=Source)
def source_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ids = set()
        for relation in SOURCE_RELATIONS:
            ids.update(getattr(instance, relation).values_list("deployment_id", flat=True))
        search.refresh(ids)
