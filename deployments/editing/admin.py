"""Data entry: a whole deployment on one page, with a revertible history of every edit.

Researchers add and edit; editors also publish, withdraw and delete (groups made by migration
0002_groups). The publication rules live in forms.py; this module wires them in.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from deployments.core import edits, versions
from deployments.editing import review
from deployments.editing.forms import (
    EDITORS_ONLY,
    RESEARCHER_STATES,
    CitationFormSet,
    DeploymentForm,
    LocationForm,
    OrganisationForm,
    TypedDatesForm,
    WithdrawalForm,
)
from deployments.editing.merge import merge as merge_organisations
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Response,
    Revision,
    Source,
    Technology,
)

Publication = Deployment.Publication


class HistoryAdmin(SimpleHistoryAdmin):
    """Every save, delete and action is one Edit, with who made it (core/edits.py). A save
    kept aside for review (editing/review.py) says so, and shows the proposed change."""

    def log_change(self, request, obj, message):
        # A proposal changed nothing: "Changed" in Recent actions would say it did. The
        # Revision is its record, and the admin home lists it.
        if getattr(request, "review_revision", None) is not None:
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        revision = getattr(request, "review_revision", None)
        if revision is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            "Your change was sent to an editor for review. The public keeps seeing the "
            "published version until an editor approves it; you will see the outcome here.",
            messages.SUCCESS,
        )
        return redirect("admin:deployments_revision_change", revision.pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with edits.recording(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with edits.recording(request.user):
            return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        with edits.recording(request.user):
            return super().changelist_view(request, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history only checks view permission, and a revert is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        with edits.recording(request.user, "Reverted to an earlier version."):
            return super().history_form_view(request, object_id, version_id, extra_context)


class SharedEntryAdmin(HistoryAdmin):
    """Organisations, technologies and sources: what published records show of them changes
    only by an editor's hand, as the importer already requires. A researcher's change to one
    that a published record shows is kept aside for an editor (review.propose_entry)."""

    def _proposes(self, request, obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        if request.user.has_perm("deployments.publish_deployment"):
            return False
        return review.shown_by_a_published_record(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._proposes(request, obj):
            kwargs["form"] = proposal_form(kwargs.get("form", self.form))
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._proposes(request, obj) and "change_reason" not in fields:
            fields = [*fields, "change_reason"]
        return fields

    def save_model(self, request, obj, form, change):
        if change and self._proposes(request, obj):
            reason = form.cleaned_data["change_reason"]
            request.review_revision = review.propose_entry(request.user, form, reason)
            return  # nothing public changes until an editor approves it
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "review_revision", None) is None:
            super().save_related(request, form, formsets, change)


def proposal_form(base):
    """The entry's form, asking why: what an editor reads before approving."""

    class Proposal(base):
        change_reason = forms.CharField(
            label="Reason for the change",
            widget=Textarea(attrs={"rows": 2, "cols": 60}),
            help_text="A published record shows this entry, so an editor reviews your change "
            "before anyone sees it. Say what the source says, for the editor.",
        )

        def clean(self):
            cleaned_data = super().clean()
            if not [name for name in self.changed_data if name != "change_reason"]:
                raise ValidationError("Nothing was changed.")
            return cleaned_data

    return Proposal


class NamedEntryAdmin(SharedEntryAdmin):
    """Technologies and organisations: a name, a stable public slug, and their deployments."""

    def get_prepopulated_fields(self, request, obj=None):
        # Only on add: the slug is a public URL, so it is not rewritten when the name is.
        return {"slug": ["name"]} if obj is None else {}

    def get_queryset(self, request):
        # distinct: a list filter joining deployments again, or an organisation with two roles
        # in one deployment, would otherwise multiply the count.
        deployments = Count("deployments", distinct=True)
        return super().get_queryset(request).annotate(deployment_count=deployments)

    @admin.display(description="deployments", ordering="deployment_count")
    def deployment_count(self, obj):
        return obj.deployment_count


@admin.register(Technology)
class TechnologyAdmin(NamedEntryAdmin):
    list_display = ["name", "slug", "deployment_count"]
    list_filter = ["deployments__publication"]
    search_fields = ["name", "description"]


