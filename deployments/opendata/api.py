"""Data views: every export reads the same FilterSet as the pages, so a download equals the
screen. Errors in the query come back as JSON with a 400.

Every public data response carries: Access-Control-Allow-Origin: * (anyone's notebook or map
may read it), the licence (Link rel="license" and X-Data-License), and validators (ETag and
Last-Modified from the register's last edit) so a client can ask "has it changed?" cheaply.
"""

import codecs
import itertools

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from deployments.core import filters, freshness, querystrings
from deployments.explore import facets, mapdata, records
from deployments.explore.views import PAGE_SIZE  # the JSON list pages exactly as the HTML list does
from deployments.models import Deployment
from deployments.opendata import (
    cells,
    citations,
    datapackage,
    dictionary,
    export_rows,
    exports,
    geojson,
    register_files,
)

# The media type of every CSV download; header=present tells readers the first line names.
CSV_TYPE = "text/csv; charset=utf-8; header=present"


def _filter_or_json_400(request, also=(), without=("page",)):
    """`also`: the endpoint's own parameters besides the filter's; `without`: the filter's
    parameters it does not read. Only the JSON list comes in pages, so a new download refuses
    page unless it says otherwise."""
    filterset = filters.filtered(request.GET, also=also, without=without)
    if filterset.is_valid():
        return filterset, None
    errors = [{"parameter": name, "message": message} for name, message in filterset.error_list()]
    return filterset, _json_error(errors, 400)


def _json_error(errors: list[dict], status: int, **more) -> JsonResponse:
    response = JsonResponse(
        {"errors": errors, **more}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _data_response(request, make_response):
    """make_response(), or a 304 when the client's copy is current (freshness.conditional:
    the register's state, the code, the address asked for and the data licence); with the
    data headers."""
    response = freshness.conditional(lambda request: make_response(), settings.DATA_LICENSE_URL)(
        request
    )
    return _data_headers(request, response)


def _data_headers(request, response):
    # Stored by caches, but always revalidated: a correction must show at once.
    patch_cache_control(response, public=True, no_cache=True)
    data_page = request.build_absolute_uri(reverse("data"))
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = (
        "ETag, Last-Modified, Link, X-Data-License, Accept-Ranges, Content-Range, "
        "X-Register-State, X-Register-State-Date"
    )
    response["Link"] = (
        f'<{settings.DATA_LICENSE_URL}>; rel="license", <{data_page}>; rel="describedby"'
    )
    response["X-Data-License"] = (
        f"{settings.DATA_LICENSE_NAME} ({settings.DATA_LICENSE_URL}); attribution: "
        f"{settings.REGISTER_NAME}, {data_page}"
    )
    return response


@require_safe
def deployments_geojson(request):
    filterset, bad = _filter_or_json_400(request)
    if bad:
        return bad
    return _data_response(
        request,
        lambda: StreamingHttpResponse(
            geojson.geojson_lines(filterset.qs), content_type="application/geo+json"
        ),
    )


# gzip here rather than site-wide: this answer is the one large body a page fetches, it holds
# no secret (so no BREACH risk), and its per-feature budget is counted after compression.
@gzip_page
@require_safe
def map_geojson(request):
    """The explore map's compact data: each location, or counts per grid cell (mapdata.py)."""
    filterset, bad = _filter_or_json_400(request, also=mapdata.MapForm.base_fields)
    if bad:
        return bad
    params, errors = mapdata.map_params(request.GET)
    if errors:
        return _json_error([{"parameter": n, "message": m} for n, m in errors], 400)
    return _data_response(
        request,
        lambda: StreamingHttpResponse(
            mapdata.map_lines(filterset.qs, params), content_type="application/geo+json"
        ),
    )


@require_safe
def deployments_csv(request):
    filterset, bad = _filter_or_json_400(request, also=("bom",))
    if bad:
        return bad
    # Every value is read: GET.get() takes the last, so bom=x&bom=1 would pass unchecked.
    boms = request.GET.getlist("bom")
    bom = "1" in boms
    if any(value not in ("", "1") for value in boms):
        message = "bom=1 starts the file with a byte-order mark, for Excel; leave it out otherwise."
        return _json_error([{"parameter": "bom", "message": message}], 400)

    if _whole_register(request):
        return _register_file(
            request,
            register_files.CSV,
            _base_url(request),
            filename=exports.filename(filterset.active, request.GET, "csv"),
            content_type=CSV_TYPE,
            prefix=codecs.BOM_UTF8 if bom else b"",
        )

    def make():
        # Each record's line written ahead, read in one query (export_rows.py).
        chunks = export_rows.csv_chunks(filterset.qs, _base_url(request))
        if bom:
            # Excel reads a CSV without the mark in the machine's legacy code page; other
            # tools take the mark for data, so the plain download goes without.
            chunks = itertools.chain([codecs.BOM_UTF8], chunks)
        response = StreamingHttpResponse(chunks, content_type=CSV_TYPE)
        name = exports.filename(filterset.active, request.GET, "csv")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return _data_response(request, make)


@require_safe
def deployments_json(request):
    filterset, bad = _filter_or_json_400(request, without=())
    if bad:
        return bad
    paginator = Paginator(filterset.qs.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = facets.total(filterset)  # shared with the list page's cached total
    number = filterset.form.cleaned_data.get("page") or 1
    if number > max(paginator.num_pages, 1):
        message = f"There is no page {number}: the last is {paginator.num_pages}."
        return _json_error([{"parameter": "page", "message": message}], 400)

    def make():
        page = paginator.page(number)
        urls = exports.Urls(_base_url(request))
        here = request.build_absolute_uri(reverse("export_json"))

        def link(n):
            return here + querystrings.replace(request.GET, page=str(n))

        body = {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "page_size": PAGE_SIZE,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "license": datapackage.licence(),
            "results": [
                exports.json_item(r, urls) for r in exports.fetch_records(list(page.object_list))
            ],
        }
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})

    return _data_response(request, make)


