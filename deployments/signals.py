"""Keep each deployment's search document and stored CSV line, and the register's freshness
token, in step with everything they are built from."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import export_rows, freshness, search
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


def _one(pk):
    return Deployment.objects.filter(pk=pk)


@receiver(post_save, sender=Deployment)
def deployment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(_one(instance.pk))
        export_rows.fill(_one(instance.pk))


def child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        if sender is not Location:  # no location is in the search document
            search.refresh(_one(instance.deployment_id))
        export_rows.fill(_one(instance.deployment_id))


for model in (*CHILDREN, Location):
    post_save.connect(child_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")
    post_delete.connect(child_changed, sender=model, dispatch_uid=f"search-{model.__name__}-del")


def shared_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        if sender is not Technology:  # its name is not in the search document
            search.refresh(_users(instance))
        export_rows.fill(_users(instance))


for model in (Organisation, Source, Technology):
    post_save.connect(shared_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")


@receiver(post_delete, sender=Technology)
def technology_deleted(sender, instance, **kwargs):
    # Its links went first, without m2m signals; their triggers deleted the lines that named
    # it, and who they were cannot be asked any more: write every missing line.
    export_rows.fill()


@receiver(m2m_changed, sender=Deployment.technologies.through)
def technologies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        # From a technology's side (rare), a clear does not say which deployments it left.
        export_rows.fill(_one(instance.pk) if not reverse else _pks(pk_set))


# Freshness: every change a reader could see moves the register's token (freshness.py). ------


def _any_public_history(deployments) -> bool:
    # Ever published, so its pages, exports or the withdrawal itself are public knowledge.
    # Edits to a never-published draft must not move Last-Modified: that would tell the world
    # when a draft was worked on.
    return deployments.filter(published_at__isnull=False).exists()


def deployment_touched(sender, instance, **kwargs):
    if instance.published_at is not None:
        freshness.touch()


def child_touched(sender, instance, **kwargs):
    if _any_public_history(_one(instance.deployment_id)):
        freshness.touch()


def _users(instance):
    """The deployments that name this technology, organisation or source."""
    if isinstance(instance, Technology):
        return instance.deployments.all()
    if isinstance(instance, Organisation):
        return Deployment.objects.filter(pk__in=instance.involvements.values("deployment_id"))
    naming = Q()
    for relation in SOURCE_RELATIONS:
        rows = getattr(instance, relation).values("deployment_id")
        naming |= Q(pk__in=rows)
    return Deployment.objects.filter(naming)


def _pks(pk_set):
    # None only from a technology's side's clear, which does not say whom it left: all of them.
    # An empty set (an add of links already there) is no one.
    return Deployment.objects.all() if pk_set is None else Deployment.objects.filter(pk__in=pk_set)


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
    elif _any_public_history(_pks(pk_set)):
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