@admin.register(Organisation)
class OrganisationAdmin(NamedEntryAdmin):
    form = OrganisationForm
    actions = ["merge"]

    @admin.action(
        description="Merge the selected organisation into another", permissions=["delete"]
    )
    def merge(self, request, queryset):
        """Asks which organisation to keep (by its slug), then moves every link to it."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one organisation to merge.", messages.ERROR)
            return None
        duplicate = queryset.get()
        kept_slug = request.POST.get("kept", "").strip()
        kept = Organisation.objects.filter(slug=kept_slug).exclude(pk=duplicate.pk).first()
        if "confirm" in request.POST and kept is not None:
            with edits.recording(request.user, f"Merged “{duplicate}” into “{kept}”."):
                result = merge_organisations(duplicate, kept)
            self.message_user(
                request,
                f"Merged “{duplicate}” into “{kept}”: {result.moved} link(s) moved, "
                f"{result.dropped} duplicate role(s) dropped. Its old address redirects.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge “{duplicate}” into another organisation",
            "opts": self.model._meta,
            "duplicate": duplicate,
            "similar": Organisation.objects.like(duplicate.name, exclude_pk=duplicate.pk),
            "kept_slug": kept_slug,
            "unknown": "confirm" in request.POST and kept is None,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/deployments/organisation/merge.html", context)

    list_display = ["name", "kind", "country", "website", "deployment_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "description", "website"]


@admin.register(Source)
class SourceAdmin(SharedEntryAdmin):
    form = TypedDatesForm
    list_display = ["title", "publisher", "source_type", "published_on", "url"]
    list_filter = ["source_type", "published_precision"]
    search_fields = ["title", "publisher", "url", "notes"]
    fields = [
        "title",
        "publisher",
        "source_type",
        "url",
        "archive_url",
        ("published", "published_precision"),
        "accessed",
        "notes",
    ]

    @admin.display(description="published", ordering="published")
    def published_on(self, obj):
        return obj.published_display


class FirstSourceFirst:
    """A new claim's source starts as the record's first cited source: most of a record's
    claims come from the one article it was built from, so it is chosen once, at the top
    (CitationInline comes first), not six times. On a new record, which cites nothing yet,
    a claim left without one takes it when saved (DeploymentAdmin.save_related)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        source = formset.form.base_fields.get("source")
        if source is None:
            return formset
        if obj is not None:
            first = obj.citations.order_by("id").values_list("source_id", flat=True)
            source.initial = first.first()
            return formset
        if self.model is Citation:
            return formset  # where the first source is chosen
        source.required, source.help_text = False, FIRST_SOURCE_HELP
        optional = self.model._meta.get_field("source").null  # a role may name no source

        class TakesTheFirstSource(formset):
            def clean(self):
                super().clean()
                if optional or _cites_a_source(self.data):
                    return
                for form in self.forms:
                    data = getattr(form, "cleaned_data", None)
                    if data and not data.get("DELETE") and data.get("source") is None:
                        form.add_error("source", NO_FIRST_SOURCE)

        return TakesTheFirstSource


FIRST_SOURCE_HELP = "Left empty: the first source under “Sources cited”."
NO_FIRST_SOURCE = "Choose its source, or cite one under “Sources cited” for it to take."


def _cites_a_source(data) -> bool:
    """Whether the posted page cites a source (a citation row that is not being deleted)."""
    total = data.get("citations-TOTAL_FORMS", "0")
    # isdigit() also accepts "²"; a formset never reads more than its absolute maximum.
    rows = range(min(int(total), 1000)) if total.isascii() and total.isdigit() else ()
    return any(
        data.get(f"citations-{i}-source") and not data.get(f"citations-{i}-DELETE") for i in rows
    )


