"""Admin forms: the rules of data entry that are about who edits, not about the data itself."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.fields import InvalidJSONInput
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from deployments.core import dates, geo, versions
from deployments.core.dates import Precision
from deployments.editing.widgets import GeoJSONMapWidget
from deployments.models import Deployment, Location, Organisation

Publication = Deployment.Publication

# What only an editor may move a record into, or out of: both change what the public sees.
PUBLIC_STATES = {Publication.PUBLISHED, Publication.WITHDRAWN}
RESEARCHER_STATES = [Publication.DRAFT, Publication.REVIEW]
EDITORS_ONLY = (
    "Only an editor can publish or withdraw a deployment: leave it in draft or in review, "
    "and ask an editor."
)
NEEDS_REASON = (
    "Give the public reason for withdrawal: it is shown at the record’s address, so that "
    "whoever cited the record learns what happened to it."
)
NEEDS_CHANGE_REASON = (
    "Say why you are changing a published record: the reason is kept with this version in "
    "its history."
)
LOST_UPDATE = (
    "This record was saved by {who} at {at}, after you opened it, so your changes were not "
    "saved: they would have undone theirs. What they changed: {lines}. Open the record again "
    "to see their version, then make your change."
)
NEEDS_CITATION = "A published deployment needs at least one source: add a citation."
BAD_GEOJSON_TEXT = (
    "The geometry is not valid JSON. Draw it on the map, or paste a GeoJSON geometry such as "
    '{"type": "Point", "coordinates": [-0.1276, 51.5072]} (longitude first).'
)


class TypedDateField(forms.CharField):
    """An imprecise date typed as a person writes it; cleans to (date, precision) or None."""

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return dates.parse_typed(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class TypedDatesForm(forms.ModelForm):
    """A model's imprecise dates (its `imprecise_dates`) typed as text: "2022", "July 2022",
    "14 October 2024"... The precision is read from the text and the date shown back at it;
    a precision chosen as well may only be coarser ("14 October 2024", known to the month)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, precision, _label in self._meta.model.imprecise_dates:
            if name not in self.fields:
                continue
            model_field = self.fields[name]
            self.fields[name] = TypedDateField(
                label=model_field.label,
                required=model_field.required,
                help_text=f"As you would write it: {dates.TYPED_FORMATS}.",
            )
            # A tabular row's name for its input (admin.LabelledTabularInline), kept.
            named = {k: v for k, v in model_field.widget.attrs.items() if k == "aria-label"}
            self.fields[name].widget.attrs.update(named)
            if precision in self.fields:
                chosen = self.fields[precision]
                chosen.required = False
                chosen.choices = [("", "as typed"), *Precision.choices]
                chosen.help_text = "Leave “as typed”, or choose a coarser one."
            if not self.is_bound:
                value = getattr(self.instance, name)
                known = getattr(self.instance, precision)
                self.initial[name] = dates.display(value, known, unknown="") if value else ""
                self.initial[precision] = ""

    def clean(self):
        cleaned_data = super().clean()
        for name, precision, label in self._meta.model.imprecise_dates:
            if name not in self.fields or name not in cleaned_data:
                continue
            typed, chosen = cleaned_data[name], cleaned_data.get(precision) or ""
            if typed is None:
                cleaned_data[name] = None
                cleaned_data[precision] = chosen or Precision.UNKNOWN
                continue
            value, read = typed
            if chosen and dates.PRECISION_RANK[chosen] < dates.PRECISION_RANK[read]:
                self.add_error(
                    precision,
                    f"“{dates.display(value, read)}” is known to the {read.label.lower()}: "
                    f"choose “as typed”, or type the {label} more precisely.",
                )
                del cleaned_data[name]
                continue
            cleaned_data[name] = value
            cleaned_data[precision] = chosen or read
        return cleaned_data


