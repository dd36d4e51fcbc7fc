"""The register's entries, to browse: organisations, technologies, countries and sources, each
as an index with counts and as a page of its own that leads to their records."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django_countries import countries

from deployments.core import filters, freshness
from deployments.explore import facets, minimap, records
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Organisation,
    OrganisationAlias,
    Response,
    Source,
    Technology,
)

INDEX_PAGE_SIZE = 100
# What a source page lists of the claims one source supports, past which it gives counts.
SOURCE_CLAIMS_SHOWN = 200
# Every kind of claim a source can support, as the record page reads them.
CLAIM_MODELS = (Citation, Involvement, Cost, Event, LegalBasis, ImpactAssessment, Response)
PUBLISHED = Deployment.Publication.PUBLISHED


# Indexes ---------------------------------------------------------------------------------


class IndexForm(forms.Form):
    """An index's own parameters: a name search, a sort and a page (choices per index)."""

    q = forms.CharField(required=False, max_length=200, label="Name contains")
    sort = forms.ChoiceField(required=False, choices=())
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": "The page must be a whole number, e.g. page=2."},
    )

    def __init__(self, data, sorts: dict[str, str], kinds=None):
        super().__init__(data)
        self.fields["sort"].choices = [("", "Default order"), *sorts.items()]
        if kinds:
            self.fields["kind"] = forms.ChoiceField(
                required=False, choices=[("", "Any kind"), *kinds], label="Kind"
            )


def _index(request, template: str, sorts: dict, rows_for, *, kinds=None, extra=None):
    """An index page: rows_for(cleaned data) gives the rows in order; a bad or unknown
    parameter is a 400 on the same page, never a wider list than asked for."""
    form = IndexForm(request.GET, sorts, kinds)
    named = [name for name in request.GET if any(v.strip() for v in request.GET.getlist(name))]
    errors = filters.unknown_parameters(named, set(form.fields))
    # A form field reads the last of repeated values: the others would be dropped unsaid,
    # a blank one too (sort=start&sort= would read as no sort and hide the bad "start").
    errors += [
        (name, f"Give {name} once: it takes a single value.")
        for name in form.fields
        if name in named and len(request.GET.getlist(name)) > 1
    ]
    if form.is_valid() and not errors:
        paginator = Paginator(rows_for(form.cleaned_data), INDEX_PAGE_SIZE)
        number = form.cleaned_data["page"] or 1
        if number <= max(paginator.num_pages, 1):
            page = paginator.page(number)
            context = {"form": form, "page": page, "rows": page.object_list, **(extra or {})}
            return render(request, template, context)
        errors = [("page", f"There is no page {number}: the last is {paginator.num_pages}.")]
    errors += [(name, message) for name, messages in form.errors.items() for message in messages]
    context = {"form": form, "index_errors": errors, "rows": [], **(extra or {})}
    return render(request, template, context, status=400)


def _by(rows: list, sort: str, default: str, keys: dict):
    sort = sort or default
    return sorted(rows, key=keys[sort.lstrip("-")], reverse=sort.startswith("-"))


def _unfiltered_facets() -> dict:
    # The list page's own facets without a filter: kept until the register changes.
    everything = filters.filtered(QueryDict())
    everything.is_valid()  # cleans the (empty) form the facets read
    return facets.all_facets(everything)


COUNT_SORTS = {"name": "Name, A to Z", "-records": "Most records first"}


def organisation_index(request):
    def counted():
        involved = Involvement.objects.filter(deployment__publication=PUBLISHED).order_by()
        return dict(
            involved.values_list("organisation").annotate(n=Count("deployment", distinct=True))
        )

    def rows_for(data):
        counts = freshness.cached("organisation-counts", "", counted)
        found = Organisation.objects.public().order_by("name")
        if data["q"]:
            found = found.filter(name__icontains=data["q"])
        if data.get("kind"):
            found = found.filter(kind=data["kind"])
        rows = [(o, counts.get(o.pk, 0)) for o in found]
        return _by(rows, data["sort"], "name", _COUNT_KEYS)

    return _index(
        request,
        "deployments/organisation_index.html",
        COUNT_SORTS,
        rows_for,
        kinds=Organisation.Kind.choices,
    )


_COUNT_KEYS = {"name": lambda row: str(row[0]).casefold(), "records": lambda row: row[1]}


def technology_index(request):
    def rows_for(data):
        counts = {o.value: o.count for o in _unfiltered_facets()["technology"]}
        found = Technology.objects.public().order_by("name")
        if data["q"]:
            found = found.filter(name__icontains=data["q"])
        return _by([(t, counts.get(t.slug, 0)) for t in found], data["sort"], "name", _COUNT_KEYS)

    return _index(request, "deployments/technology_index.html", COUNT_SORTS, rows_for)


def country_index(request):
    def rows_for(data):
        rows = [(o.label, o.value, o.count) for o in _unfiltered_facets()["country"]]
        if data["q"]:
            rows = [r for r in rows if data["q"].casefold() in r[0].casefold()]
        keys = {"name": lambda row: row[0].casefold(), "records": lambda row: row[2]}
        return _by(rows, data["sort"], "name", keys)

    return _index(request, "deployments/country_index.html", COUNT_SORTS, rows_for)


SOURCE_SORTS = {
    "publisher": "Publisher, A to Z",
    "title": "Title, A to Z",
    "-published": "Newest first",
    "published": "Oldest first",
}
_SOURCE_ORDER = {
    "publisher": ("publisher", "title", "pk"),
    "title": ("title", "pk"),
    # An undated source is neither new nor old: it goes last either way.
    "-published": (F("published").desc(nulls_last=True), "title", "pk"),
    "published": (F("published").asc(nulls_last=True), "title", "pk"),
}


