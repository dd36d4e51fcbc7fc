"""A record's history as whole versions: the record with all its costs, events, locations,
roles, legal bases, assessments and citations, as they stood after each change.

Nothing new is stored: every row's history is already kept (django-simple-history), and each
historical row carries the Edit that wrote it (core/edits.py). history() replays those rows
in order and gives the state after each edit; changes() says what differs between two states,
old → new, in words the public can read; restore() writes a state back through the ORM, so a
revert is itself an edit with its own history, and derived.py refreshes what depends on it.

Shared entries (organisations, sources, technologies) are named as they are now: a rename is
an edit of the organisation, kept in the organisation's own history.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.db import transaction

from deployments.core import dates
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Edit,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Response,
    Source,
    Technology,
)

# The record's child rows, by relation name (register.zip's table names too), with the word the
# change log uses for each: the one list of what a deployment is made of.
CHILDREN = {
    "involvements": (Involvement, "organisation role"),
    "locations": (Location, "location"),
    "costs": (Cost, "cost"),
    "events": (Event, "event"),
    "legal_bases": (LegalBasis, "legal basis"),
    "impact_assessments": (ImpactAssessment, "impact assessment"),
    "citations": (Citation, "citation"),
    "responses": (Response, "response"),
}

_HISTORY_ONLY = {"history_id", "history_date", "history_change_reason", "history_type"}
_HISTORY_ONLY |= {"history_user_id", "edit_id"}
# Kept by the record itself, never restored: when it was made, saved, published, withdrawn.
_STAMPS = {"id", "created", "updated", "published_at", "withdrawn_at", "end_latest"}
# What the public change log names: the record's public fields (never who, never the
# publication state or the withdrawal, which the record's own page shows).
_NOT_PUBLIC = _STAMPS | {"publication", "withdrawal_reason", "replaced_by_id"}
# Longer texts are cut in the change log, marked with an ellipsis.
SHOWN_CHARACTERS = 200


@dataclass
class State:
    """What a record was after one edit."""

    at: dt.datetime
    edit: Edit | None = None
    edit_id: int | None = None
    record: dict = field(default_factory=dict)  # the record's own fields, by attname
    technologies: tuple = ()
    children: dict = field(default_factory=dict)  # relation -> {row id: {attname: value}}
    deleted: bool = False
    number: int | None = None  # its number among the published states, from 1
    index: int = 0  # its place among all the record's states, from 1
    # The record's own historical rows this state includes (simple_history's revert links).
    record_history_ids: set = field(default_factory=set)

    @property
    def published(self) -> bool:
        return not self.deleted and self.record.get("publication") == "published"

    def content(self) -> tuple:
        """What a reader could see differ: two states equal in this are one version."""
        own = {k: v for k, v in self.record.items() if k not in _STAMPS}
        children = {relation: rows for relation, rows in self.children.items() if rows}
        return (own, self.technologies, children, self.deleted)


def history(deployment_id: int) -> list[State]:
    """Every state the record had, oldest first: one per edit that changed what it says.

    A fixed number of queries (one per kind of row), however long the history.
    """
    rows = []  # (date, history id, relation or None, historical values)
    for relation, (model, _label) in (("", (Deployment, "")), *CHILDREN.items()):
        manager = model.history.filter(**{"id" if not relation else "deployment_id": deployment_id})
        for values in manager.values():
            rows.append((values["history_date"], relation, values["history_id"], values))
    technologies = {}
    through = apps.get_model("deployments", "HistoricalDeployment_technologies")
    for history_id, technology_id in through.objects.filter(history__id=deployment_id).values_list(
        "history_id", "technology_id"
    ):
        technologies.setdefault(history_id, []).append(technology_id)

    # One change is the rows of one edit; a row written outside any edit is one by itself.
    def change_of(row):
        values = row[3]
        return values["edit_id"] or f"{row[1]}:{values['history_id']}"

    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    first_seen = {}
    for row in rows:
        first_seen.setdefault(change_of(row), row[0])
    rows.sort(key=lambda row: (first_seen[change_of(row)], str(change_of(row)), row[0], row[2]))

    states = []
    current = State(at=rows[0][0] if rows else None)
    edits = Edit.objects.in_bulk({row[3]["edit_id"] for row in rows if row[3]["edit_id"]})
    for key, group in groupby(rows, key=change_of):
        group = list(group)
        state = State(
            at=group[-1][0],
            edit_id=key if isinstance(key, int) else None,
            record=dict(current.record),
            technologies=current.technologies,
            children={relation: dict(kept) for relation, kept in current.children.items()},
            deleted=current.deleted,
        )
        state.edit = edits.get(state.edit_id)
        for _date, relation, history_id, values in group:
            fields = {k: v for k, v in values.items() if k not in _HISTORY_ONLY}
            if not relation:
                state.deleted = values["history_type"] == "-"
                state.record = fields
                state.record_history_ids.add(history_id)
                state.technologies = tuple(sorted(technologies.get(history_id, ())))
            elif values["history_type"] == "-":
                state.children.setdefault(relation, {}).pop(fields["id"], None)
            else:
                state.children.setdefault(relation, {})[fields["id"]] = fields
        if not state.record:
            continue  # child rows written before the record's first history row
        if states and state.content() == states[-1].content():
            states[-1].at, states[-1].edit, states[-1].edit_id = state.at, state.edit, state.edit_id
            states[-1].record_history_ids |= state.record_history_ids
            continue
        states.append(state)
        current = state
    number = 0
    for index, state in enumerate(states, 1):
        state.index = index
        if state.published:
            number += 1
            state.number = number
    return states


def published_versions(deployment_id: int) -> list[State]:
    return [state for state in history(deployment_id) if state.published]


# What a change says of a row of each kind: its name, and what it says of it.
def names_for(states: list[State]) -> dict:
    """The names of the shared entries these states point at: one query per kind."""
    ids = {"organisation_id": set(), "source_id": set()}
    technology_ids = set()
    for state in states:
        technology_ids.update(state.technologies)
        for rows in state.children.values():
            for row in rows.values():
                for key, found in ids.items():
                    if row.get(key):
                        found.add(row[key])
    return {
        "organisation_id": dict(
            Organisation.objects.filter(pk__in=ids["organisation_id"]).values_list("pk", "name")
        ),
        "source_id": dict(
            Source.objects.filter(pk__in=ids["source_id"]).values_list("pk", "title")
        ),
        "technologies": dict(
            Technology.objects.filter(pk__in=technology_ids).values_list("pk", "name")
        ),
    }


def _cut(text) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def _row_words(relation: str, row: dict, names: dict) -> tuple[str, str]:
    """(name, what it says) of a child row, as a reader would tell it apart and read it."""
    model = CHILDREN[relation][0]
    instance = model(**{k: v for k, v in row.items() if k != "deployment_id"})
    organisation = names["organisation_id"].get(row.get("organisation_id"), "a removed entry")
    row_organisation = organisation if row.get("organisation_id") else ""
    source = names["source_id"].get(row.get("source_id"), "")
    i, r = instance, row
    words = {
        "involvements": lambda: (organisation, [i.get_role_display(), r.get("note")]),
        "locations": lambda: (
            r.get("name"),
            [
                i.get_precision_display(),
                i.country_names,
                _point_words(r),
            ],
        ),
        "costs": lambda: (
            i.get_covers_display().lower() if r.get("covers") else "cost",
            [i.display(), r.get("period")],
        ),
        "events": lambda: (
            i.get_kind_display(),
            [dates.display(r.get("date"), r.get("date_precision")), r.get("description")],
        ),
        "legal_bases": lambda: (
            r.get("instrument") or i.get_instrument_type_display(),
            [i.get_status_display(), r.get("provision")],
        ),
        "impact_assessments": lambda: (
            i.get_kind_display(),
            [
                i.get_availability_display(),
                dates.display(r.get("date"), r.get("date_precision"), unknown="undated"),
            ],
        ),
        "citations": lambda: (source, [i.get_claim_display(), r.get("locator"), r.get("quote")]),
        "responses": lambda: (
            ", ".join(x for x in (r.get("person"), row_organisation) if x),
            [
                i.get_kind_display(),
                dates.display(r.get("date"), r.get("date_precision"), unknown="undated"),
                r.get("summary"),
            ],
        ),
    }
    name, said = words[relation]()
    return _cut(name), _cut("; ".join(str(part) for part in said if part))


def _point_words(row: dict) -> str:
    """A location's map shape, as its representative point: a redrawn shape moves it."""
    if row.get("latitude") is None:
        return ""
    return f"mapped at {row['latitude']:.4f}, {row['longitude']:.4f}"