class DeploymentForm(TypedDatesForm):
    """Base form for DeploymentAdmin (which supplies Meta: model and fields)."""

    # Set by DeploymentAdmin.get_form for the user making the request.
    can_publish = False

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed for a published record; kept with the version in its history, "
        "never shown to the public.",
    )

    # The record's latest state when the form was opened (core/versions.py): a save based on
    # an older one would silently undo what someone else saved meanwhile.
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["based_on"].initial = len(versions.history(self.instance.pk))

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        # A former public address of another record redirects there (explore/records.py):
        # giving it to this one would send every old link to the wrong record.
        former = Deployment.history.filter(slug=slug, publication=Publication.PUBLISHED)
        owner = (
            Deployment.objects.filter(pk__in=former.values("id"))
            .exclude(pk=self.instance.pk)
            .exclude(slug=slug)
            .first()
        )
        if owner is not None:
            raise ValidationError(
                f"“{slug}” was the public address of “{owner}”, and its old links still lead "
                "there: choose another slug."
            )
        return slug

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self._refuse_a_lost_update(cleaned_data.get("based_on"))
        current = self._saved_publication()
        reverting = getattr(self.instance, "_history", None) is not None
        if (
            current == Publication.PUBLISHED
            and not reverting
            and not cleaned_data.get("change_reason", "").strip()
        ):
            self.add_error("change_reason", NEEDS_CHANGE_REASON)
        # Without the field (read-only, or a rejected choice) the instance's value stands; on a
        # revert that is the old version's value, which is exactly what needs checking.
        new = cleaned_data.get("publication", self.instance.publication)
        field = "publication" if "publication" in self.fields else None
        if not self.can_publish and new != current and {new, current} & PUBLIC_STATES:
            self.add_error(field, EDITORS_ONLY)
        reason = cleaned_data.get("withdrawal_reason", self.instance.withdrawal_reason)
        if new == Publication.WITHDRAWN and not reason.strip():
            self.add_error(
                "withdrawal_reason" if "withdrawal_reason" in self.fields else field, NEEDS_REASON
            )
        # A revert saves no inline rows, so the citations it publishes with are the saved ones.
        # (On the change form the Citation inline's formset checks the rows being submitted.)
        if reverting and new == Publication.PUBLISHED and current != Publication.PUBLISHED:
            for problem in self.instance.publication_problems():
                self.add_error(field, problem)
        return cleaned_data

    def _refuse_a_lost_update(self, based_on: int | None) -> None:
        if transaction.get_connection().in_atomic_block:  # as the admin's save always is
            # Two saves at once: the second waits here for the first to commit, then reads
            # the version it made, and is refused, rather than both reading the same one.
            Deployment.objects.select_for_update().filter(pk=self.instance.pk).exists()
        states = versions.history(self.instance.pk)
        if based_on is None or based_on >= len(states):
            return
        since, now = states[based_on - 1] if based_on else None, states[-1]
        who = now.edit.user if now.edit and now.edit.user else "someone else"
        lines = versions.changes(since, now) or ["nothing a reader would see"]
        raise ValidationError(
            LOST_UPDATE.format(who=who, at=f"{now.at:%d %B %Y %H:%M}", lines="; ".join(lines)),
            code="lost_update",
        )

    def _saved_publication(self) -> str | None:
        if self.instance.pk is None:
            return None
        saved = Deployment.objects.filter(pk=self.instance.pk)
        return saved.values_list("publication", flat=True).first()