class _CountedSources:
    """The sources in order, paginated by the database; only the shown page is counted."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        shown = list(self.queryset[index])
        counts = records_per_source([s.pk for s in shown])
        return [(source, counts.get(source.pk, 0)) for source in shown]


def records_per_source(ids: list[int]) -> dict[int, int]:
    """{source id: how many published records it supports}, over every kind of claim."""
    pairs = set()
    for model in CLAIM_MODELS:
        used = model.objects.filter(source__in=ids, deployment__publication=PUBLISHED)
        pairs.update(used.order_by().values_list("source", "deployment").distinct())
    counts: dict[int, int] = {}
    for source, _deployment in pairs:
        counts[source] = counts.get(source, 0) + 1
    return counts


def source_index(request):
    def rows_for(data):
        found = Source.objects.public()
        if data["q"]:
            found = found.filter(title__icontains=data["q"]) | found.filter(
                publisher__icontains=data["q"]
            )
        if data.get("kind"):
            found = found.filter(source_type=data["kind"])
        found = found.order_by(*_SOURCE_ORDER[data["sort"] or "publisher"])
        return _CountedSources(found)

    return _index(
        request,
        "deployments/source_index.html",
        SOURCE_SORTS,
        rows_for,
        kinds=Source.Type.choices,
    )


# Pages of one entry ------------------------------------------------------------------------


def organisation_detail(request, slug):
    # An organisation known only from drafts is not public yet.
    organisation = Organisation.objects.public().filter(slug=slug).first()
    if organisation is None:
        alias = OrganisationAlias.objects.filter(slug=slug).select_related("organisation").first()
        if (
            alias is not None
            and Organisation.objects.public().filter(pk=alias.organisation_id).exists()
        ):
            return HttpResponsePermanentRedirect(alias.organisation.get_absolute_url())
        raise Http404("No public organisation has this address.")
    # EXISTS rather than a join: an organisation with two roles in one deployment is one row.
    involved = Involvement.objects.filter(deployment=OuterRef("pk"), organisation=organisation)
    published = Deployment.objects.published().filter(Exists(involved))
    context = {
        "organisation": organisation,
        "deployments": records.latest(published),
        **_collection_summary("organisation", slug, published),
    }
    return render(request, "deployments/organisation_detail.html", context)


def technology_detail(request, slug):
    technology = get_object_or_404(Technology.objects.public(), slug=slug)
    published = Deployment.objects.published().filter(technologies=technology)
    context = {
        "technology": technology,
        "deployments": records.latest(published),
        **_collection_summary("technology", slug, published),
    }
    return render(request, "deployments/technology_detail.html", context)


def country_detail(request, code):
    # Two ASCII letters only: django-countries reads digits as a numeric code, and int()
    # fails on digits that are not ASCII ("²").
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise Http404("This is not a country code.")
    if code != code.upper():
        return HttpResponsePermanentRedirect(f"/countries/{code.upper()}/")
    name = countries.name(code)
    if not name:
        raise Http404("This is not a country code.")
    # The filter's own rule for a country (a location there, or across it with others), so
    # the page, the list it links to and the downloads count the same records.
    published = filters.filtered(QueryDict(f"country={code}")).qs
    summary = _collection_summary("country", code, published)
    if not summary["total"]:
        raise Http404("No published deployment is located in this country.")
    context = {
        "code": code,
        "name": name,
        "deployments": records.latest(published),
        **summary,
    }
    return render(request, "deployments/country_detail.html", context)


def source_detail(request, pk):
    source = get_object_or_404(Source.objects.public(), pk=pk)
    supported: dict[int, dict] = {}
    shown = 0
    for model in CLAIM_MODELS:
        items = model.objects.filter(source=source, deployment__publication=PUBLISHED)
        items = items.select_related("deployment").order_by("deployment__title", "pk")
        if model in (Involvement, Response):
            items = items.select_related("organisation")
        for item in items[: max(SOURCE_CLAIMS_SHOWN - shown, 0)]:
            entry = supported.setdefault(
                item.deployment_id, {"deployment": item.deployment, "claims": []}
            )
            entry["claims"].append(_claim(item))
            shown += 1
    context = {
        "source": source,
        "supported": sorted(supported.values(), key=lambda e: e["deployment"].title.casefold()),
        "total": records_per_source([source.pk]).get(source.pk, 0),
        "claims_shown": shown,
        "limit": SOURCE_CLAIMS_SHOWN,
    }
    return render(request, "deployments/source_detail.html", context)


def _claim(item) -> dict:
    """What one claim says, as the record page says it, and the source's words."""
    if isinstance(item, Citation):
        what = item.get_claim_display()
    elif isinstance(item, Involvement):
        what = f"{item.organisation.name}: {item.get_role_display()}"
    elif isinstance(item, Cost):
        what = f"Cost: {item.display()} ({item.get_covers_display().lower()})"
    elif isinstance(item, Event):
        what = f"{item.get_kind_display()}, {item.date_display}"
    elif isinstance(item, LegalBasis):
        what = f"Legal basis: {item} ({item.get_status_display().lower()})"
    elif isinstance(item, ImpactAssessment):
        what = str(item)
    else:
        what = f"{item.get_kind_display()}: {item.speaker}"
    return {"what": what, "quote": getattr(item, "quote", "")}


def _collection_summary(kind: str, key: str, published) -> dict:
    """An entry's totals, spend, mini timeline and map: aggregates over what may be hundreds
    of thousands of records, so computed once per change."""

    def compute():
        return {
            "total": published.count(),
            "spend": records.spend_by_currency(published),
            "mini_timeline": records.timeline_for(
                published, group_by_technology=False, dom_id="mini", compact=True
            ),
            "geojson": minimap.first_features(published),
        }

    return freshness.cached(kind, key, compute)