def _citation_file(reference, fmt: str, name: str) -> HttpResponse:
    if fmt not in citations.FORMATS:
        raise Http404("Citations come as cite.bib, cite.ris or cite.csl.json.")
    media_type, extension, write = citations.FORMATS[fmt]
    response = HttpResponse(write(reference), content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response["Access-Control-Allow-Origin"] = "*"
    # The access date in it changes each day: keep it briefly, like a public page.
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
def deployment_citation(request, slug, fmt):
    """The record's reference as BibTeX, RIS or CSL-JSON (?version=N: that version's)."""
    deployment = Deployment.objects.published().filter(slug=slug).first()
    if deployment is None:
        raise Http404("No published deployment has this address.")
    version = None
    if "version" in request.GET:
        number = request.GET["version"]
        known = {e["version"] for e in records.public_change_log(deployment)}
        version = records.version_number(number)
        if version not in known:
            raise Http404("This record has no such version; its change log lists them.")
    return _citation_file(
        citations.record_reference(request, deployment, version), fmt, deployment.slug
    )


@require_safe
def register_citation(request, fmt):
    return _citation_file(citations.register_reference(request), fmt, "register")


@require_safe
def deployment_json(request, slug):
    deployment = records.for_record_page(Deployment.objects.published()).filter(slug=slug).first()
    if deployment is None:
        return _not_published_json(request, slug)

    changes = records.public_change_log(deployment)
    version = None
    if "version" in request.GET:
        # As the record page reads it: the record as one public version said it.
        number = request.GET["version"]
        if records.version_number(number) is None:
            message = f"“{number}” is not a version number; its change log lists them."
            return _json_error([{"parameter": "version", "message": message}], 400)
        shown, version = records.as_published(deployment, records.version_number(number))
        if version is None:
            message = f"This record has no version {number}; its change log lists them."
            return _json_error([{"parameter": "version", "message": message}], 404)
    else:
        shown = deployment

    def make():
        cited = records.cite(shown)
        urls = exports.Urls(_base_url(request))
        reference = citations.record_reference(request, deployment, version and version.number)
        body = exports.record_json(shown, cited, changes, urls, citations.text(reference))
        if version is not None:
            body["version"] = version.number
            body["version_published_at"] = version.at
        body["license"] = datapackage.licence()
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})

    return _data_response(request, make)