class OrganisationForm(forms.ModelForm):
    """An organisation's name close to one already entered is asked about, not saved blindly:
    "Buddi Limited" beside "Buddi" splits one body's deployments in two."""

    different = forms.BooleanField(
        label="It is a different organisation",
        required=False,
        help_text="Only asked for when saving finds a similar name already in the register: "
        "tick it if this is another body.",
    )

    def clean(self):
        cleaned_data = super().clean()
        name = cleaned_data.get("name")
        if name and not cleaned_data.get("different") and "name" in self.changed_data:
            similar = Organisation.objects.like(name, exclude_pk=self.instance.pk)
            if similar:
                links = ", ".join(
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse("admin:deployments_organisation_change", args=[o.pk]),
                        o.name,
                    )
                    for o in similar
                )
                self.add_error(
                    "name",
                    mark_safe(  # noqa: S308 (format_html escaped each name and address)
                        f"The register already has {links}: choose it in the record instead, "
                        "or tick “It is a different organisation” below if this is another body."
                    ),
                )
        return cleaned_data


class WithdrawalForm(forms.Form):
    """The withdraw action's question: why, and what replaces the records (optional)."""

    reason = forms.CharField(
        label="Public reason for withdrawal",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Shown at each record’s address, which keeps answering with this reason.",
        error_messages={"required": NEEDS_REASON},
    )
    replaced_by = forms.CharField(
        label="Replaced by (optional)",
        required=False,
        help_text="The slug or public address of the published record that replaces them.",
    )

    def __init__(self, *args, withdrawing, **kwargs):
        super().__init__(*args, **kwargs)
        self.withdrawing = withdrawing

    def clean_replaced_by(self):
        given = self.cleaned_data["replaced_by"].strip()
        if not given:
            return None
        slug = given.rstrip("/").rsplit("/", 1)[-1]
        replacement = Deployment.objects.published().filter(slug=slug).first()
        if replacement is None:
            raise ValidationError(
                f"No published deployment has the slug “{slug}”: copy it from the record’s "
                "address, or leave this empty."
            )
        if replacement in self.withdrawing:
            raise ValidationError("That record is one of those being withdrawn.")
        return replacement


class CitationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # self.instance is the deployment as submitted (not saved yet), with the chosen
        # publication; the citations that will exist are the rows not marked for deletion.
        if self.instance.publication != Publication.PUBLISHED:
            return
        remaining = [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]
        if not remaining:
            raise ValidationError(NEEDS_CITATION)


class GeometryJSONField(forms.JSONField):
    """GeoJSON text that cannot crash the parser: Python's json recurses once per bracket, so
    text nested thousands deep raised RecursionError (a 500) instead of a field error, and so
    did a number of thousands of digits (ValueError)."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) > geo.MAX_JSON_CHARS:
            raise ValidationError(geo.TOO_LARGE, code="unreadable")
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(geo.TOO_DEEP, code="unreadable") from None
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def bound_data(self, data, initial):
        # Showing the refused text back parses it again.
        try:
            return super().bound_data(data, initial)
        except (RecursionError, ValueError):
            return InvalidJSONInput(data)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "country", "countries", "precision", "geometry"]
        widgets = {"geometry": GeoJSONMapWidget}
        field_classes = {"geometry": GeometryJSONField}
        error_messages = {"geometry": {"invalid": BAD_GEOJSON_TEXT}}

    def full_clean(self):
        super().full_clean()
        # When the text could not be read the model's clean() sees no geometry at all and adds
        # "an exact site needs a geometry: draw it", which is wrong advice: one was typed.
        if self.has_error("geometry", "invalid"):
            self.errors["geometry"] = self.error_class([BAD_GEOJSON_TEXT])
        elif self.has_error("geometry", "unreadable"):
            errors = self.errors.as_data()["geometry"]
            self.errors["geometry"] = self.error_class(
                [e for e in errors if e.code == "unreadable"]
            )

    def clean_geometry(self):
        geometry = self.cleaned_data["geometry"]
        # geojson.io and GIS tools export a Feature or a FeatureCollection: keep just the shape,
        # so a pasted export works; anything else is left for geo.validate to explain.
        if isinstance(geometry, dict) and geometry.get("type") == "FeatureCollection":
            features = geometry.get("features")
            if isinstance(features, list) and len(features) == 1:
                geometry = features[0]
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        return geometry
