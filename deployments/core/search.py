# ruff: noqa: S608 - the documents' SQL is written from the models' table names and fixed
# fragments; the picked ids come from a queryset's own parameters.
"""Full-text search: one denormalised document per deployment, searched per database.

The document holds the deployment's own texts and the titles and publishers of its sources,
and names its organisations by id (search_refs, "o:12 o:40"), so a search is one indexed
column instead of four joins (on PostgreSQL, its stored tsvector), and renaming an
organisation that 100,000 records name rewrites none of them. A query asks for each of its
terms in the document, or for the id of any organisation whose name matches the term
(_query), so "Buddi tagging" still finds a record of Buddi's that mentions tagging.

The document is written again whenever the record, its sources or its organisations' ids
change (derived.py). It is defined once, in SQL (_documents_sql), so a change reaching many
records rewrites their documents in one statement.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

SEARCH_CONFIG = "english"


# The deployment's own texts in its document, in this order; then its organisations' names and
# its sources' titles and publishers.
OWN_TEXTS = ("summary", "description", "scale", "affected_groups", "data_sharing")
# Every relation whose rows cite a source of the record.
CITING = (
    "citations",
    "costs",
    "events",
    "involvements",
    "legal_bases",
    "impact_assessments",
    "responses",
)


def documents(ids: list[int]) -> dict[int, tuple[str, str]]:
    """{id: (searchable text, refs)} of these deployments: what write_documents() stores."""
    from deployments.models import Deployment

    sql, params = _documents_sql(Deployment.objects.filter(pk__in=ids).values("pk"))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (text, refs) for pk, text, refs in cursor.fetchall()}


def write_documents(deployments) -> int:
    """Write the search document of these deployments (ids, or a queryset of deployment ids of
    any size) again where it changed, in one statement, without touching `updated`
    (derived.py calls this). On PostgreSQL the trigger of migration 0008 then writes each
    changed row's tsvector from its title, text and refs. Returns how many changed."""
    from deployments.models import Deployment

    picked = Deployment.objects.filter(pk__in=deployments).values("pk")
    sql, params = _documents_sql(picked)
    table = _table(Deployment)
    # Refs not written yet are NULL (a register from before they existed).
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    with connection.cursor() as cursor:
        # UPDATE ... FROM: PostgreSQL, and SQLite since 3.33. Only rows whose document
        # differs are written: on PostgreSQL each costs a new tsvector and index entries.
        cursor.execute(
            f"UPDATE {table} SET search_text = doc.text, search_refs = doc.refs "
            f"FROM ({sql}) AS doc WHERE {table}.id = doc.id "
            f"AND ({table}.search_text <> doc.text OR {table}.search_refs {differs} doc.refs)",
            params,
        )
        return cursor.rowcount


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _documents_sql(picked) -> tuple[str, list]:
    """SELECT (id, text, refs) of the picked deployments (a queryset of pks): the one
    definition of a search document. The text's parts, one per line, non-empty ones only: the
    deployment's own texts in OWN_TEXTS order, then each source it cites (once, by id): its
    title, its publisher. The refs: "o:<id>" of each organisation it names, once, sorted,
    separated by spaces. One statement, however many records."""
    from deployments.models import Deployment, Involvement, Source

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
    named = (
        f"SELECT DISTINCT i.deployment_id, {_ref('i.organisation_id')} AS ref "
        f"FROM {_table(Involvement)} i WHERE i.deployment_id {of}"
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
    parts = " UNION ALL ".join([*own, *sources])
    if postgresql:
        text = f"""(SELECT string_agg(part, chr(10) ORDER BY k1, k2, k3) AS text, deployment_id
            FROM ({parts}) AS u WHERE part <> '' GROUP BY deployment_id) AS doc
            ON doc.deployment_id = p.pk"""
        refs = f"""(SELECT string_agg(ref, ' ' ORDER BY ref COLLATE "C") AS refs, deployment_id
            FROM ({named}) AS n GROUP BY deployment_id) AS r ON r.deployment_id = p.pk"""
        sql = f"""SELECT p.pk AS id, COALESCE(doc.text, '') AS text, COALESCE(r.refs, '') AS refs
            FROM p LEFT JOIN {text} LEFT JOIN {refs}"""
    else:
        # group_concat() follows the order of an ORDER BY subquery (SQLite before 3.44 has
        # no ORDER BY inside it).
        text = f"""(SELECT group_concat(part, char(10)) FROM (SELECT part FROM ({parts})
            WHERE part <> '' ORDER BY k1, k2, k3))"""
        refs = f"(SELECT group_concat(ref, ' ') FROM ({named} ORDER BY ref))"
        sql = (
            f"SELECT p.pk AS id, COALESCE({text}, '') AS text, COALESCE({refs}, '') AS refs FROM p"
        )
    return f"WITH p AS ({picked_sql}) {sql}", picked_params


def _ref(organisation_id: str) -> str:
    """An organisation's ref in a document: "o:" and its id. The parser splits words at ":",
    so no query a reader types is one of these lexemes."""
    return f"'o:' || CAST({organisation_id} AS text)"


def search(queryset, text: str):
    """Deployments matching `text`, annotated with `rank` (higher is better)."""
    if connection.vendor == "postgresql":
        # search_vector holds title (weight A), search_text (B) and search_refs, kept by a
        # trigger and GIN-indexed (migration 0008): matching reads the index, ranking reads
        # stored vectors.
        query = Query(text)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    # SQLite fallback: every word must appear in the title, the document or the name of an
    # organisation the record names; a title hit ranks first. Case-insensitive for ASCII
    # only, which is SQLite's LIKE.
    from deployments.models import Involvement

    words = [w.strip('"') for w in text.split() if w.strip('"')]
    if not words:  # only quote marks: nothing to look for, as PostgreSQL's websearch finds
        return queryset.none().annotate(rank=Value(0, output_field=IntegerField()))
    condition = Q()
    for word in words:
        naming = Involvement.objects.filter(organisation__name__icontains=word)
        condition &= (
            Q(title__icontains=word)
            | Q(search_text__icontains=word)
            | Q(pk__in=naming.values("deployment_id"))
        )
    title_hit = Q()
    for word in words:
        title_hit |= Q(title__icontains=word)
    return queryset.filter(condition).annotate(
        rank=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


# A term of a web search, as websearch_to_tsquery() reads one: an optional "-", then a quoted
# phrase (its closing quote optional) or a run of other characters.
TERM = re.compile(r'(-?)("[^"]*"?|[^\s"]+)')


def terms(text: str) -> list[list[tuple[bool, str]]]:
    """The web search `text` as clauses, all of them required, each a list of (negated, term)
    any one of which will do: "a b or -c" is [[a], [b, -c]], as websearch_to_tsquery() reads
    it."""
    clauses, joined = [], False
    for minus, term in TERM.findall(text):
        if term.lower() == "or" and not minus and clauses and not joined:
            joined = True
            continue
        if joined:
            clauses[-1].append((bool(minus), term))
        else:
            clauses.append([(bool(minus), term)])
        joined = False
    return clauses


class Query(SearchQuery):
    """PostgreSQL: a web search as a tsquery in which each term also matches the ref of any
    organisation whose name matches it: ('tagging' | 'o:12' | 'o:40') for "tagging". A
    SearchQuery, so that a search_vector lookup and SearchRank take it as it is."""

    def __init__(self, text: str):
        super().__init__(text, search_type="websearch", config=SEARCH_CONFIG)
        self.text = text

    def as_sql(self, compiler, connection, *args, **kwargs):
        from deployments.models import Organisation

        # The configuration inline, as in the organisations' index (migration 0008), so the
        # planner can use it.
        config = f"'{SEARCH_CONFIG}'::regconfig"
        own = f"websearch_to_tsquery({config}, %s)"
        refs = f"""(SELECT string_agg(quote_literal({_ref("o.id")}), ' | ')::tsquery
            FROM {_table(Organisation)} o WHERE to_tsvector({config}, o.name) @@ {own})"""
        clauses, params = [], []
        for clause in terms(self.text) or [[(False, "")]]:
            units = []
            for negated, term in clause:
                # No organisation matches: the term alone (a tsquery || NULL is NULL).
                units.append(("!!" if negated else "") + f"COALESCE({own} || {refs}, {own})")
                params += [term, term, term]
            clauses.append("(" + " || ".join(units) + ")")
        return "(" + " && ".join(clauses) + ")", params
