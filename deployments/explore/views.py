import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django_countries import countries

from deployments.core import filters, freshness, querystrings, search
from deployments.explore import charts, facets, mapdata, minimap, records, timeline
from deployments.models import (
    Deployment,
    Involvement,
)
from deployments.opendata import citations

# Publishing saves the record a moment after stamping published_at.
EDITED_AFTER = dt.timedelta(minutes=1)


def home(request):
    published = Deployment.objects.published()

    def summaries():
        # Aggregates over the whole register: computed once per change, not per visitor.
        return {
            "figures": records.headline_figures(published),
            "by_year": charts.deployments_by_year(published),
            "spend_by_year": charts.spend_by_year(published),
            "geojson": minimap.first_features(published),
        }

    newest = list(published.order_by("-published_at", "-pk").values_list("pk", flat=True)[:6])
    # Edited since it was published (the publishing save itself moves `updated` too), and not
    # already in the list beside it.
    edited = published.filter(updated__gt=F("published_at") + EDITED_AFTER).exclude(pk__in=newest)
    context = {
        **freshness.cached("home", "", summaries),
        "latest_published": records.for_listing(
            published.filter(pk__in=newest).order_by("-published_at", "-pk")
        ),
        "latest_updated": records.for_listing(edited.order_by("-updated", "-pk")[:6]),
    }
    return render(request, "deployments/home.html", context)


def deployment_detail(request, slug):
    published = records.for_record_page(Deployment.objects.published())
    deployment = published.filter(slug=slug).first()
    if deployment is None:
        return _not_published(request, slug)
    changes = records.public_change_log(deployment)
    version = None
    if "version" in request.GET:
        # A citation can point at what was read: the record as one public version said it.
        number = request.GET["version"]
        if records.version_number(number) is None:
            return _bad_version(request, deployment, f"“{number}” is not a version number.")
        deployment_then, version = records.as_published(deployment, records.version_number(number))
        if version is None:
            message = f"This record has no version {number}."
            return _bad_version(request, deployment, message, status=404)
        deployment, current = deployment_then, deployment
    else:
        current = deployment
    # From the rows the page has read already (the version's, or the prefetched ones).
    features = minimap.record_features(deployment, deployment.locations.all())
    latest_version = max((entry["version"] for entry in changes), default=None)
    reference = citations.record_reference(
        request, current, version.number if version else latest_version
    )
    context = {
        "deployment": deployment,
        "current": current,
        "version": version,
        "latest_version": latest_version,
        "reference": reference,
        "citation": citations.text(reference),
        "cite_formats": citations.HEAD_LINKS,
        "cited": records.cite(deployment),
        "changes": changes,
        "geojson": features,
        "mini_timeline": timeline.build(
            [deployment],
            {deployment.pk: deployment.events.all()},
            today=timezone.localdate(),
            group_by_technology=False,
            dom_id="mini",
            compact=True,
        ),
    }
    return render(request, "deployments/deployment_detail.html", context)


def _bad_version(request, deployment, message: str, status: int = 400):
    context = {
        "heading": "This version could not be found",
        "errors": [("version", f"{message} Its versions are listed in its change log.")],
        "back": deployment.get_absolute_url(),
    }
    return render(request, "deployments/bad_request.html", context, status=status)


def _not_published(request, slug):
    """A withdrawn record's page (410), a former slug's redirect (301), or a plain 404: a
    draft is never a 403 that would confirm the record is there."""
    found = records.withdrawn_or_moved(slug)
    if found is None:
        raise Http404("No published deployment has this address.")
    what, deployment = found
    if what == "moved":
        # With its query: a citation of "?version=2" must still reach version 2.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(
            deployment.get_absolute_url() + (f"?{query}" if query else "")
        )
    if what == "deleted":
        context = {"deployment": deployment, "deleted_at": deployment.history_date}
    else:
        context = {"deployment": deployment, "replacement": records.replacement(deployment)}
    return render(request, "deployments/deployment_withdrawn.html", context, status=410)


# Explore: the list, map and timeline of the filtered register ------------------------------

PAGE_SIZE = 50


# Each explore view's template: a filter it cannot read is answered on the same page.
TEMPLATES = {
    "deployment_list": "deployments/deployment_list.html",
    "deployment_map": "deployments/deployment_map.html",
    "deployment_timeline": "deployments/deployment_timeline.html",
}
# Where each parameter is typed or ticked on the filter form (its error links there).
FIELD_IDS = {
    **{name: f"id_{name}" for name in ("q", "role", "from", "to", "when", "currency", "sort")},
    "cost_min": "id_cost_min",
    "cost_max": "id_cost_max",
    **{
        name: f"facet-{name}"
        for name in ("technology", "status", "country", "organisation", "legal_status")
    },
}


def _filter_or_400(request, view_name, without=("page",)):
    """(filterset, None) for a valid query, else (None, the answer): a redirect to the same
    address without its empty parameters, or the same page at status 400 with each problem
    next to its field. `without`: the filter's parameters this page does not read (only the
    list comes in pages).

    django-filter would silently drop an invalid parameter and widen the result; a reader who
    asked for something precise must be told instead.
    """
    if querystrings.has_empty(request.GET):
        # A blank form field is "not set": the clean address is the one to share.
        clean = querystrings.current(request.GET, drop=())
        return None, redirect(request.path + (clean if clean != "?" else ""))
    filterset = filters.filtered(request.GET, without=without)
    if filterset.is_valid():
        return filterset, None
    return None, _filter_errors(request, view_name, filterset, filterset.error_list())


