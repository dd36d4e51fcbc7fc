"""Tell derived.py which deployments every ORM write changed. Nothing is refreshed here:
derived.py does that once, when the transaction commits."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from deployments.core import derived, versions
from deployments.models import (
    Deployment,
    Organisation,
    Source,
    Technology,
)

CHILDREN = tuple(model for model, _label in versions.CHILDREN.values())

# What each shared record gives the deployments that name it: their search documents and CSV
# lines. A change to anything else (an organisation's website) changes only public pages.
SHARED_FIELDS = {
    Organisation: ("name",),
    Technology: ("name",),
    Source: ("url", "title", "publisher"),
}
# Shared records a deployment shows only by name: in a run of its CSV line
# (csv_export.NAMES), and in its search document by id (search.py).
NAMED = (Organisation, Technology)
# The relations through which a deployment names a source.
SOURCE_RELATIONS = (
    "citations",
    "costs",
    "events",
    "involvements",
    "legal_bases",
    "assessments",
    "responses",
)


# What the address of a record once published shows while it is not published now: its
# withdrawal page (explore/views.py _not_published, records.withdrawn_or_moved) names the title,
# the reason and the replacement, answers at the slug, and goes when the publication changes.
# Any other field of a withdrawn record (its summary, its costs) is seen by no one.
SHOWN_WHILE_UNPUBLISHED = ("publication", "title", "slug", "withdrawal_reason", "replaced_by_id")


@receiver(pre_save, sender=Deployment)
def deployment_saving(sender, instance, raw=False, **kwargs):
    # Asked before the save (one query): whether the record leaves the public or was public
    # until now cannot be read from the committed rows. Becoming published is read there
    # (derived._any_public).
    instance._public_change = False
    if raw or instance._state.adding:
        return
    before = (
        Deployment.objects.filter(pk=instance.pk)
        .values_list("published_at", *SHOWN_WHILE_UNPUBLISHED)
        .first()
    )
    if before is None:
        return
    instance._public_change = public_change(before, instance)


def public_change(before: tuple, instance) -> bool:
    """Whether saving instance over `before` (its published_at, then SHOWN_WHILE_UNPUBLISHED,
    as stored) changes what the public sees, beyond what derived._any_public reads."""
    published_at, *shown = before
    return shown[0] == Deployment.Publication.PUBLISHED or (
        published_at is not None
        and tuple(shown) != tuple(getattr(instance, f) for f in SHOWN_WHILE_UNPUBLISHED)
    )


@receiver(post_save, sender=Deployment)
def deployment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        derived.changed([instance.pk], touch=getattr(instance, "_public_change", False))


@receiver(post_delete, sender=Deployment)
def deployment_deleted(sender, instance, **kwargs):
    # Once published, its address says it was deleted (records.withdrawn_or_moved): public.
    derived.changed([instance.pk], touch=instance.published_at is not None)


def child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        derived.changed([instance.deployment_id])


for model in CHILDREN:
    post_save.connect(child_changed, sender=model, dispatch_uid=f"derived-{model.__name__}-save")
    post_delete.connect(child_changed, sender=model, dispatch_uid=f"derived-{model.__name__}-del")


def users(instance):
    """The deployments that name this technology, organisation or source (a queryset)."""
    if isinstance(instance, Technology):
        links = Deployment.technologies.through.objects.filter(technology_id=instance.pk)
        return Deployment.objects.filter(pk__in=links.values("deployment_id"))
    if isinstance(instance, Organisation):
        return Deployment.objects.filter(pk__in=instance.involvements.values("deployment_id"))
    naming = Q()
    for relation in SOURCE_RELATIONS:
        naming |= Q(pk__in=getattr(instance, relation).order_by().values("deployment_id"))
    return Deployment.objects.filter(naming)


def shared_saving(sender, instance, raw=False, **kwargs):
    # What it was, read before the save: one query, however many records name it.
    if instance._state.adding:
        return  # new: no record names it yet
    fields = SHARED_FIELDS[sender]
    before = sender.objects.filter(pk=instance.pk).values_list(*fields).first()
    instance._derived_changed = before != tuple(getattr(instance, f) for f in fields)


def shared_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        derived.changed(
            users(instance),
            derived=getattr(instance, "_derived_changed", True),
            # Their names are all these give a record, except a source's texts, which its
            # search document holds.
            names=sender in NAMED,
        )


def shared_deleting(sender, instance, **kwargs):
    # Asked now: once it is gone, who named it cannot be asked. Organisations and sources are
    # protected while named, so only a technology's links can go with it (unsignalled). The
    # token moves only if one of them is published: an entry no published record names is on
    # no public page (its model's public() is what every index and page lists), so deleting
    # it, like creating it (shared_saved), tells the public nothing.
    derived.changed(list(users(instance).values_list("pk", flat=True)))


for model in SHARED_FIELDS:
    pre_save.connect(shared_saving, sender=model, dispatch_uid=f"derived-{model.__name__}-pre")
    post_save.connect(shared_saved, sender=model, dispatch_uid=f"derived-{model.__name__}-save")
    pre_delete.connect(shared_deleting, sender=model, dispatch_uid=f"derived-{model.__name__}-del")


@receiver(m2m_changed, sender=Deployment.technologies.through)
def technologies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            derived.changed([instance.pk])
    elif action == "pre_clear":  # from a technology's side: who it leaves, asked before
        derived.changed(list(instance.deployments.values_list("pk", flat=True)))
    elif action in ("post_add", "post_remove"):
        derived.changed(pk_set)
