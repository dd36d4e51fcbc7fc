"""Data views: every export reads the same FilterSet as the pages, so a download equals the
screen. Errors in the query come back as JSON with a 400."""

from django.http import JsonResponse

from . import exports, filters


def _filter_or_json_400(request):
    filterset = filters.filtered(request.GET)
    if filterset.is_valid():
        return filterset, None
    errors = [{"parameter": name, "message": message} for name, message in filterset.error_list()]
    return filterset, JsonResponse({"errors": errors}, status=400)


def deployments_geojson(request):
    filterset, bad = _filter_or_json_400(request)
    if bad:
        return bad
    response = JsonResponse(exports.geojson(filterset.qs), content_type="application/geo+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _todo(request, *args, **kwargs):
    from django.http import HttpResponse

    return HttpResponse("Not yet available.", status=404)


# Placeholders for the data issue; replaced by real views.
deployments_csv = deployments_json = deployment_json = data_page = _todo
