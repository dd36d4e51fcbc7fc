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
        search.refresh(_users(instance))


@receiver(post_save, sender=Source)
def source_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(_users(instance))


# Freshness: every change a reader could see moves the register's token (freshness.py). ------


def _any_public_history(deployment_ids) -> bool:
    # Ever published, so its pages, exports or the withdrawal itself are public knowledge.
    # Edits to a never-published draft must not move Last-Modified: that would tell the world
    # when a draft was worked on.
    return Deployment.objects.filter(pk__in=deployment_ids, published_at__isnull=False).exists()


def deployment_touched(sender, instance, **kwargs):
    if instance.published_at is not None:
        freshness.touch()


def child_touched(sender, instance, **kwargs):
    if _any_public_history([instance.deployment_id]):
        freshness.touch()


def _users(instance) -> set:
    """Ids of the deployments that name this technology, organisation or source."""
    if isinstance(instance, Technology):
        return set(instance.deployments.values_list("pk", flat=True))
    if isinstance(instance, Organisation):
        return set(instance.involvements.values_list("deployment_id", flat=True))
    ids = set()
    for relation in SOURCE_RELATIONS:
        ids.update(getattr(instance, relation).values_list("deployment_id", flat=True))
    return ids


def shared_saved(sender, instance, **kwargs):
    # A technology, organisation or source is public once an (ever) published record names it.
    if _any_public_history(_users(instance)):
        freshness.touch()


def shared_deleted(sender, instance, **kwargs):
    # Its links are gone by now (a technology's are deleted with it, without m2m signals), so
    # who used it cannot be asked: deletions are rare, count every one.
    freshness.touch()


def technologies_touched(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        deployment_touched(sender, instance)
    elif _any_public_history(pk_set or ()):
        freshness.touch()


for model, receiver_function, signals in [
    (Deployment, deployment_touched, (post_save, post_delete)),
    *[(model, child_touched, (post_save, post_delete)) for model in (*CHILDREN, Location)],
    *[(model, shared_saved, (post_save,)) for model in (Organisation, Source, Technology)],
    *[(model, shared_deleted, (post_delete,)) for model in (Organisation, Source, Technology)],
]:
    for signal in signals:
        signal.connect(
            receiver_function, sender=model, dispatch_uid=f"fresh-{model.__name__}-{signal}"
        )
m2m_changed.connect(
    technologies_touched, sender=Deployment.technologies.through, dispatch_uid="fresh-tech-m2m"
)
