"""Full-text search: one denormalised document per deployment, searched per database.

The document holds the deployment's own texts and the names of its organisations and sources,
so a search is one indexed column instead of four joins (on PostgreSQL, its stored tsvector).
It is rebuilt whenever any of those change (see signals.py).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

SEARCH_CONFIG = "english"


def document_for(deployment) -> str:
    """The searchable text of one saved deployment (its title is weighted separately)."""
    parts = [
        deployment.summary,
        deployment.description,
        deployment.scale,
        deployment.affected_groups,
        deployment.data_sharing,
    ]
    parts += [i.organisation.name for i in deployment.involvements.select_related("organisation")]
    for source in deployment.all_sources():
        parts += [source.title, source.publisher]
    return "\n".join(p for p in parts if p)


def refresh(deployments) -> None:
    """Rebuild the search document of these deployments (a queryset), without touching
    `updated`."""
    from .models import Deployment

    for deployment in deployments.iterator():
        text = document_for(deployment)
        if text != deployment.search_text:
            Deployment.objects.filter(pk=deployment.pk).update(search_text=text)


def search(queryset, text: str):
    """Deployments matching `text`, annotated with `rank` (higher is better)."""
    if connection.vendor == "postgresql":
        # search_vector holds title (weight A) and search_text (B), kept by a trigger and
        # GIN-indexed (migration 0004): matching reads the index, ranking reads stored vectors.
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    # SQLite fallback: every word must appear in the title or the document; a title hit ranks
    # first. Case-insensitive for ASCII only, which is SQLite's LIKE.
    words = [w.strip('"') for w in text.split() if w.strip('"')]
    if not words:  # only quote marks: nothing to look for, as PostgreSQL's websearch finds
        return queryset.none().annotate(rank=Value(0, output_field=IntegerField()))
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(search_text__icontains=word)
    title_hit = Q()
    for word in words:
        title_hit |= Q(title__icontains=word)
    return queryset.filter(condition).annotate(
        rank=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
