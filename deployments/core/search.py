# ruff: noqa: S608 - the documents' SQL is written from the models' table names and fixed
# fragments; the picked ids come from a queryset's own parameters.
"""Full-text search: one denormalised document per deployment, searched per database.

The document holds the deployment's own texts and the names of its organisations and sources,
so a search is one indexed column instead of four joins (on PostgreSQL, its stored tsvector).
It is written again whenever any of those change (derived.py). It is defined once, in SQL
(_documents_sql), so a rename rewrites every document it reaches in one statement.
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
    """{id: searchable text} of these deployments: what write_documents() stores."""
    from deployments.models import Deployment

    sql, params = _documents_sql(Deployment.objects.filter(pk__in=ids).values("pk"))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def write_documents(deployments) -> int:
    """Write the search document of these deployments (ids, or a queryset of deployment ids of
    any size) again where it changed, in one statement, without touching `updated`
    (derived.py calls this). On PostgreSQL the trigger of migration 0004 then writes each
    changed row's tsvector from its title and document. Returns how many changed."""
    from deployments.models import Deployment

    picked = Deployment.objects.filter(pk__in=deployments).values("pk")
    sql, params = _documents_sql(picked)
    table = _table(Deployment)
    with connection.cursor() as cursor:
        # UPDATE ... FROM: PostgreSQL, and SQLite since 3.33. Only rows whose document
        # differs are written: on PostgreSQL each costs a new tsvector and index entries.
        cursor.execute(
            f"UPDATE {table} SET search_text = doc.text FROM ({sql}) AS doc "
            f"WHERE {table}.id = doc.id AND {table}.search_text <> doc.text",
            params,
        )
        return cursor.rowcount


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _documents_sql(picked) -> tuple[str, list]:
    """SELECT (id, text) of the picked deployments (a queryset of pks): the one definition
    of a search document. Its parts, one per line, non-empty ones only: the deployment's
    own texts in OWN_TEXTS order, its organisations' names by role, then each source it
    cites (once, by id): its title, its publisher. One statement, however many records."""
    from deployments.models import Deployment, Involvement, Organisation, Source

    picked_sql, picked_params = picked.query.sql_with_params()
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL reads each table once for all the picked records and aggregates per record;
    # SQLite, which has no hash joins, runs the parts per record, by index.
    of = "IN (SELECT pk FROM p)" if postgresql else "= p.pk"
    # Every part as (deployment, k1, k2, k3, text): the keys put the parts in their order.
    columns = "AS deployment_id, {} AS k1, {} AS k2, {} AS k3, {} AS part"
    EMPTY = "''"  # noqa: N806
    own = [
        f"SELECT d.id {columns.format(0, EMPTY, position, f'd.{name}')} "
        f"FROM {_table(Deployment)} d WHERE d.id {of}"
        for position, name in enumerate(OWN_TEXTS)
    ]
    names = (
        f"SELECT i.deployment_id {columns.format(1, 'i.role', 'i.id', 'o.name')} "
        f"FROM {_table(Involvement)} i JOIN {_table(Organisation)} o "
        f"ON o.id = i.organisation_id WHERE i.deployment_id {of}"
    )
    citing = " UNION ".join(
        f"SELECT t.deployment_id, t.source_id FROM {_table(model)} t "
        f"WHERE t.deployment_id {of} AND t.source_id IS NOT NULL"
        for model in (Deployment._meta.get_field(name).related_model for name in CITING)
    )
    sources = [
        f"SELECT c.deployment_id {columns.format(2, EMPTY, f'2 * s.id + {offset}', f's.{name}')} "
        f"FROM ({citing}) AS c JOIN {_table(Source)} s ON s.id = c.source_id"
        for offset, name in enumerate(("title", "publisher"))
    ]
    parts = " UNION ALL ".join([*own, names, *sources])
    if postgresql:
        text = f"""(SELECT string_agg(part, chr(10) ORDER BY k1, k2, k3) AS text, deployment_id
            FROM ({parts}) AS u WHERE part <> '' GROUP BY deployment_id) AS doc
            ON doc.deployment_id = p.pk"""
        sql = f"SELECT p.pk AS id, COALESCE(doc.text, '') AS text FROM p LEFT JOIN {text}"
    else:
        # group_concat() follows the order of an ORDER BY subquery (SQLite before 3.44 has
        # no ORDER BY inside it).
        text = f"""(SELECT group_concat(part, char(10)) FROM (SELECT part FROM ({parts})
            WHERE part <> '' ORDER BY k1, k2, k3))"""
        sql = f"SELECT p.pk AS id, COALESCE({text}, '') AS text FROM p"
    return f"WITH p AS ({picked_sql}) {sql}", picked_params


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