def _field_words(name: str, record: dict, names: dict) -> str:
    model_field = Deployment._meta.get_field(name)
    value = record.get(model_field.attname)
    if name in ("start_date", "end_date"):
        prefix = name.removesuffix("_date")
        return dates.display(value, record.get(f"{prefix}_precision"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _cut(value) if value not in (None, "") else "(empty)"


def _public_fields() -> list[str]:
    return [
        f.name
        for f in Deployment._meta.concrete_fields
        if f.editable and f.attname not in _NOT_PUBLIC and not f.name.endswith("_precision")
    ]


@dataclass(frozen=True)
class Difference:
    """One field or row that differs: what it is, and what it said before and after."""

    what: str  # "Summary", "Cost “contract value”"
    before: str | None  # None: the row was added
    after: str | None  # None: the row was removed

    def line(self) -> str:
        if self.before is None:
            return f"{self.what} added: {self.after}"
        if self.after is None:
            return f"{self.what} removed (was: {self.before})"
        return f"{self.what}: {self.before} → {self.after}"


def differences(old: State | None, new: State, names: dict | None = None) -> list[Difference]:
    """What differs from old to new, field by field and row by row, in public words."""
    names = names if names is not None else names_for([s for s in (old, new) if s])
    old = old or State(at=new.at)
    found = []
    for name in _public_fields():
        if name in ("start_date", "end_date"):
            keys = (name, f"{name.removesuffix('_date')}_precision")
        else:
            keys = (Deployment._meta.get_field(name).attname,)
        if all(old.record.get(k) == new.record.get(k) for k in keys):
            continue
        label = str(Deployment._meta.get_field(name).verbose_name)
        before = _field_words(name, old.record, names) if old.record else "(none)"
        after = _field_words(name, new.record, names)
        found.append(Difference(label[:1].upper() + label[1:], before, after))
    if old.technologies != new.technologies:

        def listed(ids):
            return ", ".join(sorted(names["technologies"].get(i, "?") for i in ids)) or "(none)"

        found.append(Difference("Technologies", listed(old.technologies), listed(new.technologies)))
    for relation, (_model, label) in CHILDREN.items():
        before = old.children.get(relation, {})
        after = new.children.get(relation, {})
        kind = label[:1].upper() + label[1:]
        for row_id in sorted(before.keys() | after.keys()):
            if before.get(row_id) == after.get(row_id):
                continue
            if row_id not in before:
                name, said = _row_words(relation, after[row_id], names)
                found.append(Difference(f"{kind} “{name}”", None, said))
            elif row_id not in after:
                name, said = _row_words(relation, before[row_id], names)
                found.append(Difference(f"{kind} “{name}”", said, None))
            else:
                old_name, old_said = _row_words(relation, before[row_id], names)
                new_name, new_said = _row_words(relation, after[row_id], names)
                if old_name != new_name:
                    what = f"{kind} “{old_name}” → “{new_name}”"
                    found.append(Difference(what, old_said, new_said))
                elif old_said != new_said:
                    found.append(Difference(f"{kind} “{new_name}”", old_said, new_said))
                # Otherwise only what the public does not see differs (an ordering field).
    return found


def changes(old: State | None, new: State, names: dict | None = None) -> list[str]:
    """What differs from old to new, one line per field or row, old → new."""
    return [difference.line() for difference in differences(old, new, names)]


def public_change_log(deployment_id: int) -> list[dict]:
    """Each published version, newest first: {"date", "version", "what", "changes"}.

    The first version of a run of publication says "Published" and, when the record had been
    published before, what differs from the last version then. Never who made a change.
    """
    states = history(deployment_id)
    names = names_for(states)
    entries = []
    previous_published = None
    was_published = False
    for state in states:
        if state.published:
            lines = changes(previous_published, state, names) if previous_published else []
            if not was_published:
                what = "Published again" if previous_published else "Published"
            else:
                what = "Changed"
            if lines or not was_published:
                entries.append(
                    {"date": state.at, "version": state.number, "what": what, "changes": lines}
                )
            previous_published = state
        was_published = state.published
    entries.reverse()
    return entries


@dataclass
class Restored:
    """What restore() did: the lines of the change it made, and rows it could not restore."""

    changes: list[str]
    skipped: list[str]


def restore(target: State, *, deployment: Deployment | None = None, keep_publication=True):
    """Make the record say what target says: its own fields, technologies and every child
    row, through the ORM (history, signals and derived data follow as for any edit).

    deployment: the record now (None when it was deleted: it is made again, with its id).
    keep_publication: a revert changes what the record says, not whether it is public.
    """
    with transaction.atomic():
        before = current_state(deployment) if deployment is not None else State(at=target.at)
        fields = {k: v for k, v in target.record.items() if k not in _STAMPS}
        if deployment is None:
            deployment = Deployment(id=target.record["id"])
            fields["published_at"] = target.record.get("published_at")
        if keep_publication and deployment.pk and not deployment._state.adding:
            fields.pop("publication", None)
        if (
            fields.get("replaced_by_id")
            and not Deployment.objects.filter(pk=fields["replaced_by_id"]).exists()
        ):
            fields["replaced_by_id"] = None
        for name, value in fields.items():
            setattr(deployment, name, value)
        deployment.save()
        skipped = []
        existing = set(
            Technology.objects.filter(pk__in=target.technologies).values_list("pk", flat=True)
        )
        deployment.technologies.set(sorted(existing))
        skipped += [
            f"technology {pk} (deleted since)" for pk in target.technologies if pk not in existing
        ]
        for relation, (model, label) in CHILDREN.items():
            wanted = target.children.get(relation, {})
            rows = {row.pk: row for row in model.objects.filter(deployment=deployment)}
            for row_id, row in rows.items():
                if row_id not in wanted:
                    row.delete()
            for row_id, values in wanted.items():
                values = {k: v for k, v in values.items() if k != "deployment_id"}
                missing = _missing_shared(values)
                if missing:
                    skipped.append(f"a {label} that names {missing} (deleted since)")
                    continue
                row = rows.get(row_id)
                if row is None:
                    taken = model.objects.filter(pk=row_id).exists()
                    row = model(deployment=deployment, **({} if taken else {"id": row_id}))
                    values.pop("id", None)
                changed = False
                for name, value in values.items():
                    if getattr(row, name) != value:
                        setattr(row, name, value)
                        changed = True
                if changed or row.pk is None or row._state.adding:
                    row.save()
        after = current_state(deployment)
        return Restored(changes(before, after), skipped)


def _missing_shared(values: dict) -> str:
    for key, model, word in (
        ("organisation_id", Organisation, "an organisation"),
        ("source_id", Source, "a source"),
    ):
        if values.get(key) and not model.objects.filter(pk=values[key]).exists():
            return word
    return ""


def current_state(deployment: Deployment) -> State:
    """The record as its tables hold it now, in the form history() gives."""
    record = {
        f.attname: getattr(deployment, f.attname)
        for f in Deployment._meta.concrete_fields
        if f.name not in ("search_text", "search_refs", "search_vector")
    }
    children = {}
    for relation, (model, _label) in CHILDREN.items():
        attnames = [f.attname for f in model._meta.concrete_fields]
        children[relation] = {
            row["id"]: row for row in model.objects.filter(deployment=deployment).values(*attnames)
        }
    technologies = tuple(sorted(deployment.technologies.values_list("pk", flat=True)))
    return State(at=deployment.updated, record=record, technologies=technologies, children=children)


def to_json(state: State) -> dict:
    """A state as JSON (DjangoJSONEncoder writes the dates and decimals), for a revision."""
    return {
        "record": state.record,
        "technologies": list(state.technologies),
        "children": {relation: list(rows.values()) for relation, rows in state.children.items()},
    }


def from_json(data: dict, *, at=None) -> State:
    """The state to_json() wrote, each value read back by its model field."""

    def read(model, values: dict) -> dict:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        return {k: fields[k].to_python(v) for k, v in values.items() if k in fields}

    children = {
        relation: {row["id"]: read(CHILDREN[relation][0], row) for row in rows}
        for relation, rows in data["children"].items()
    }
    return State(
        at=at,
        record=read(Deployment, data["record"]),
        technologies=tuple(data["technologies"]),
        children=children,
    )
