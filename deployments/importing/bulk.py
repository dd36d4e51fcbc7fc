"""How the importer writes: each row checked in Python, then inserted a batch at a time, with
its history row, by a few statements per batch instead of a dozen per row.

Why not full_clean() and save() per row: full_clean() asks the database about every foreign
key, every unique field and every check constraint of the row, save() writes the row and its
history row in a savepoint, and the signals then want a query or two more: about sixteen
statements a row, some 100 rows/s. Here:

- foreign keys are not asked about: the importer only ever sets them to rows it has just
  read from the database or staged itself;
- unique fields and unique constraints are checked against what this import staged (the
  importer matches existing rows first, and deletes a record's rows before replacing them);
- check constraints are evaluated in Python on the row as it will be written (holds());
- history rows are written in bulk, stamped with the import's Edit as core/edits.py stamps
  a single save's, and derived data is refreshed once, at commit, for every record touched
  (the importer calls derived.changed() itself: bulk writes send no signals).

The database's constraints stay the backstop: a batch it refuses is written again row by row,
each in its own savepoint, so the problem names the row it refused.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import CheckConstraint, F, Max, Q, UniqueConstraint
from django.utils import timezone
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from deployments.core import edits
from deployments.importing.tables import CHANGE_REASON

# Rows per INSERT (and per id lookup): SQLite's oldest limit is 999 bound parameters, and
# Django splits a batch further by the number of columns.
BATCH = 500


def chunks(items: list, size: int = BATCH):
    for first in range(0, len(items), size):
        yield items[first : first + size]


def field_errors(error: ValidationError, columns: dict[str, str]) -> list[tuple[str | None, str]]:
    """A model's ValidationError as [(column, message)], naming the file's columns."""
    pairs = []
    for name, messages in error.message_dict.items():
        column = None if name == NON_FIELD_ERRORS else columns.get(name, name)
        pairs += [(column, message) for message in messages]
    return pairs


class _Unknown(Exception):
    """A condition holds() cannot evaluate: the database is asked instead."""


def holds(condition: Q, obj) -> bool | None:
    """A check constraint's condition on an unsaved row: True, False, or None when SQL would
    find it unknown (a comparison with NULL), which a CHECK lets through, as Django's own
    validation does (it wraps the condition in COALESCE(..., true))."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(holds(child, obj))
            continue
        lookup, expected = child
        name, _sep, op = lookup.partition("__")
        actual = getattr(obj, obj._meta.get_field(name).attname)
        if isinstance(expected, F):
            expected = getattr(obj, obj._meta.get_field(expected.name).attname)
        results.append(_compare(actual, op or "exact", expected))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    else:
        result = True if True in results else None if None in results else False
    return (not result) if condition.negated and result is not None else result


def _compare(actual, op: str, expected) -> bool | None:
    if op == "isnull":
        return (actual is None) == expected
    if actual is None or expected is None:
        return None
    if op == "exact":
        return actual == expected
    if op == "in":
        return actual in expected
    if op == "startswith":
        return str(actual).startswith(expected)
    comparisons = {"gte": "__ge__", "lte": "__le__", "gt": "__gt__", "lt": "__lt__"}
    if op not in comparisons:
        raise _Unknown(op)
    return getattr(actual, comparisons[op])(expected)


_tokens = itertools.count()


def token(obj) -> int:
    """A number of this object's own for the import: unlike id(), never given to another
    object once this one is gone (a written row's object may be)."""
    return obj.__dict__.setdefault("_import_token", next(_tokens))


