# ruff: noqa: S608 - the documents' SQL is written from the models' table names and fixed
# fragments; the picked ids come from a queryset's own parameters.
"""Full-text search: one denormalised document per deployment, searched per database.

The document holds the deployment's own texts, its place names and the titles and publishers
of its sources, and names its organisations and technologies by id (search_refs, "o:12 t:3"),
so a search is one indexed column instead of five joins, and renaming an organisation that
100,000 records name rewrites none of them. A query asks for each of its terms in the
document, or for the id of any organisation or technology whose name (or, for a technology,
description) matches the term, so "Buddi tagging" finds a record of Buddi's about tagging.

Both databases read a query the same way (terms()): words, "quoted phrases", OR between two
terms, -excluded terms and prefix* terms, every clause required. PostgreSQL matches the
document's stored tsvector (migration 0008), SQLite its FTS5 index (migration 0018); both
stem English words, rank title matches first and give a highlighted snippet (snippets()).

The document is written again whenever the record, its sources, places or technologies
change (derived.py). It is defined once, in SQL (_documents_sql), so a change reaching many
records rewrites their documents in one statement.
"""

import hashlib
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Lookup, Q, TextField, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from deployments.core import freshness

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
    from deployments.models import Deployment, Involvement, Location, Source

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
    places = (
        f"SELECT l.deployment_id {columns.format(1, EMPTY, 'l.id', 'l.name')} "
        f"FROM {_table(Location)} l WHERE l.deployment_id {of}"
    )
    uses = Deployment.technologies.through
    named = (
        f"SELECT DISTINCT i.deployment_id, {_ref('i.organisation_id')} AS ref "
        f"FROM {_table(Involvement)} i WHERE i.deployment_id {of} "
        f"UNION SELECT u.deployment_id, {_ref('u.technology_id', 't')} AS ref "
        f"FROM {_table(uses)} u WHERE u.deployment_id {of}"
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
    parts = " UNION ALL ".join([*own, places, *sources])
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


def _ref(entry_id: str, kind: str = "o") -> str:
    """An organisation's ref in a document, "o:" and its id, or a technology's, "t:" and its
    id. The parsers split words at ":", so no query a reader types is one of these lexemes."""
    return f"'{kind}:' || CAST({entry_id} AS text)"


def search(queryset, text: str):
    """Deployments matching `text`. Only a filter, with no join: the counts and facets of a
    search take this queryset as a subquery, and ranked() adds what ordering needs."""
    if not any(clause for clause in _clauses(text)):
        # Only quote marks or spaces: nothing to look for.
        return queryset.none()
    if connection.vendor == "postgresql":
        # search_vector holds title (weight A), search_text (B) and search_refs, kept by a
        # trigger and GIN-indexed (migration 0008): matching reads the index.
        return queryset.filter(search_vector=Query(text))
    return _sqlite_search(queryset, text)


def ranked(queryset, text: str):
    """A search's deployments annotated with `rank` (higher is better), for the one query
    that orders a page by relevance."""
    if connection.vendor == "postgresql":
        # Ranking reads the stored vectors.
        return queryset.annotate(rank=SearchRank(F("search_vector"), Query(text)))
    required, _others = _fts_expressions(text)
    if not required:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    # bm25 is lower for a better match (title words weigh ten times as much: migration 0018).
    # The join reads the rank; ordered by it, SQLite starts from the FTS5 index.
    return queryset.filter(search_index__match__fts=required).annotate(
        rank=-F("search_index__rank")
    )


def _clauses(text: str) -> list[list[tuple[bool, str]]]:
    """terms(), without terms that hold no word (a lone quote mark, a lone "-")."""
    return [
        kept
        for clause in terms(text)
        if (kept := [(negated, term) for negated, term in clause if _words(term)])
    ]


def _words(term: str) -> list[str]:
    return re.findall(r"\w+", term)


def _fts_term(term: str) -> str:
    """One term as an FTS5 string: "a phrase", or a word; "word" * for a prefix."""
    phrase = " ".join(_words(term))
    prefix = term.endswith("*") and not term.startswith('"')
    return f'"{phrase}"' + (" *" if prefix else "")


def _fts_unit(term: str) -> str:
    """FTS5: the term in the title or document, or the ref of any organisation or technology
    whose name (or description) matches it."""
    phrase = _fts_term(term)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'o ' || rowid FROM deployments_organisation_search "
            "WHERE deployments_organisation_search MATCH %s "
            "UNION ALL SELECT 't ' || rowid FROM deployments_technology_search "
            "WHERE deployments_technology_search MATCH %s",
            [phrase, phrase],
        )
        refs = [f'search_refs : "{ref}"' for (ref,) in cursor.fetchall()]
    return "(" + " OR ".join([f"{{title search_text}} : {phrase}", *refs]) + ")"


