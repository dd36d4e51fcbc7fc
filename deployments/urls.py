from django.urls import path

from deployments.core.freshness import public_page
from deployments.explore import browse, views
from deployments.opendata import api, feeds

# Public pages carry validators from the register's state and may be held by a CDN for a
# minute (freshness.public_page); data responses set their own (api._data_response).
urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("about/", public_page(views.about), name="about"),
    path("deployments/", public_page(views.deployment_list), name="deployment_list"),
    path("deployments/map/", public_page(views.deployment_map), name="deployment_map"),
    path(
        "deployments/timeline/", public_page(views.deployment_timeline), name="deployment_timeline"
    ),
    path(
        "deployments/<slug:slug>/", public_page(views.deployment_detail), name="deployment_detail"
    ),
    # Browse the register's entries: indexes with counts, and a page for each entry.
    path("organisations/", public_page(browse.organisation_index), name="organisation_index"),
    path(
        "organisations/<slug:slug>/",
        public_page(browse.organisation_detail),
        name="organisation_detail",
    ),
    path("technologies/", public_page(browse.technology_index), name="technology_index"),
    path(
        "technologies/<slug:slug>/", public_page(browse.technology_detail), name="technology_detail"
    ),
    path("countries/", public_page(browse.country_index), name="country_index"),
    path("countries/<str:code>/", public_page(browse.country_detail), name="country_detail"),
    path("sources/", public_page(browse.source_index), name="source_index"),
    path("sources/<int:pk>/", public_page(browse.source_detail), name="source_detail"),
    # Data: the same query parameters as the pages.
    path("deployments.geojson", api.deployments_geojson, name="export_geojson"),
    # The explore map's own compact data (mapdata.py); the export above stays complete.
    path("deployments/map.geojson", api.map_geojson, name="map_geojson"),
    path("deployments.csv", api.deployments_csv, name="export_csv"),
    path("deployments.json", api.deployments_json, name="export_json"),
    path("deployments/<slug:slug>.json", api.deployment_json, name="deployment_json"),
    # How to cite: cite.bib, cite.ris or cite.csl.json (opendata/citations.py).
    path(
        "deployments/<slug:slug>/cite.<str:fmt>",
        api.deployment_citation,
        name="deployment_citation",
    ),
    path("data/cite.<str:fmt>", api.register_citation, name="register_citation"),
    path("data/", api.data_page, name="data"),
    path("data/datapackage.json", api.datapackage_json, name="datapackage"),
    path("data/register.zip", api.register_zip, name="register_zip"),
    path("feeds/deployments.atom", feeds.deployments_feed, name="feed_deployments"),
    # The staff-only bulk import is routed in transparency/urls.py, under /admin/import/.
]