def _key_part(obj, name: str):
    """A unique key's value: a related row by token until it has an id (it may be staged)."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        related = getattr(obj, field.name)
        if related is not None and related.pk is None:
            return ("row", token(related))
    return getattr(obj, field.attname)


# A CountryField's own check walks its lazy list of 250 choices for every value (2.6 ms a
# location): the same test against a set.
COUNTRY_CODES = frozenset(code for code, _name in countries)


def _country_errors(obj, field) -> list[str]:
    value = getattr(obj, field.attname)
    codes = [c.code for c in value] if field.multiple else [value.code] if value else []
    if not codes and not field.blank:
        return [str(field.error_messages["blank"])]
    message = field.error_messages["invalid_choice"]
    return [str(message % {"value": code}) for code in codes if code not in COUNTRY_CODES]


def update_rows(model, objs: list, names: list[str]) -> None:
    """UPDATE these fields of each row, by one executemany: bulk_update's CASE per field and
    row costs more to build than the writes themselves (3 s for 2,000 records)."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (names from models)
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def request_user():
    """Who simple_history's middleware says is making the change (None in a shell or job),
    as HistoricalRecords.get_history_user finds it for a single save."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@dataclass
class Staged:
    obj: object
    sheet: str
    row: int | None
    outcome: object = None  # importer.Outcome, told of a row the database refuses


class Writer:
    """Rows waiting to be written, by model, and the unique keys they claim."""

    def __init__(self, problem):
        self.problem = problem  # Importer.problem(sheet, row, column, message, outcome)
        self.pending: dict[type, list[Staged]] = defaultdict(list)
        self.staged: set[int] = set()  # token() of every object staged
        self.keys: dict[tuple, set] = defaultdict(set)  # (model, fields) -> keys claimed
        self.clearing: dict[type, set[int]] = defaultdict(set)  # model -> deployment ids
        self.taken: dict[type, set[int]] = defaultdict(set)  # ids of the file's kept rows
        # Models whose history the importer writes itself, once their rows are complete (a
        # deployment's technologies are linked after it is written): created rows, by model.
        self.created_later: dict[type, list] = {}

    # Checking

    def check(self, obj, columns: dict[str, str], exclude=()) -> list[tuple[str | None, str]]:
        """[(column, message)] of what keeps this row from being written ([] when nothing).
        Fills in what save() would (the row's point, normalised dates) when it passes."""
        model = type(obj)
        fields = model._meta.concrete_fields
        countries = [f for f in fields if isinstance(f, CountryField)]
        skip = {*exclude, *(f.name for f in fields if f.is_relation), *(f.name for f in countries)}
        try:
            obj.full_clean(exclude=list(skip), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            return field_errors(error, columns)
        errors = [
            (columns.get(f.name, f.name), message)
            for f in countries
            if f.name not in exclude
            for message in _country_errors(obj, f)
        ]
        if errors:
            return errors
        if hasattr(obj, "before_save"):
            obj.before_save()
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                try:
                    refused = holds(constraint.condition, obj) is False
                except _Unknown:
                    refused = False
                    try:
                        constraint.validate(model, obj)
                    except ValidationError:
                        refused = True
                if refused:
                    errors.append((None, constraint.get_violation_error_message()))
        if token(obj) in self.staged:
            return errors  # staged again (a second row of one record): its keys are its own
        for fields, message, column in self._unique_keys(obj):
            key = tuple(_key_part(obj, name) for name in fields)
            if key in self.keys[(model, fields)]:
                errors.append((columns.get(column, column), message))
        return errors

    def _unique_keys(self, obj):
        """(fields, message, column) of each unique field and constraint of the row."""
        model = type(obj)
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                error = obj.unique_error_message(model, (field.name,))
                yield (field.name,), error.messages[0], field.name
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                message = constraint.get_violation_error_message()
                yield tuple(constraint.fields), message, None

    def stage(self, obj, sheet: str, row: int | None, outcome=None) -> None:
        """Insert obj (a new row) with the next batch, once however often it is staged."""
        if token(obj) in self.staged:
            return
        self.staged.add(token(obj))
        model = type(obj)
        for fields, _message, _column in self._unique_keys(obj):
            self.keys[(model, fields)].add(tuple(_key_part(obj, name) for name in fields))
        self.pending[model].append(Staged(obj, sheet, row, outcome))

    def keep_id(self, obj, model, file_id: int | None, existing: set[int]) -> None:
        """Give a new row the file's id when no row has it, in the database (`existing`, the
        file's ids found there) or in this import (so a restore keeps its ids)."""
        if file_id is not None and file_id not in existing and file_id not in self.taken[model]:
            self.taken[model].add(file_id)
            obj.pk = file_id
            obj._id_from_file = True

    @staticmethod
    def existing_ids(model, ids) -> set[int]:
        """Which of these ids the table holds: a query per BATCH ids."""
        found = set()
        for batch in chunks(sorted({i for i in ids if i is not None})):
            found.update(model.objects.filter(pk__in=batch).values_list("pk", flat=True))
        return found

    # Writing

    def clear(self, model, deployment_id: int) -> None:
        """Delete this record's rows of this model before the next batch of them is written."""
        self.clearing[model].add(deployment_id)

    def flush(self, models) -> None:
        """Write every staged row of these models, in this order (referenced models first)."""
        for model in models:
            self._delete_cleared(model)
            staged = self.pending.pop(model, [])
            written = [s.obj for s in self._insert(model, staged)]
            if model in self.created_later:
                self.created_later[model] += written
            else:
                self.history(model, written, "+")

    def _insert(self, model, staged: list[Staged]) -> list[Staged]:
        """Insert the rows (ids kept from the file first); those the database took."""
        if not staged:
            return []
        kept = [s for s in staged if _kept(s)]
        rest = [s for s in staged if not _kept(s)]
        try:
            with transaction.atomic():
                self._bulk_create(model, kept, rest)
            return staged
        except DatabaseError:
            pass
        # Refused: find the rows the database refuses, one savepoint each.
        written = []
        for s in rest:
            s.obj.pk = None
            s.obj._state.adding = True
        for s in [*kept, *rest]:
            try:
                with transaction.atomic():
                    self._bulk_create(model, [s] if _kept(s) else [], [] if _kept(s) else [s])
            except DatabaseError as error:
                if not _kept(s):
                    s.obj.pk = None
                message = f"The database refused this row: {error}"
                self.problem(s.sheet, s.row, None, message, s.outcome)
                continue
            written.append(s)
        return written

    @staticmethod
    def _bulk_create(model, kept: list[Staged], rest: list[Staged]) -> None:
        if kept:
            model.objects.bulk_create([s.obj for s in kept], batch_size=BATCH)
            follow_explicit_ids(model)
        if rest:
            model.objects.bulk_create([s.obj for s in rest], batch_size=BATCH)

    def _delete_cleared(self, model) -> None:
        """Delete the rows clear() named, each with its "-" history row, as delete() would."""
        deployment_ids = sorted(self.clearing.pop(model, ()))
        for batch in chunks(deployment_ids):
            old = list(model.objects.filter(deployment__in=batch))
            self.history(model, old, "-")
            # A plain DELETE: QuerySet.delete() would send two signals and write a history
            # row per row (written above, in bulk).
            model.objects.filter(pk__in=[o.pk for o in old])._raw_delete(connection.alias)

    @staticmethod
    def history(model, objs: list, kind: str) -> list:
        """One historical row per object ("+" created, "~" changed, "-" deleted), stamped
        with the import's Edit and reason: simple_history's bulk_history_create, which
        cannot write "-" rows nor stamp an Edit."""
        if not objs:
            return []
        historical = model.history.model
        edit, user, now = edits.edit_for_rows(), request_user(), timezone.now()
        rows = [
            historical(
                history_date=now,
                history_type=kind,
                history_change_reason=CHANGE_REASON,
                history_user=user,
                edit=edit,
                **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
            )
            for obj in objs
        ]
        return historical.objects.bulk_create(rows, batch_size=BATCH)


def _kept(staged: Staged) -> bool:
    return getattr(staged.obj, "_id_from_file", False)


def follow_explicit_ids(model) -> None:
    """Move PostgreSQL's id sequence past ids inserted explicitly, at once: the next row
    without a free file id must not be given one of them. Never lowers the sequence."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows explicit ids by itself
    table = model._meta.db_table
    highest = model.objects.aggregate(highest=Max("id"))["highest"] or 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "GREATEST(%s, nextval(pg_get_serial_sequence(%s, 'id'))))",
            [table, highest, table],
        )