def _sqlite_search(queryset, text: str):
    """SQLite: the clauses without an excluded term as one FTS5 MATCH, each clause with one as
    a subquery of its own, since FTS5 has no NOT of its own.

    Each is `id IN (SELECT rowid ... MATCH ...)`, never a join to the FTS5 table: joined, SQLite
    may start from the deployments (by an index on another filter) and run the MATCH once per
    deployment, which took seconds on 100,000 records; as a subquery the index is read once."""
    from deployments.models import SearchIndex

    def matching(expression: str) -> Q:
        found = SearchIndex.objects.filter(match__fts=expression).values("deployment_id")
        return Q(pk__in=found)

    required, others = _fts_expressions(text)
    for clause in others:
        either = Q()
        for negated, unit in clause:
            either |= ~matching(unit) if negated else matching(unit)
        queryset = queryset.filter(either)
    return queryset.filter(matching(required)) if required else queryset


def _fts_expressions(text: str) -> tuple[str, list[list[tuple[bool, str]]]]:
    """(one FTS5 expression of the clauses that exclude nothing, the other clauses as lists
    of (negated, unit)). Which names match a term is asked once per register state, not by
    each facet's count of the same search."""

    def build():
        required, others = [], []
        for clause in _clauses(text):
            if any(negated for negated, _term in clause):
                others.append([(negated, _fts_unit(term)) for negated, term in clause])
            else:
                required.append("(" + " OR ".join(_fts_unit(t) for _n, t in clause) + ")")
        return " AND ".join(required), others

    return freshness.cached("fts-query", hashlib.sha256(text.encode()).hexdigest(), build)


@TextField.register_lookup
class FullTextMatch(Lookup):
    """`match__fts`: FTS5's MATCH, on SQLite's index (models.SearchIndex)."""

    lookup_name = "fts"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


# Snippets: where the search terms are, marked. The marks are control characters, which no
# record holds, so the text around them can be escaped as it is and the marks made <mark>.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 24


def snippets(ids: list[int], text: str) -> dict[int, str]:
    """{id: safe HTML} of these deployments' documents around the search's terms."""
    from deployments.models import Deployment

    if not ids or not _clauses(text):
        return {}
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline

        rows = (
            Deployment.objects.filter(pk__in=ids)
            .annotate(
                snippet=SearchHeadline(
                    "search_text",
                    Query(text),
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                )
            )
            .values_list("pk", "snippet")
        )
    else:
        expression, _others = _fts_expressions(text)
        if not expression:
            return {}
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT rowid, snippet(deployments_search, 1, char(2), char(3), '…', "
                f"{SNIPPET_WORDS}) FROM deployments_search WHERE deployments_search MATCH %s "
                f"AND rowid IN ({marks})",
                [expression, *ids],
            )
            rows = cursor.fetchall()
    return {pk: _marked(snippet) for pk, snippet in rows if snippet and MARK_START in snippet}


def _marked(snippet: str) -> str:
    safe = escape(" ".join(snippet.split()))
    return mark_safe(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


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
    organisation or technology whose name matches it: ('tagging' | 'o:12' | 't:3') for
    "tagging". A SearchQuery, so that a search_vector lookup and SearchRank take it as it is."""

    def __init__(self, text: str):
        super().__init__(text, search_type="websearch", config=SEARCH_CONFIG)
        self.text = text

    def as_sql(self, compiler, connection, *args, **kwargs):
        from deployments.models import Organisation, Technology

        # The configuration inline, as in the organisations' index (migration 0008), so the
        # planner can use it.
        config = f"'{SEARCH_CONFIG}'::regconfig"
        clauses, params = [], []
        for clause in _clauses(self.text) or [[(False, "")]]:
            units = []
            for negated, term in clause:
                if term.endswith("*") and not term.startswith('"'):
                    own, word = f"to_tsquery({config}, quote_literal(%s) || ':*')", term
                    word = " ".join(_words(term))
                else:
                    own, word = f"websearch_to_tsquery({config}, %s)", term
                refs = f"""(SELECT string_agg(quote_literal(ref), ' | ')::tsquery FROM (
                    SELECT {_ref("o.id")} AS ref FROM {_table(Organisation)} o
                    WHERE to_tsvector({config}, o.name) @@ {own}
                    UNION ALL SELECT {_ref("t.id", "t")} FROM {_table(Technology)} t
                    WHERE to_tsvector({config}, t.name || ' ' || t.description) @@ {own}
                ) AS named)"""
                # Nothing named matches: the term alone (a tsquery || NULL is NULL).
                units.append(("!!" if negated else "") + f"COALESCE({own} || {refs}, {own})")
                params += [word, word, word, word]
            clauses.append("(" + " || ".join(units) + ")")
        return "(" + " && ".join(clauses) + ")", params