def _not_published_json(request, slug):
    """As the record page answers (explore/views.py): 410 with what the withdrawn record's
    page says, 301 from a former slug, and a plain 404 for a draft or a record in review."""
    found = records.withdrawn_or_moved(slug)
    if found is None:
        return _json_error(
            [{"parameter": "slug", "message": "No published deployment has this slug."}], 404
        )
    what, deployment = found
    if what == "moved":
        query = request.META.get("QUERY_STRING", "")
        address = reverse("deployment_json", args=[deployment.slug])
        return HttpResponsePermanentRedirect(address + (f"?{query}" if query else ""))
    if what == "deleted":
        return _json_error(
            [{"parameter": "slug", "message": "This deployment was deleted."}],
            410,
            deleted={"title": deployment.title, "deleted_at": deployment.history_date},
        )
    replacement = records.replacement(deployment)
    return _json_error(
        [{"parameter": "slug", "message": "This deployment was withdrawn."}],
        410,
        withdrawn={
            "title": deployment.title,
            "withdrawn_at": deployment.withdrawn_at,
            "reason": deployment.withdrawal_reason,
            "replaced_by": replacement
            and request.build_absolute_uri(replacement.get_absolute_url()),
        },
    )


@require_safe
def datapackage_json(request):
    export_url = request.build_absolute_uri(reverse("export_csv"))

    def make():
        return JsonResponse(
            datapackage.datapackage(export_url),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )

    return _data_response(request, make)


@require_safe
def register_zip(request):
    return _register_file(
        request,
        register_files.ZIP,
        None,
        filename="register.zip",
        content_type="application/zip",
    )


def _whole_register(request) -> bool:
    """No filter, order or page asked (bom only adds a mark): the prebuilt file's bytes."""
    return all(name == "bom" or not any(request.GET.getlist(name)) for name in request.GET)


def _register_file(request, kind, base, **how):
    """A whole-register file as the worker last wrote it (register_files.py): never written
    here, so a request costs the same at any size."""
    state = freshness.request_state(request)
    found = register_files.servable(kind, state, base)
    if found is None:
        return _data_headers(
            request,
            register_files.not_ready(
                "The download is being prepared from the current register. "
                f"Please try again in {register_files.RETRY_AFTER_SECONDS} seconds."
            ),
        )
    return _data_headers(request, register_files.respond(request, found, state, **how))


@require_safe
def data_page(request):
    reference = citations.register_reference(request)
    state = freshness.request_state(request)
    files = register_files.built(register_files.ZIP)
    context = {
        # What /data/register.zip gives now, when it is not of the current state (the
        # worker is writing it): the register as it was at that date, or nothing yet.
        "files_current": any(f.holds(state) for f in files),
        "files_as_of": files[0].changed if files else None,
        "files_any": bool(files),
        "columns": dictionary.EXPORT_COLUMNS,
        "tables": dictionary.TABLES,
        "licence": datapackage.licence(),
        "last_changed": exports.last_changed(),
        "published": Deployment.objects.published().count(),
        "escape_example": cells.join_multi(["Smith; Jones Ltd", "Synthetic Devices"]),
        "base": _base_url(request).rstrip("/"),
        "page_size": PAGE_SIZE,
        "reference": reference,
        "citation": citations.text(reference),
        "cite_formats": citations.HEAD_LINKS,
    }
    return render(request, "deployments/data.html", context)