def default_to_the_first_source(formsets) -> None:
    """On a new record: each claim left without a source takes the first one cited."""
    by_model = {formset.model: formset for formset in formsets}
    cited = [
        form.cleaned_data.get("source")
        for form in by_model[Citation].forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    first = next((source for source in cited if source is not None), None)
    if first is None:
        return
    for model, formset in by_model.items():
        if model is Citation or "source" not in formset.form.base_fields:
            continue
        for form in formset.forms:
            data = form.cleaned_data
            if data and not data.get("DELETE") and data.get("source") is None:
                form.instance.source = first


class ResponseInline(FirstSourceFirst, admin.StackedInline):
    model = Response
    form = TypedDatesForm
    fields = [
        "kind",
        ("organisation", "person"),
        ("date", "date_precision"),
        "summary",
        "quote",
        "source",
    ]
    autocomplete_fields = ["organisation", "source"]
    extra = 0


class LabelledTabularInline(FirstSourceFirst, admin.TabularInline):
    """A table of rows whose inputs each carry their name: a column heading is not a label,
    so a screen reader would otherwise announce a row of unnamed boxes."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", capfirst(str(db_field.verbose_name)))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        row = self.verbose_name

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete this {row}"

        return Labelled


# Tabular rows stay one line high; a full-size textarea would make each row a screen tall.
SMALL_TEXTAREAS = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 24})}}


class LocationInline(admin.StackedInline):
    model = Location
    form = LocationForm
    fields = ["name", "country", "countries", "precision", "geometry", ("latitude", "longitude")]
    readonly_fields = ["latitude", "longitude"]

    def get_extra(self, request, obj=None, **kwargs):
        # One blank map to draw on when adding; "Add another" brings more.
        return 1 if obj is None else 0


class InvolvementInline(LabelledTabularInline):
    model = Involvement
    verbose_name = "organisation role"
    fields = ["organisation", "role", "note", "source"]
    autocomplete_fields = ["organisation", "source"]
    extra = 0


class CostInline(LabelledTabularInline):
    model = Cost
    fields = ["amount", "currency", "qualifier", "covers", "period", "source", "quote"]
    autocomplete_fields = ["source"]
    formfield_overrides = SMALL_TEXTAREAS
    extra = 0


class EventInline(LabelledTabularInline):
    model = Event
    form = TypedDatesForm
    fields = ["kind", "date", "date_precision", "description", "source"]
    autocomplete_fields = ["source"]
    extra = 0


class LegalBasisInline(LabelledTabularInline):
    model = LegalBasis
    fields = ["instrument_type", "instrument", "provision", "url", "status", "note", "source"]
    autocomplete_fields = ["source"]
    formfield_overrides = SMALL_TEXTAREAS
    extra = 0


class ImpactAssessmentInline(LabelledTabularInline):
    model = ImpactAssessment
    form = TypedDatesForm
    fields = ["kind", "date", "date_precision", "availability", "obtained_by", "url", "source"]
    autocomplete_fields = ["source"]
    extra = 0


class CitationInline(LabelledTabularInline):
    model = Citation
    verbose_name_plural = "sources cited"
    formset = CitationFormSet
    fields = ["source", "claim", "quote", "locator"]
    autocomplete_fields = ["source"]
    formfield_overrides = SMALL_TEXTAREAS

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


@admin.register(Deployment)
class DeploymentAdmin(HistoryAdmin):
    form = DeploymentForm
    object_history_template = "admin/deployments/deployment/object_history.html"
    inlines = [
        CitationInline,  # first: the sources every claim below picks from
        LocationInline,
        InvolvementInline,
        CostInline,
        EventInline,
        LegalBasisInline,
        ImpactAssessmentInline,
        ResponseInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "technologies"]}),
        (
            "Status and dates",
            {
                "fields": [
                    "status",
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    "planned_duration",
                ]
            },
        ),
        (
            "Scale and data",
            {
                "fields": [
                    "scale",
                    "affected_groups",
                    "data_retention",
                    "data_sharing",
                    "visibility",
                ]
            },
        ),
        ("Publication", {"fields": ["publication", "published_at", "created", "updated"]}),
        (
            "Withdrawal",
            {
                "fields": ["withdrawal_reason", "replaced_by", "withdrawn_at"],
                "description": "Only for a withdrawn record: its address keeps answering with "
                "the reason and a link to what replaces it.",
            },
        ),
        ("Reason for this change", {"fields": ["change_reason", "based_on"]}),
    ]
    autocomplete_fields = ["technologies", "replaced_by"]
    list_display = ["title", "status", "publication", "start", "technology_names", "updated"]
    list_filter = ["publication", "status", "visibility", "technologies", "start_precision"]
    search_fields = ["title", "slug", "summary", "organisations__name", "locations__name"]
    actions = ["publish", "withdraw"]

    def get_queryset(self, request):
        # The changelist shows every row's technologies: one query for all rows, not one each.
        return super().get_queryset(request).prefetch_related("technologies")

    @admin.display(description="start", ordering="start_date")
    def start(self, obj):
        return obj.start_display

    @admin.display(description="technologies")
    def technology_names(self, obj):
        return ", ".join(technology.name for technology in obj.technologies.all())

    def view_on_site(self, obj):
        # Only published records have a public page; a draft's link would be a 404.
        return obj.get_absolute_url() if obj.is_public else None

    def has_publish_permission(self, request):
        return request.user.has_perm("deployments.publish_deployment")

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None else {}

    def get_readonly_fields(self, request, obj=None):
        readonly = ["published_at", "created", "updated", "withdrawn_at"]
        if self.has_publish_permission(request):
            return readonly
        # Withdrawing is an editor's decision, and so is moving a public address: an editor
        # may change a published record's slug, and its old address redirects there
        # (explore/records.py withdrawn_or_moved).
        readonly += ["withdrawal_reason", "replaced_by"]
        if obj is not None and obj.published_at:
            readonly.append("slug")
        if obj is not None and obj.publication not in RESEARCHER_STATES:
            readonly.append("publication")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "publication" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (value, label) for value, label in Publication.choices if value in RESEARCHER_STATES
            ]
            kwargs["error_messages"] = {"invalid_choice": EDITORS_ONLY}
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.action(description="Publish selected deployments", permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for deployment in queryset:
            if deployment.publication == Publication.PUBLISHED:
                continue
            problems = deployment.publication_problems()
            if problems:
                self.message_user(
                    request,
                    f"“{deployment}” was not published: {' '.join(problems)}",
                    messages.ERROR,
                )
                continue
            # save(), not update(): it stamps published_at and writes the history record.
            deployment.publication = Publication.PUBLISHED
            deployment.save()
            self.log_change(request, deployment, "Published.")
            published += 1
        if published:
            self.message_user(request, f"Published {published} deployment(s).", messages.SUCCESS)

    @admin.action(description="Withdraw selected deployments", permissions=["publish"])
    def withdraw(self, request, queryset):
        """Asks for the public reason first (an intermediate page, as Django's own delete
        action does), then withdraws the selected published records with it."""
        not_public = queryset.exclude(publication=Publication.PUBLISHED).count()
        if not_public:
            self.message_user(
                request,
                f"{not_public} selected deployment(s) were not published: nothing to withdraw.",
                messages.WARNING,
            )
        published = queryset.filter(publication=Publication.PUBLISHED)
        if not published.exists():
            return None
        form = WithdrawalForm(
            request.POST if "confirm" in request.POST else None, withdrawing=published
        )
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Withdraw deployments",
                "opts": self.model._meta,
                "form": form,
                "deployments": published,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/deployments/deployment/withdraw.html", context)
        withdrawn = 0
        for deployment in published:
            deployment.publication = Publication.WITHDRAWN
            deployment.withdrawal_reason = form.cleaned_data["reason"]
            deployment.replaced_by = form.cleaned_data["replaced_by"]
            deployment.save()
            self.log_change(request, deployment, "Withdrawn.")
            withdrawn += 1
        self.message_user(
            request,
            f"Withdrew {withdrawn} deployment(s). Their addresses now say why (410 Gone).",
            messages.SUCCESS,
        )
        return None

    def save_model(self, request, obj, form, change):
        edits.give_reason(form.cleaned_data.get("change_reason", ""))
        if change and review.needs_review(request.user, obj):
            review.begin(request)  # saved as usual, then kept aside for an editor (review.py)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:
            default_to_the_first_source(formsets)
        super().save_related(request, form, formsets, change)
        if getattr(request, "review_savepoint", None) is not None:
            data = form.cleaned_data
            review.finish(request, form.instance, data["change_reason"], data.get("based_on"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Every error, linked, at the top of a page several screens long: Django's own notice
        # says only "Please correct the errors below".
        context["error_summary"] = _error_links(
            context["adminform"].form, context.get("inline_admin_formsets", [])
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        deployment = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "needs_review": review.needs_review(request.user, deployment),
            "revisions": deployment.revisions.pending() if deployment is not None else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/history/state/<int:index>/",
                self.admin_site.admin_view(self.restore_view),
                name="deployments_deployment_restore",
            ),
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="deployments_deployment_deleted",
            ),
        ]
        return own + super().get_urls()

    def render_history_view(self, request, template, context, **kwargs):
        # The record's versions: its own fields with every child row, as they stood after each
        # edit (core/versions.py), each with what changed and who changed it, and why.
        if template == self.object_history_template:
            deployment = context["object"]
            states = versions.history(deployment.pk)
            names = versions.names_for(states)
            context["versions"] = [
                {
                    "state": state,
                    "changes": versions.changes(previous, state, names),
                    "restore_url": reverse(
                        "admin:deployments_deployment_restore", args=[deployment.pk, state.index]
                    ),
                }
                for previous, state in zip([None, *states], states, strict=False)
            ][::-1]
        return super().render_history_view(request, template, context, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A deployment is restored whole, children included (restore_view), never by
        # simple_history's form, which would bring back its own fields alone.
        for state in versions.history(int(object_id)):
            if int(version_id) in state.record_history_ids:
                return redirect("admin:deployments_deployment_restore", object_id, state.index)
        raise Http404("No such version.")

    def restore_view(self, request, object_id, index):
        """Restore the whole record (fields, technologies and every child row) as it was in
        one state of its history, with a reason; says what it restored."""
        deployment = self.get_object(request, object_id)
        if deployment is None or not self.has_change_permission(request, deployment):
            raise PermissionDenied
        states = versions.history(deployment.pk)
        if not 1 <= index <= len(states):
            raise Http404("No such version.")
        target = states[index - 1]
        if target.deleted:
            # The moment of a deletion is no state to go back to: it would empty the record.
            raise Http404("A deletion is not a state to restore.")
        reason = request.POST.get("reason", "").strip()
        pending = versions.changes(versions.current_state(deployment), target)
        if request.method == "POST" and reason and review.needs_review(request.user, deployment):
            # A published record's restore by a researcher waits for an editor, as an edit does.
            revision = review.propose(request.user, deployment, target, reason, len(states))
            self.message_user(
                request,
                f"Restoring state {index} was sent to an editor for review; the public keeps "
                "seeing the published version until it is approved.",
                messages.SUCCESS,
            )
            return redirect("admin:deployments_revision_change", revision.pk)
        if request.method == "POST" and reason:
            with edits.recording(request.user, reason):
                restored = versions.restore(target, deployment=deployment)
            self.log_change(request, deployment, f"Restored state {index}: {reason}")
            said = "; ".join(restored.changes) or "nothing differed"
            self.message_user(request, f"Restored state {index}. {said}.", messages.SUCCESS)
            for skipped in restored.skipped:
                self.message_user(request, f"Not restored: {skipped}.", messages.WARNING)
            return redirect("admin:deployments_deployment_change", deployment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore “{deployment}” as it was",
            "opts": self.opts,
            "original": deployment,
            "state": target,
            "changes": pending,
            "reason_missing": request.method == "POST",
        }
        return TemplateResponse(request, "admin/deployments/deployment/restore.html", context)

    def deleted_view(self, request):
        """Deleted records, each recoverable whole: the state it had before it was deleted."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        gone = (
            Deployment.history.filter(history_type="-")
            .exclude(id__in=Deployment.objects.values("pk"))
            .order_by("-history_date")
        )
        if request.method == "POST":
            deployment_id = int(request.POST.get("deployment", "0") or 0)
            states = [s for s in versions.history(deployment_id) if not s.deleted]
            if not states or Deployment.objects.filter(pk=deployment_id).exists():
                raise Http404("No such deleted record.")
            if Deployment.objects.filter(slug=states[-1].record["slug"]).exists():
                self.message_user(
                    request,
                    f"Another record now has the slug “{states[-1].record['slug']}”: change "
                    "that record's slug first.",
                    messages.ERROR,
                )
                return redirect("admin:deployments_deployment_deleted")
            with edits.recording(request.user, "Recovered after deletion."):
                restored = versions.restore(states[-1], keep_publication=False)
            recovered = Deployment.objects.get(pk=deployment_id)
            self.log_addition(request, recovered, "Recovered after deletion.")
            rows = sum(len(rows) for rows in states[-1].children.values())
            self.message_user(
                request,
                f"Recovered “{recovered}” with its {rows} related row(s), as it was before it "
                f"was deleted ({recovered.get_publication_display().lower()}).",
                messages.SUCCESS,
            )
            for skipped in restored.skipped:
                self.message_user(request, f"Not restored: {skipped}.", messages.WARNING)
            return redirect("admin:deployments_deployment_change", deployment_id)
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted deployments",
            "opts": self.opts,
            "gone": gone.select_related("history_user")[:200],
        }
        return TemplateResponse(request, "admin/deployments/deployment/deleted.html", context)