def _filter_errors(request, view_name, filterset, errors):
    """The explore page with no results, the form as typed, and why (status 400)."""
    bad = {name for name, _ in errors}
    # The options next to the form count what the readable part of the filter would give.
    readable = filters.filtered(querystrings.keep_only(request.GET, drop=bad))
    for _ in range(3):  # a cost bound without its currency fails again on the currency
        if readable.is_valid():
            break
        bad |= {name for name, _ in readable.error_list()}
        readable = filters.filtered(querystrings.keep_only(request.GET, drop=bad))
    context = _explore_context(request, readable, view_name)
    context.update(
        {
            "form": filterset.form,
            "chips": [],
            "filter_errors": [
                {"name": name, "message": message, "field_id": FIELD_IDS.get(name)}
                for name, message in errors
            ],
            "reset": querystrings.without_all(request.GET, bad),
            "total": 0,
        }
    )
    return render(request, TEMPLATES[view_name], context, status=400)


def _explore_context(request, filterset, view_name):
    params = request.GET
    valid = filterset.is_valid()
    return {
        "filterset": filterset,
        "form": filterset.form,
        "facets": facets.all_facets(filterset) if valid else {},
        "chips": _chips(filterset, params) if valid else [],
        "active_count": len(filterset.active),
        "query": querystrings.current(params),
        "excel_query": querystrings.replace(params, bom="1"),
        "view_name": view_name,
        "sorts": filters.SORTS,
        "roles": Involvement.Role.choices,
        "currencies": filters.currencies(),
        "legal_statuses": filters.LEGAL_STATUSES,
        "whens": filters.WHEN.items(),
    }


def _chips(filterset, params) -> list[dict]:
    """Each active filter value as a removable chip: {"label", "remove"}."""
    names = {
        "q": "Search",
        "technology": "Technology",
        "status": "Status",
        "country": "Country",
        "organisation": "Organisation",
        "role": "Role",
        "from": "From",
        "to": "To",
        "cost_min": "Cost from",
        "cost_max": "Cost to",
        "currency": "Currency",
        "legal_status": "Legal status",
        "when": "Dates match",
        "bbox": "Map area",
    }
    labels = {
        "status": dict(Deployment.Status.choices),
        "role": dict(Involvement.Role.choices),
        "legal_status": dict(filters.LEGAL_STATUSES),
        "when": filters.WHEN,
        "country": dict(countries),
    }
    chips = []
    for name, title in names.items():
        for raw in params.getlist(name):
            if raw == "":
                continue
            if name in ("technology", "organisation"):
                value = next(
                    (o.name for o in filterset.form.cleaned_data[name] if o.slug == raw), raw
                )
            else:
                value = labels.get(name, {}).get(raw.upper() if name == "country" else raw, raw)
            remove = querystrings.without(params, name, raw)
            chips.append({"label": f"{title}: {value}", "remove": remove})
    return chips


def deployment_list(request):
    filterset, answer = _filter_or_400(request, "deployment_list", without=())
    if answer:
        return answer
    paginator = Paginator(records.for_listing(filterset.qs), PAGE_SIZE)
    paginator.count = facets.total(filterset)  # the cached total, instead of a COUNT per page
    number = filterset.form.cleaned_data.get("page") or 1
    if number > max(paginator.num_pages, 1):
        problem = f"There is no page {number}: the last is {paginator.num_pages}."
        return _filter_errors(request, "deployment_list", filterset, [("page", problem)])
    page = paginator.page(number)
    shown = list(page.object_list)
    if query := filterset.form.cleaned_data.get("q"):
        # Where each record matches: its document's words around the terms, marked.
        marked = search.snippets([d.pk for d in shown], query)
        for deployment in shown:
            deployment.snippet = marked.get(deployment.pk)
    context = _explore_context(request, filterset, "deployment_list")
    context.update({"page": page, "deployments": shown})
    return render(request, "deployments/deployment_list.html", context)


def deployment_map(request):
    filterset, answer = _filter_or_400(request, "deployment_map")
    if answer:
        return answer
    context = _explore_context(request, filterset, "deployment_map")
    # Without JavaScript the page lists the locations the map would draw: the first
    # TABLE_LIMIT of them in the list's order, with the counts of all (issue 5).
    context.update(
        {
            "total": facets.total(filterset),
            "located": mapdata.located_counts(filterset.qs),
            "locations": mapdata.table_rows(filterset.qs),
            "map_tiles": settings.LEAFLET_CONFIG["TILES"],
        }
    )
    return render(request, "deployments/deployment_map.html", context)


def deployment_timeline(request):
    filterset, answer = _filter_or_400(request, "deployment_timeline")
    if answer:
        return answer
    context = _explore_context(request, filterset, "deployment_timeline")
    # Past its row limit the timeline is counts per year over every matching record: kept
    # until the register changes, like the facets.
    drawn = freshness.cached(
        "timeline",
        freshness.params_key(filterset.data, ignore=("page",)),
        lambda: records.timeline_for(filterset.qs, filterset=filterset),
    )
    context.update({"total": facets.total(filterset), "timeline": drawn})
    return render(request, "deployments/deployment_timeline.html", context)


def about(request):
    return render(request, "deployments/about.html")
