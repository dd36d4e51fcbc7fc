"""Full-text search: one denormalised document per deployment, searched per database.

The document holds the deployment's own texts and the names of its organisations and sources,
so a search is one indexed column instead of four joins (on PostgreSQL, its stored tsvector).
It is written again whenever any of those change (derived.py).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

SEARCH_CONFIG = "english"


# The deployment's own texts in its document, in this order; then its organisations' names and
# its sources' titles and publishers.
OWN_TEXTS = ("summary", "description", "scale", "affected_groups", "data_sharing")
# Every relation whose rows cite a source of the record.
CITING = ("citations", "costs", "events", "involvements", "legal_bases", "impact_assessments")


def documents(ids: list[int]) -> dict[int, str]:
    """{id: searchable text} of these deployments (their titles are weighted separately), in
    a fixed number of queries whatever their number."""
    from deployments.models import Deployment, Involvement, Source

    parts = {
        pk: [text for text in texts if text]
        for pk, *texts in Deployment.objects.filter(pk__in=ids).values_list("pk", *OWN_TEXTS)
    }
    names = Involvement.objects.filter(deployment_id__in=ids).order_by("role", "id")
    for pk, name in names.values_list("deployment_id", "organisation__name"):
        parts[pk].append(name)
    cited = {pk: [] for pk in parts}
    for pk, source_id, _group, _id in sorted(_citing(ids), key=lambda row: row[2:]):
        if source_id not in cited[pk]:
            cited[pk].append(source_id)
    wanted = {source_id for source_ids in cited.values() for source_id in source_ids}
    sources = {
        pk: (title, publisher)
        for pk, title, publisher in Source.objects.filter(pk__in=wanted).values_list(
            "pk", "title", "publisher"
        )
    }
    for pk, source_ids in cited.items():
        for source_id in source_ids:
            parts[pk] += [text for text in sources[source_id] if text]
    return {pk: "\n".join(texts) for pk, texts in parts.items()}


def _citing(ids: list[int]):
    """(deployment, source, relation, row) of every claim of these deployments that cites a
    source: one UNION ALL over the relations."""
    from deployments.models import Deployment

    rows = [
        Deployment._meta.get_field(relation)
        .related_model.objects.filter(deployment_id__in=ids, source_id__isnull=False)
        .annotate(relation=Value(number, output_field=IntegerField()))
        .order_by()
        .values_list("deployment_id", "source_id", "relation", "id")
        for number, relation in enumerate(CITING)
    ]
    return rows[0].union(*rows[1:], all=True)


def write_documents(ids: list[int]) -> None:
    """Write the search document of these deployments again where it changed, without
    touching `updated` (derived.py calls this). On PostgreSQL the trigger of migration 0004
    then writes the row's tsvector from its title and document, in the same statement."""
    from deployments.models import Deployment

    texts = documents(ids)
    stale = Deployment.objects.filter(pk__in=ids).values_list("pk", "search_text")
    rows = [Deployment(pk=pk, search_text=texts[pk]) for pk, text in stale if text != texts[pk]]
    Deployment.objects.bulk_update(rows, ["search_text"], batch_size=REFRESH_BATCH)


# Documents written per UPDATE: its CASE has two parameters a record.
REFRESH_BATCH = 250


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
