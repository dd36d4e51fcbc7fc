"""Merging two organisations that are one body ("Buddi Limited" into "Buddi"): every link
moves to the one kept, through the ORM so each moved row keeps its history and derived data
follows; the other is deleted (its history stays) and its public address redirects to the
kept one's (explore/views.py)."""

from dataclasses import dataclass

from django.db import transaction

from deployments.models import Involvement, Organisation, OrganisationAlias, Response


@dataclass
class Merged:
    moved: int  # roles and responses that now name the kept organisation
    dropped: int  # roles the kept one already had in the same record


def merge(duplicate: Organisation, kept: Organisation) -> Merged:
    if duplicate.pk == kept.pk:
        raise ValueError("An organisation cannot be merged into itself.")
    moved = dropped = 0
    with transaction.atomic():
        for involvement in Involvement.objects.filter(organisation=duplicate):
            twin = Involvement.objects.filter(
                deployment_id=involvement.deployment_id, organisation=kept, role=involvement.role
            )
            if twin.exists():
                involvement.delete()  # the same role, already recorded under the kept name
                dropped += 1
                continue
            involvement.organisation = kept
            involvement.save()
            moved += 1
        for response in Response.objects.filter(organisation=duplicate):
            response.organisation = kept
            response.save()
            moved += 1
        # Addresses that led to the duplicate, its own and those merged into it, lead on.
        duplicate.aliases.update(organisation=kept)
        OrganisationAlias.objects.create(
            slug=duplicate.slug, name=duplicate.name, organisation=kept
        )
        duplicate.delete()
    return Merged(moved, dropped)