def _error_links(form, inline_formsets) -> list[dict]:
    """[{"href", "label", "message"}] for each error on the change form and its inlines."""
    links = []

    def add(bound_form, prefix_label):
        for message in bound_form.non_field_errors():
            links.append({"href": "#content-main", "label": prefix_label, "message": message})
        for name, errors in bound_form.errors.items():
            if name == "__all__" or name not in bound_form.fields:
                continue
            field = bound_form[name]
            label = f"{prefix_label}{field.label}" if prefix_label else field.label
            for message in errors:
                links.append({"href": f"#{field.id_for_label}", "label": label, "message": message})

    add(form, "")
    for inline in inline_formsets:
        formset = inline.formset
        kind = str(inline.opts.verbose_name).capitalize()
        for message in formset.non_form_errors():
            href = f"#{formset.prefix}-group"
            links.append({"href": href, "label": f"{kind}s", "message": message})
        for number, inline_form in enumerate(formset.forms, 1):
            if inline_form.errors:
                add(inline_form, f"{kind} {number}: ")
    return links


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """The review queue: editors approve or reject; researchers follow their own changes."""

    list_display = ["__str__", "author", "status", "reviewer", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["deployment", "author", "reviewer"]
    search_fields = ["deployment__title", "reason", "review_note"]

    def get_queryset(self, request):
        revisions = super().get_queryset(request)
        if self._may_review(request):
            return revisions
        return revisions.filter(author=request.user)

    def _may_review(self, request) -> bool:
        return request.user.has_perm("deployments.publish_deployment")

    def has_add_permission(self, request):
        return False  # made by saving a published record's change form

    def has_delete_permission(self, request, obj=None):
        return False  # what was proposed, and what became of it, stays on record

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        if revision is None:
            raise Http404("No such proposed change.")
        if not self.has_view_or_change_permission(request, revision):
            raise PermissionDenied
        may_review = self._may_review(request) and revision.status == Revision.Status.PENDING
        found = review.review(revision) if revision.status == Revision.Status.PENDING else None
        problem = ""
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied
            note = request.POST.get("note", "").strip()
            decision = request.POST.get("decision")
            if decision == "approve" and found.changed_since:
                changed = "record" if revision.deployment_id else "entry"
                problem = (
                    f"The {changed} was changed after this was proposed: approving it would "
                    "undo that change. Reject it with a note, and the researcher can propose "
                    "it again on the current version."
                )
            elif decision == "reject" and not note:
                problem = "Say why you reject it: the researcher reads your note."
            elif decision in ("approve", "reject"):
                if decision == "approve":
                    review.approve(revision, request.user, note)
                    self.message_user(request, f"Approved: “{revision.subject}” is updated.")
                else:
                    review.reject(revision, request.user, note)
                    self.message_user(request, "Rejected: the researcher will see your note.")
                return redirect("admin:deployments_revision_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": str(revision),
            "opts": self.opts,
            "original": revision,
            "revision": revision,
            "review": found,
            "may_review": may_review,
            "problem": problem,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/deployments/revision/review.html", context)
