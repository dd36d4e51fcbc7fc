"""Keep each deployment's search document, and the register's freshness token, in step with
everything they are built from."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import freshness, search
from .models import (
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


# Freshness: every change a reader could see moves the register's token (freshness.py). ------


def _deployment_is_public_history(deployment_id) -> bool:
    # Ever published, so its pages, exports or the withdrawal itself are public knowledge.
    # Edits to a never-published draft must not move Last-Modified: that would tell the world
    # when a draft was worked on.
    return Deployment.objects.filter(pk=deployment_id, published_at__isnull=False).exists()


def deployment_touched(sender, instance, **kwargs):
    if instance.published_at is not None:
        freshness.touch()


def child_touched(sender, instance, **kwargs):
    if _deployment_is_public_history(instance.deployment_id):
        freshness.touch()


def shared_touched(sender, instance, **kwargs):
    # Technologies, organisations and sources are named on public pages (facets, record pages)
    # as soon as one published record uses them; checking that is not worth the query.
    freshness.touch()


def technologies_touched(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        deployment_touched(sender, instance)
    elif Deployment.objects.filter(pk__in=pk_set or (), published_at__isnull=False).exists():
        freshness.touch()


for model, receiver_function in [
    (Deployment, deployment_touched),
    *[(model, child_touched) for model in (*CHILDREN, Location)],
    *[(model, shared_touched) for model in (Organisation, Source, Technology)],
]:
    for signal in (post_save, post_delete):
        signal.connect(
            receiver_function, sender=model, dispatch_uid=f"fresh-{model.__name__}-{signal}"
        )
m2m_changed.connect(
    technologies_touched, sender=Deployment.technologies.through, dispatch_uid="fresh-tech-m2m"
)
